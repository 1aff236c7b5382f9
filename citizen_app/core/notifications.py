"""Telling citizens what happened to their dossiers: in the app on every status change, by email when set up.

* :func:`on_event` is called by ``dossiers.lifecycle.record_event`` (the one place every
  transition is recorded) in the same transaction: a status change, or a delay with a new
  appointment, adds one :class:`Notification` for the applicant. Changes the applicant made
  themselves (submit, withdraw, answer a supplement) are listed too, already read, so the
  unread count only shows what the agency did.
* Email, when ``Settings.smtp_host`` is set and the citizen gave an address and chose email
  notifications (``UserProfile.notify_email``): the message is composed when the transaction
  commits and sent *after* the commit, on a background thread, with :mod:`smtplib`. A failed
  email is logged and recorded (``email_status="failed"``); it never rolls a transition back,
  and a rolled-back transition never sends one. The commit listeners are registered by
  :func:`install` at start-up (``core.transaction_hooks.install``); an email queued without
  them raises rather than never leaving.
* Reading: :func:`unread_count`, :func:`unread_by_dossier`, :func:`list_for`, :func:`mark_read`, always for one user's own
  rows: there is no way to name another person's notification.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import Engine, event, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from citizen_app.core.attachment_store import HooksNotInstalled
from citizen_app.core.i18n import N_, Msg, get_translator, normalize_locale
from citizen_app.core.statuses import status_label
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from citizen_app.db.models.identity import UserProfile
from citizen_app.db.models.tracking import Notification
from citizen_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10
LIST_LIMIT = 50

DELAY_HEADLINE = N_("New date for your result")
EMAIL_SUBJECT = N_("Application {code}: {status}")
EMAIL_STATUS = N_("Your application for “{procedure}” (code {code}) is now: {status}.")
EMAIL_DELAY = N_(
    "The agency has moved the date of your result to {date}. The reason and the apology are on the "
    "application page."
)
EMAIL_SUPPLEMENT = N_("The agency needs more information from you. Answer the request on the application page.")
EMAIL_LINK = N_("See your application: {url}")
EMAIL_FOOTER = N_(
    "You receive this email because you chose email notifications in your account. Do not reply: "
    "this mailbox is not read."
)

_PENDING = "citizen_app.notifications.pending"
_OUTBOX = "citizen_app.notifications.outbox"


# --- recording ----------------------------------------------------------------------------------------------


def is_notable(event: DossierEvent) -> bool:
    """A status change (drafts aside) or a delay: what the applicant is told about."""
    if event.action == "delay":
        return True
    return event.to_status not in (None, "draft") and event.to_status != event.from_status


def on_event(db: Session, dossier: Dossier, recorded: DossierEvent) -> Notification | None:
    """Add the applicant's notification for this event, if it is one they are told about (caller's transaction)."""
    if not is_notable(recorded):
        return None
    own = recorded.actor_role == "citizen" and recorded.actor_id == dossier.applicant_id
    notification = Notification(
        user_id=dossier.applicant_id,
        dossier_id=dossier.id,
        kind=recorded.action,
        status=recorded.to_status or dossier.status,
        created_at=recorded.at,
        read_at=recorded.at if own else None,
    )
    db.add(notification)
    if get_settings().smtp_host:
        if not installed():
            raise HooksNotInstalled()
        db.info.setdefault(_PENDING, []).append((notification, dossier))
    return notification


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationItem:
    id: int
    dossier_id: int
    code: str
    procedure_name: dict[str, str]
    kind: str
    status: str
    created_at: datetime
    read: bool
    headline: Msg


def headline(kind: str, status: str) -> Msg:
    """What the notice says, e.g. "Received", "More information needed", "New date for your result"."""
    if kind == "delay":
        return Msg(DELAY_HEADLINE)
    return status_label(status)


def unread_count(db: Session, user_id: int) -> int:
    return int(
        db.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def unread_by_dossier(db: Session, user_id: int) -> dict[int, int]:
    """dossier id → unread notifications, for the "new" marks on My applications."""
    rows = db.execute(
        select(Notification.dossier_id, func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .group_by(Notification.dossier_id)
    )
    return {dossier_id: int(count) for dossier_id, count in rows}


def list_for(db: Session, user_id: int, *, limit: int = LIST_LIMIT) -> list[NotificationItem]:
    """The user's own notifications, newest first, with their dossier's code and procedure name."""
    rows = db.execute(
        select(Notification, Dossier.code, Dossier.procedure_name)
        .join(Dossier, Dossier.id == Notification.dossier_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return [
        NotificationItem(
            id=n.id,
            dossier_id=n.dossier_id,
            code=code or "",
            procedure_name=dict(name or {}),
            kind=n.kind,
            status=n.status,
            created_at=n.created_at,
            read=n.read_at is not None,
            headline=headline(n.kind, n.status),
        )
        for n, code, name in rows
    ]


def mark_read(db: Session, user_id: int, *, now: datetime, dossier_id: int | None = None) -> int:
    """Mark the user's unread notifications read (all, or one dossier's); returns how many changed."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if dossier_id is not None:
        query = query.where(Notification.dossier_id == dossier_id)
    result = db.execute(query.values(read_at=now).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


# --- email --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingEmail:
    notification_id: int
    to: str
    subject: str
    body: str


def compose(
    notification: Notification, dossier: Dossier, *, to: str, locale: str, settings: Settings
) -> OutgoingEmail:
    """The email for one notification, in the citizen's language. Only what their dossier page shows."""
    t = get_translator(normalize_locale(locale))
    status = t.render(headline("status", notification.status))
    code = dossier.code or ""
    procedure = t.pick(dossier.procedure_name) if dossier.procedure_name else ""
    url = f"{settings.public_base_url}/{t.locale}/applications/{code}"
    lines = [t.render(Msg(EMAIL_STATUS, {"procedure": procedure, "code": code, "status": status}))]
    if notification.kind == "delay" and dossier.appointment_at is not None:
        lines.append(t.render(Msg(EMAIL_DELAY, {"date": t.format_date(dossier.appointment_at)})))
    if notification.status == "supplement_requested" and notification.kind != "delay":
        lines.append(t.gettext(EMAIL_SUPPLEMENT))
    lines += ["", t.render(Msg(EMAIL_LINK, {"url": url})), "", "-- ", t.gettext(EMAIL_FOOTER)]
    subject_status = t.render(headline(notification.kind, notification.status))
    return OutgoingEmail(
        notification_id=notification.id,
        to=to,
        subject=t.render(Msg(EMAIL_SUBJECT, {"code": code, "status": subject_status})),
        body="\n".join(lines) + "\n",
    )


def send_email(message: OutgoingEmail, settings: Settings) -> None:
    """One message to ``SMTP_HOST``:``SMTP_PORT``, over TLS when ``SMTP_SECURITY`` says; raises on failure.

    The server's certificate is checked against the system's trusted authorities
    (``ssl.create_default_context``); credentials, when given, are only sent once the
    connection is encrypted (Settings refuses a username with ``SMTP_SECURITY=none``).
    """
    email = EmailMessage()
    email["From"] = settings.smtp_sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    email.set_content(message.body)
    with _connect(settings) as smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(email)


def _connect(settings: Settings) -> smtplib.SMTP:
    if settings.smtp_security == "tls":
        return smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)


