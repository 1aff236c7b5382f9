"""The dossier lifecycle: ONE state machine, declared in :data:`TRANSITIONS`, enforced in :func:`fire`.

::

    draft → submitted → received → processing ⇄ supplement_requested → approved → result_ready → returned
                 ↘          ↘          ↘                 ↘
                  rejected (a reason is required), from any step before approval
    submitted, received → withdrawn (the citizen, before processing starts)

Every change goes through :func:`fire`, which checks the table (is there such a
step, may this role take it, is a note required), checks that the actor may
touch this dossier at all (the applicant; staff of the receiving agency),
changes the status with a conditional UPDATE (two officers clicking at once
cannot both win) and records a :class:`DossierEvent` (who, when, role, note).
Refusals raise a typed error and are written to the audit trail.

Delays are not a status: :func:`delay` sets a new appointment with an apology
note ("phiếu xin lỗi và hẹn lại ngày trả kết quả"), under the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from citizen_app.core import audit, notifications
from citizen_app.core.dossiers.access import Actor, can_read, deny
from citizen_app.core.dossiers.errors import (
    ConcurrentChange,
    DossierNotFound,
    InvalidTransition,
    NoteRequired,
)
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.statuses import (
    AGENCY_OWES,
    IN_PROGRESS,
    TERMINAL,
)
from citizen_app.db.models.dossiers import Dossier, DossierEvent

STAFF = frozenset({"counter_officer", "supervisor"})

NoteRule = Literal["none", "optional", "required"]


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str  # the verb in the audit trail and the event
    roles: frozenset[str]
    note: NoteRule = "optional"
    # Some steps carry data and must go through their own function (submit, supplement request/answer).
    via: str | None = None


def _t(
    source: str,
    target: str,
    action: str,
    roles: Iterable[str],
    note: NoteRule = "optional",
    via: str | None = None,
) -> tuple[tuple[str, str], Transition]:
    return (source, target), Transition(source, target, action, frozenset(roles), note, via)


TRANSITIONS: Mapping[tuple[str, str], Transition] = dict(
    [
        _t("draft", "submitted", "submit", {"citizen", *STAFF}, via="submit"),
        _t("submitted", "received", "receive", {*STAFF, "system"}),
        _t("submitted", "rejected", "refuse", STAFF, note="required"),
        _t("submitted", "withdrawn", "withdraw", {"citizen"}),
        _t("received", "processing", "start_processing", {*STAFF, "system"}),
        _t(
            "received",
            "supplement_requested",
            "request_supplement",
            STAFF,
            note="required",
            via="request_supplement",
        ),
        _t("received", "rejected", "reject", STAFF, note="required"),
        _t("received", "withdrawn", "withdraw", {"citizen"}),
        _t(
            "processing",
            "supplement_requested",
            "request_supplement",
            STAFF,
            note="required",
            via="request_supplement",
        ),
        _t("processing", "approved", "approve", STAFF),
        _t("processing", "rejected", "reject", STAFF, note="required"),
        # The citizen answers online; an officer may record an answer brought to the counter.
        _t("supplement_requested", "processing", "supply", {"citizen", *STAFF}, via="respond_to_supplement"),
        _t("supplement_requested", "rejected", "reject", STAFF, note="required"),
        _t("approved", "result_ready", "result_ready", {*STAFF, "system"}),
        _t("result_ready", "returned", "return", {*STAFF, "system"}),
    ]
)

DELAY_ROLES: frozenset[str] = STAFF
DELAYABLE: frozenset[str] = IN_PROGRESS

MSG_NOT_YOUR_STEP = N_("Your role cannot take this step")
MSG_REASON_REQUIRED = N_("Give a reason: the applicant will see it")
MSG_APOLOGY_REQUIRED = N_("Write the apology and the reason for the delay: the applicant will see it")
MSG_DELAY_LATER = N_("The new date must be later than the current appointment")
MSG_CANNOT_DELAY = N_("This application can no longer be delayed")
MAX_NOTE_LENGTH = 2000


def allowed_targets(dossier: Dossier, actor: Actor) -> list[str]:
    """The statuses this actor could move the dossier to through :func:`fire` (for showing buttons)."""
    if not can_read(actor, dossier):
        return []
    return [
        t.target
        for (source, _target), t in TRANSITIONS.items()
        if source == dossier.status and actor.role in t.roles and t.via is None
    ]


def load(db: Session, dossier_id: int) -> Dossier:
    dossier = db.get(Dossier, dossier_id)
    if dossier is None:
        raise DossierNotFound(detail=f"dossier {dossier_id}")
    return dossier


def record_event(
    db: Session,
    dossier: Dossier,
    actor: Actor,
    action: str,
    *,
    now: datetime,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> DossierEvent:
    event = DossierEvent(
        dossier_id=dossier.id,
        at=now,
        actor_id=actor.user_id,
        actor_role=actor.role,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        details=dict(details or {}),
    )
    db.add(event)
    audit.record(
        db,
        action=f"dossier.{action}",
        target_type="dossier",
        target_id=str(dossier.id),
        actor_id=actor.audit_id,
        actor_role=actor.role,
        details={"from": from_status, "to": to_status, "code": dossier.code, **dict(details or {})},
    )
    # The applicant hears of every status change (and delay) from here, the one place events are recorded:
    # in the app within this transaction, by email only after it commits.
    notifications.on_event(db, dossier, event)
    return event


def _clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    cleaned = note.strip()
    return cleaned[:MAX_NOTE_LENGTH] if cleaned else None


def check(
    db: Session, dossier: Dossier, target: str, actor: Actor, note: str | None, *, via: str | None = None
) -> Transition:
    """Everything that must hold before a step is taken; raises (and audits denials) otherwise.

    Access comes first: someone who may not see the dossier is refused (and audited) the same
    way whatever state it is in, so a refusal never reveals where the dossier stands.
    """
    step = TRANSITIONS.get((dossier.status, target))
    action = f"dossier.{step.action}" if step else f"dossier.{target}"
    if not can_read(actor, dossier) or (actor.role == "citizen" and dossier.applicant_id != actor.user_id):
        raise deny(
            db,
            action=action,
            actor=actor,
            dossier_id=dossier.id,
            reason="not the applicant or the receiving agency",
        )
    if step is None:
        raise InvalidTransition(detail=f"{dossier.status} → {target}")
    if step.via != via:
        raise InvalidTransition(detail=f"{dossier.status} → {target} goes through {step.via}()")
    if actor.role not in step.roles:
        raise deny(
            db,
            action=action,
            actor=actor,
            dossier_id=dossier.id,
            reason=f"role {actor.role} may not {step.action}",
            message=Msg(MSG_NOT_YOUR_STEP),
        )
    if step.note == "required" and not _clean_note(note):
        raise NoteRequired(Msg(MSG_REASON_REQUIRED))
    return step


def apply(
    db: Session,
    dossier: Dossier,
    step: Transition,
    actor: Actor,
    *,
    now: datetime,
    note: str | None = None,
    values: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> DossierEvent:
    """Move the dossier along ``step`` (already checked): conditional UPDATE, then the event."""
    changes: dict[str, Any] = {"status": step.target, "status_changed_at": now, **dict(values or {})}
    # The result is ready when processing ends; handing it over later must not move that moment
    # (on-time rates are measured against it).
    if (step.target in TERMINAL or step.target == "result_ready") and dossier.finished_at is None:
        changes.setdefault("finished_at", now)
    if step.target == "rejected":
        changes["rejection_reason"] = _clean_note(note)
    result = db.execute(
        update(Dossier)
        .where(Dossier.id == dossier.id, Dossier.status == step.source)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.refresh(dossier)
        raise ConcurrentChange(detail=f"dossier {dossier.id} left {step.source} before {step.action}")
    for key, value in changes.items():
        # Keep the loaded object in step with the row without marking it dirty.
        set_committed_value(dossier, key, value)
    return record_event(
        db,
        dossier,
        actor,
        step.action,
        now=now,
        from_status=step.source,
        to_status=step.target,
        note=_clean_note(note),
        details=details,
    )


def fire(
    db: Session, dossier_id: int, target: str, actor: Actor, *, now: datetime, note: str | None = None
) -> Dossier:
    """Take a plain step of the lifecycle (receive, start processing, approve, reject, withdraw, …).

    Steps that carry data (submit, request or answer a supplement) have their own
    functions; calling this for them raises :class:`InvalidTransition`.
    """
    dossier = load(db, dossier_id)
    step = check(db, dossier, target, actor, note)
    apply(db, dossier, step, actor, now=now, note=note)
    return dossier


def withdraw(
    db: Session, dossier_id: int, actor: Actor, *, now: datetime, note: str | None = None
) -> Dossier:
    return fire(db, dossier_id, "withdrawn", actor, now=now, note=note)


def reject(db: Session, dossier_id: int, actor: Actor, *, now: datetime, reason: str) -> Dossier:
    return fire(db, dossier_id, "rejected", actor, now=now, note=reason)


def delay(
    db: Session, dossier_id: int, actor: Actor, *, now: datetime, new_appointment: datetime, apology: str
) -> Dossier:
    """Set a later appointment with an apology note; the first appointment is kept for on-time rates."""
    dossier = load(db, dossier_id)
    if actor.role not in DELAY_ROLES or not can_read(actor, dossier):
        raise deny(
            db,
            action="dossier.delay",
            actor=actor,
            dossier_id=dossier.id,
            reason=f"role {actor.role} may not delay this dossier",
            message=Msg(MSG_NOT_YOUR_STEP),
        )
    if dossier.status not in DELAYABLE:
        raise InvalidTransition(Msg(MSG_CANNOT_DELAY), detail=f"cannot delay a {dossier.status} dossier")
    apology_text = _clean_note(apology)
    if not apology_text:
        raise NoteRequired(Msg(MSG_APOLOGY_REQUIRED))
    if new_appointment.tzinfo is None:
        raise ValueError("naive datetime given")
    current = dossier.appointment_at
    if current is not None and new_appointment <= current:
        raise InvalidTransition(Msg(MSG_DELAY_LATER), detail="new appointment not later")
    result = db.execute(
        update(Dossier)
        .where(Dossier.id == dossier.id, Dossier.status == dossier.status)
        .values(
            appointment_at=new_appointment,
            original_appointment_at=dossier.original_appointment_at or current,
            appointment_provisional=False,  # a date the officer chose, not one counted by the calendar
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConcurrentChange(detail=f"dossier {dossier.id} changed during delay")
    db.refresh(dossier)
    record_event(
        db,
        dossier,
        actor,
        "delay",
        now=now,
        from_status=dossier.status,
        to_status=dossier.status,
        note=apology_text,
        details={
            "previous_appointment": current.isoformat() if current else None,
            "new_appointment": new_appointment.isoformat(),
        },
    )
    return dossier


def is_overdue(dossier: Dossier, now: datetime) -> bool:
    """Past the appointment while the agency still owes work on it."""
    return (
        dossier.status in AGENCY_OWES and dossier.appointment_at is not None and dossier.appointment_at < now
    )


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """The same rule as a SQL condition, for queues and dashboards."""
    return and_(Dossier.status.in_(sorted(AGENCY_OWES)), Dossier.appointment_at < now)


def overdue_dossiers(db: Session, now: datetime, agency_code: str | None = None) -> list[Dossier]:
    query = select(Dossier).where(overdue_clause(now)).order_by(Dossier.appointment_at)
    if agency_code:
        query = query.where(Dossier.agency_code == agency_code)
    return list(db.scalars(query))


def timeline(db: Session, dossier_id: int, actor: Actor) -> list[DossierEvent]:
    """The dossier's events in order, for the dossier page (the reader must be allowed to see it)."""
    dossier = load(db, dossier_id)
    if not can_read(actor, dossier):
        raise deny(db, action="dossier.read", actor=actor, dossier_id=dossier.id, reason="timeline")
    query = select(DossierEvent).where(DossierEvent.dossier_id == dossier_id).order_by(DossierEvent.id)
    return list(db.scalars(query))
