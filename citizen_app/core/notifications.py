"""Telling citizens what happened to their dossiers: in the app on every status change, by email when set up.

* :func:`on_event` is called by ``dossiers.lifecycle.record_event`` (the one place every
  transition is recorded) in the same transaction: a status change, or a delay with a new
  appointment, adds one :class:`Notification` for the applicant. Changes the applicant made
  themselves (submit, withdraw, answer a supplement) are listed too, already read, so the
  unread count only shows what the agency did.
* Email, when ``Settings.smtp_host`` is set and the citizen gave an address and chose email
  notifications (``UserProfile.notify_email``), and a text message when an SMS provider is set
  and the citizen must act or collect (:data:`SMS_STATUSES`, a delay): a durable job
  (core/jobs) is written in the *same* transaction as the change, so a rolled-back transition
  sends nothing and a committed one cannot lose its message. The job composes and sends the
  message outside any request, retried with back-off; ``email_status`` becomes ``sent``, or
  ``failed`` once every attempt has failed (the job stays visible to supervisors). The commit
  listeners are registered by :func:`install` at start-up (``core.transaction_hooks.install``);
  a message queued without them raises rather than never leaving.
* Reading: :func:`unread_count`, :func:`unread_by_dossier`, :func:`list_for`, :func:`mark_read`, always for one user's own
  rows: there is no way to name another person's notification.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from citizen_app.core import sms
from citizen_app.core.attachment_store import HooksNotInstalled
from citizen_app.core.i18n import N_, Msg, get_translator, normalize_locale
from citizen_app.core.jobs.queue import enqueue
from citizen_app.core.jobs.registry import task
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

SMS_TEXT = N_("Application {code}: {status}. See {url}")
# A text message costs money and interrupts: only when the citizen must act or come for the result.
SMS_STATUSES = frozenset({"supplement_requested", "result_ready"})

_PENDING = "citizen_app.notifications.pending"


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
    settings = get_settings()
    if settings.smtp_host or (settings.sms_provider and _wants_sms(notification)):
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


def _phones(db: Session, user_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """user id → (phone, locale) for those who declared a phone number."""
    rows = db.execute(
        select(UserProfile.user_id, UserProfile.phone, UserProfile.preferred_locale).where(
            UserProfile.user_id.in_(sorted(set(user_ids))), UserProfile.phone.is_not(None)
        )
    )
    return {user_id: (phone, locale or "vi") for user_id, phone, locale in rows if phone}


def _wants_sms(notification: Notification) -> bool:
    return notification.kind == "delay" or notification.status in SMS_STATUSES


def compose_sms(
    notification: Notification, dossier: Dossier, *, to: str, locale: str, settings: Settings
) -> sms.TextMessage:
    """The text message for one notification, without diacritics (core/sms.py says why)."""
    t = get_translator(normalize_locale(locale))
    code = dossier.code or ""
    status = t.render(headline(notification.kind, notification.status))
    url = f"{settings.public_base_url}/{t.locale}/applications/{code}"
    text = t.render(Msg(SMS_TEXT, {"code": code, "status": status, "url": url}))
    return sms.TextMessage(to=to, text=sms.unaccented(text), sender=settings.sms_sender)


# --- the jobs ---------------------------------------------------------------------------------------------


def _enqueue_before_commit(session: Session) -> None:
    """Write the delivery jobs into the transaction that is about to commit the notifications."""
    if session.in_nested_transaction():
        return  # a savepoint is released, not committed: wait for the real commit
    pending: list[tuple[Notification, Dossier]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    settings = get_settings()
    # Ids exist once everything is flushed; a notification flushed and then deleted is not sent.
    session.flush()
    kept = [(n, d) for n, d in pending if sa_inspect(n).persistent]
    if not kept:
        return
    user_ids = [n.user_id for n, _d in kept]
    emails = _recipients(session, user_ids) if settings.smtp_host else {}
    phones = _phones(session, user_ids) if settings.sms_provider else {}
    for notification, _dossier in kept:
        if notification.user_id in emails:
            notification.email_status = "queued"
            enqueue(session, "notifications.email", {"notification_id": notification.id})
        if notification.user_id in phones and _wants_sms(notification):
            enqueue(session, "notifications.sms", {"notification_id": notification.id})
    session.flush()


def _forget_on_rollback(session: Session, transaction: Any) -> None:
    # After a commit the list is empty already; after a rollback nothing may be sent.
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)


_LISTENERS = (
    ("before_commit", _enqueue_before_commit),
    ("after_transaction_end", _forget_on_rollback),
)


def install() -> None:
    """Register the listeners that turn notifications into delivery jobs on every ``Session`` (idempotent)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def uninstall() -> None:
    for name, listener in _LISTENERS:
        if event.contains(Session, name, listener):
            event.remove(Session, name, listener)


def installed() -> bool:
    return all(event.contains(Session, name, listener) for name, listener in _LISTENERS)


def _email_given_up(db: Session, payload: dict[str, Any], _now: datetime) -> None:
    db.execute(
        update(Notification).where(Notification.id == payload["notification_id"]).values(email_status="failed")
    )


@task("notifications.email", max_attempts=6, backoff_seconds=60, on_give_up=_email_given_up)
def deliver_email(db: Session, payload: dict[str, Any], _now: datetime) -> None:
    """Compose from what the dossier says now, send, record ``sent``; raising retries with back-off."""
    notification = db.get(Notification, payload["notification_id"])
    if notification is None:
        return  # the dossier is gone (a purged draft cannot have one, but a deleted account can)
    settings = get_settings()
    recipient = _recipients(db, [notification.user_id]).get(notification.user_id)
    if not settings.smtp_host or recipient is None:
        notification.email_status = "skipped"  # mail turned off, or the citizen opted out meanwhile
        return
    dossier = db.get(Dossier, notification.dossier_id)
    assert dossier is not None  # notifications cascade with their dossier
    send_email(compose(notification, dossier, to=recipient[0], locale=recipient[1], settings=settings), settings)
    notification.email_status = "sent"


@task("notifications.sms", max_attempts=6, backoff_seconds=60)
def deliver_sms(db: Session, payload: dict[str, Any], _now: datetime) -> None:
    notification = db.get(Notification, payload["notification_id"])
    if notification is None:
        return
    settings = get_settings()
    provider = sms.provider_for(settings)
    recipient = _phones(db, [notification.user_id]).get(notification.user_id)
    if provider is None or recipient is None:
        return
    dossier = db.get(Dossier, notification.dossier_id)
    assert dossier is not None
    provider.send(compose_sms(notification, dossier, to=recipient[0], locale=recipient[1], settings=settings))