def _deliver(messages: list[OutgoingEmail], engine: Engine, settings: Settings) -> None:
    """Runs on the mail thread: send each message, then record how it went (its own transaction)."""
    outcome: dict[str, list[int]] = {"sent": [], "failed": []}
    for message in messages:
        try:
            send_email(message, settings)
        except Exception:
            # The transition is committed already; the citizen still has the in-app notice.
            log.exception("could not email notification %s to the applicant", message.notification_id)
            outcome["failed"].append(message.notification_id)
        else:
            outcome["sent"].append(message.notification_id)
    try:
        with Session(engine) as db, db.begin():
            for status, ids in outcome.items():
                if ids:
                    db.execute(
                        update(Notification).where(Notification.id.in_(ids)).values(email_status=status)
                    )
    except Exception:
        log.exception("could not record the email outcome of notifications %s", outcome)


_executor: ThreadPoolExecutor | None = None
_futures: list[Future[None]] = []
_lock = threading.Lock()


def _submit(messages: list[OutgoingEmail], engine: Engine, settings: Settings) -> None:
    global _executor
    with _lock:
        if _executor is None:
            # One thread: SMTP servers prefer few connections, and order is kept.
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notification-mail")
        _futures[:] = [f for f in _futures if not f.done()]
        _futures.append(_executor.submit(_deliver, messages, engine, settings))


def wait_for_emails(timeout: float = 30) -> bool:
    """Wait until every email handed to the mail thread is sent (or failed). For tests and shutdown."""
    with _lock:
        pending = list(_futures)
    _done, not_done = wait_futures(pending, timeout=timeout)
    return not not_done


def _recipients(db: Session, user_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """user id → (email, locale) for those who gave an address and chose email notifications."""
    rows = db.execute(
        select(UserProfile.user_id, UserProfile.email, UserProfile.preferred_locale).where(
            UserProfile.user_id.in_(sorted(set(user_ids))),
            UserProfile.notify_email.is_(True),
            UserProfile.email.is_not(None),
        )
    )
    return {user_id: (email, locale or "vi") for user_id, email, locale in rows if email}


def _compose_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint is released, not committed: wait for the real commit
    pending: list[tuple[Notification, Dossier]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    settings = get_settings()
    if not settings.smtp_host:
        return
    # Ids and the dossier code (allocated last in a submission) exist once everything is flushed.
    session.flush()
    kept = [(n, d) for n, d in pending if sa_inspect(n).persistent]
    if not kept:
        return
    recipients = _recipients(session, (n.user_id for n, _d in kept))
    outbox: list[OutgoingEmail] = []
    for notification, dossier in kept:
        recipient = recipients.get(notification.user_id)
        if recipient is None:
            continue
        notification.email_status = "queued"
        outbox.append(compose(notification, dossier, to=recipient[0], locale=recipient[1], settings=settings))
    if outbox:
        session.flush()
        session.info.setdefault(_OUTBOX, []).extend(outbox)


def _send_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    outbox: list[OutgoingEmail] = session.info.pop(_OUTBOX, [])
    if not outbox:
        return
    bind: Any = session.get_bind()
    engine = getattr(bind, "engine", bind)
    _submit(outbox, engine, get_settings())


def _forget_on_rollback(session: Session, transaction: Any) -> None:
    # After a commit both lists are empty already; after a rollback nothing may be sent.
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)
    session.info.pop(_OUTBOX, None)


_LISTENERS = (
    ("before_commit", _compose_before_commit),
    ("after_commit", _send_after_commit),
    ("after_transaction_end", _forget_on_rollback),
)


def install() -> None:
    """Register the email listeners on every ``Session`` (idempotent)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def uninstall() -> None:
    for name, listener in _LISTENERS:
        if event.contains(Session, name, listener):
            event.remove(Session, name, listener)


def installed() -> bool:
    return all(event.contains(Session, name, listener) for name, listener in _LISTENERS)
