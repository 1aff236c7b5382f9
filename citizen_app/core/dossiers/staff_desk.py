"""The counter desk: who acts, opening a dossier by code or receipt QR, and what may be done to it now.

Everything here sits on the lifecycle's own rules (:data:`TRANSITIONS`, :func:`allowed_targets`,
:func:`can_read`); it only gathers them for the workspace page, so the page never decides what
a role may do. Opening a dossier is written to the audit trail: staff reading a citizen's
application is an action supervisors must be able to see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.dossiers.access import STAFF_ROLES, Actor, UserLike, can_read, deny, record_denial
from citizen_app.core.dossiers.errors import DossierNotFound
from citizen_app.core.dossiers.lifecycle import DELAY_ROLES, DELAYABLE, TRANSITIONS, allowed_targets, load
from citizen_app.core.dossiers.queries import MSG_NOT_GENUINE, open_by_code, open_by_token
from citizen_app.core.i18n import Msg
from citizen_app.db.models.dossiers import Dossier

# Tokens are ``<base64url code>.<base64url tag>`` (core.receipts); the QR holds ``{base}/v/{token}``.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,120}\.[A-Za-z0-9_-]{8,60}$")
RESULT_FILE_STATUSES = frozenset({"approved", "result_ready"})


def desk_actor(user: UserLike) -> Actor:
    """At the counter a person acts as a counter officer when they are one, else in their staff role.

    Supervisors in the demo also hold ``counter_officer``: their desk work is recorded as such,
    and only what they do as supervisors (the dashboard, the audit log) as ``supervisor``.
    """
    role = "counter_officer" if "counter_officer" in user.roles else None
    return Actor.staff(user, role)


def token_from_scan(text: str) -> str | None:
    """The receipt token in what a QR reader returned: the verification URL (``…/v/<token>``) or a bare
    token; None for anything else (a code is not a token: typed codes go through :func:`open_by_code`)."""
    value = (text or "").strip()
    if not value or len(value) > 500:
        return None
    if "/" in value:
        parts = urlsplit(value)
        path = unquote(parts.path)
        if "/v/" not in path:
            return None
        value = path.rsplit("/v/", 1)[1].strip("/")
    return value if _TOKEN.match(value) else None


def open_at_desk(db: Session, actor: Actor, *, code: str = "", scanned: str = "") -> Dossier:
    """A dossier by typed code, or by what the camera read from the receipt's QR (signature checked).

    Raises ``DossierNotFound`` (no such code; a QR that is not a genuine receipt) or ``AccessDenied``
    (another agency's dossier; audited by the core). A successful opening is audited too.
    """
    if not actor.is_staff:
        raise deny(db, action="staff.dossier.open", actor=actor, dossier_id=None, reason="not staff")
    if scanned:
        token = token_from_scan(scanned)
        try:
            if token is None:
                raise DossierNotFound(Msg(MSG_NOT_GENUINE), detail="the QR holds no receipt token")
            dossier = open_by_token(db, token, actor)
        except DossierNotFound as missing:
            if missing.message.msgid != MSG_NOT_GENUINE:
                raise
            # A forged or altered receipt is a refusal like any other: supervisors see it in the log.
            record_denial(
                db,
                action="staff.dossier.open",
                actor=actor,
                target_type="receipt",
                target_id=None,
                details={"reason": "receipt token not genuine", "method": "qr"},
            )
            raise
        method = "qr"
    else:
        dossier = open_by_code(db, code, actor)
        method = "code"
    audit.record(
        db,
        action="staff.dossier.open",
        target_type="dossier",
        target_id=str(dossier.id),
        actor_id=actor.audit_id,
        actor_role=actor.role,
        details={"code": dossier.code, "method": method},
    )
    return dossier


def view_at_desk(db: Session, actor: Actor, code: str) -> Dossier:
    """The dossier the workspace page shows (``/staff/dossiers/<code>``), read rights checked and audited."""
    if not actor.is_staff:
        raise deny(db, action="staff.dossier.view", actor=actor, dossier_id=None, reason="not staff")
    dossier = open_by_code(db, code, actor)
    audit.record(
        db,
        action="staff.dossier.view",
        target_type="dossier",
        target_id=str(dossier.id),
        actor_id=actor.audit_id,
        actor_role=actor.role,
        details={"code": dossier.code},
    )
    return dossier


@dataclass(frozen=True)
class DeskActions:
    """What this officer may do to the dossier now, straight from the lifecycle table.

    ``targets``: plain steps for :func:`fire` (receive, start processing, approve, reject,
    result ready, return), in the table's order. ``supplement``: request a supplement
    (:func:`request_supplement`). ``delay``: set a later appointment with an apology
    (:func:`delay`). ``result_file``: attach or remove the result document.
    """

    targets: tuple[str, ...] = ()
    supplement: bool = False
    delay: bool = False
    result_file: bool = False

    @property
    def any(self) -> bool:
        return bool(self.targets or self.supplement or self.delay or self.result_file)


def desk_actions(dossier: Dossier, actor: Actor) -> DeskActions:
    if actor.role not in STAFF_ROLES or not can_read(actor, dossier):
        return DeskActions()
    supplement = any(
        source == dossier.status and step.via == "request_supplement" and actor.role in step.roles
        for (source, _target), step in TRANSITIONS.items()
    )
    return DeskActions(
        targets=tuple(allowed_targets(dossier, actor)),
        supplement=supplement,
        delay=actor.role in DELAY_ROLES and dossier.status in DELAYABLE,
        result_file=dossier.status in RESULT_FILE_STATUSES,
    )


def note_rule(source: str, target: str) -> str:
    """``required`` / ``optional`` / ``none`` for the note of a plain step (the page labels its box)."""
    step = TRANSITIONS.get((source, target))
    return step.note if step else "none"


def dossier_by_id(db: Session, dossier_id: int, actor: Actor) -> Dossier:
    """Reload after an action (the caller opened it by code before); read rights checked again."""
    dossier = load(db, dossier_id)
    if not can_read(actor, dossier):
        raise deny(db, action="staff.dossier.view", actor=actor, dossier_id=dossier.id, reason="not readable")
    return dossier


def applicant_summary(dossier: Dossier) -> dict[str, Any]:
    """Only what the desk needs to serve the person: the receipt's snapshot and the ID number's last digits."""
    snapshot = dict(dossier.applicant or {})
    return {
        "full_name": snapshot.get("full_name") or "",
        "phone": snapshot.get("phone") or "",
        "email": snapshot.get("email") or "",
        "address": snapshot.get("address") or "",
        "pid_last4": dossier.applicant_pid_last4 or "",
    }


def people_named(db: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of the people in a timeline (the applicant and the officers who acted)."""
    from citizen_app.db.models.identity import User

    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    return {row.id: row.display_name or "" for row in db.execute(select(User.id, User.display_name).where(User.id.in_(ids)))}
