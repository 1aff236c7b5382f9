"""The dossier lifecycle: ONE state machine, declared in :data:`TRANSITIONS`, enforced in :func:`check`.

::

    draft → submitted → received → processing ⇄ supplement_requested → approved → result_ready → returned
                 ↘          ↘          ↘                 ↘
                  rejected (a reason is required), from any step before approval
    submitted, received → withdrawn (the citizen, before processing starts)

The staff's steps come from their declarations (``core.dossiers.actions.STAFF_ACTIONS``); the
citizen's own (submit, withdraw, answer a supplement) are listed here. Each step has a verb
function (:func:`receive`, :func:`start_processing`, :func:`approve`, :func:`reject`,
:func:`mark_result_ready`, :func:`hand_over`, :func:`withdraw`, :func:`delay`; supplements and
submission in their own modules); :func:`perform` takes a staff action by its key.

Every change goes through :func:`check`, which checks that the actor may touch this dossier at
all (the applicant; staff of the receiving agency), that it is still in the status the page
showed (``expected``: a second tap or a stale page is refused, never applied to the next
status), that the table has such a step, that this role may take it and that a required note
is there. What must be on record first (a result before "result ready") is checked next
(:data:`REQUIREMENTS`). The status changes with a conditional UPDATE (two officers clicking
at once cannot both win) and a :class:`DossierEvent` is recorded (who, when, role, note).
Refusals raise a typed error and are written to the audit trail.

Delays are not a status: :func:`delay` sets a new appointment with an apology note ("phiếu xin
lỗi và hẹn lại ngày trả kết quả"), under the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from citizen_app.core import audit, notifications
from citizen_app.core.documents.issuing import issue_on_approval
from citizen_app.core.dossiers import chain
from citizen_app.core.dossiers.access import Actor, can_read, deny
from citizen_app.core.dossiers.actions import BY_KEY, MSG_REASON_REQUIRED, STAFF, STAFF_ACTIONS, NoteRule
from citizen_app.core.dossiers.errors import (
    DossierNotFound,
    InvalidTransition,
    NoteRequired,
    StatusMoved,
)
from citizen_app.core.dossiers.results import ResultPickup, require_result
from citizen_app.core.i18n import N_, VIETNAM_TZ, Msg
from citizen_app.core.statuses import AGENCY_OWES, TERMINAL
from citizen_app.db.models.dossiers import Dossier, DossierEvent


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str  # the verb in the audit trail and the event
    roles: frozenset[str]
    note: NoteRule = "optional"
    # Some steps carry data and must go through their own function (submit, supplement request/answer).
    via: str | None = None
    requires: tuple[str, ...] = ()


def _t(
    source: str,
    target: str,
    action: str,
    roles: Iterable[str],
    note: NoteRule = "optional",
    via: str | None = None,
) -> tuple[tuple[str, str], Transition]:
    return (source, target), Transition(source, target, action, frozenset(roles), note, via)


# The citizen's own steps (staff may also submit, or record an answer brought to the counter).
CITIZEN_STEPS: tuple[tuple[tuple[str, str], Transition], ...] = (
    _t("draft", "submitted", "submit", {"citizen", *STAFF}, via="submit"),
    _t("submitted", "withdrawn", "withdraw", {"citizen"}),
    _t("received", "withdrawn", "withdraw", {"citizen"}),
    _t("supplement_requested", "processing", "supply", {"citizen", *STAFF}, via="respond_to_supplement"),
    # Issue 11: a fee to pay online holds the dossier until the provider (system) or the counter confirms it.
    _t("draft", "awaiting_payment", "submit", {"citizen", *STAFF}, via="submit"),
    _t("awaiting_payment", "submitted", "pay", {"system", *STAFF}, via="payment"),
    _t("awaiting_payment", "withdrawn", "withdraw", {"citizen"}),
)


def _staff_steps() -> list[tuple[tuple[str, str], Transition]]:
    steps = []
    for declared in STAFF_ACTIONS:
        if declared.target is None:
            continue  # not a status change (a delay)
        for source in declared.sources:
            step = Transition(
                source, declared.target, declared.key, declared.roles, declared.note, declared.via, declared.requires
            )
            steps.append(((source, declared.target), step))
    return steps


TRANSITIONS: Mapping[tuple[str, str], Transition] = dict([*CITIZEN_STEPS, *_staff_steps()])

DELAY_ROLES: frozenset[str] = BY_KEY["delay"].roles
DELAYABLE: frozenset[str] = frozenset(BY_KEY["delay"].sources)
# A delay moves the day; the appointment keeps its time of day (the desk's hours), or this one.
DELAY_DEFAULT_TIME = time(16, 0)

MSG_NOT_YOUR_STEP = N_("Your role cannot take this step")
MSG_APOLOGY_REQUIRED = N_("Write the apology and the reason for the delay: the applicant will see it")
MSG_DELAY_LATER = N_("The new date must be later than the current appointment")
MSG_CANNOT_DELAY = N_("This application can no longer be delayed")
MAX_NOTE_LENGTH = 2000

# What must be on record before a step (``StaffAction.requires``): values to store and the event's details.
Requirement = Callable[[Session, Dossier, ResultPickup | None], Mapping[str, Any]]
REQUIREMENTS: Mapping[str, Requirement] = {"result": require_result}


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


def expect_status(dossier: Dossier, expected: str | None) -> None:
    """Refuse to act on a dossier that is no longer in the status the page showed (None: no page, no check)."""
    if expected is not None and dossier.status != expected:
        raise StatusMoved(detail=f"dossier {dossier.id}: the page showed {expected}, it is {dossier.status}")


def _clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    cleaned = note.strip()
    return cleaned[:MAX_NOTE_LENGTH] if cleaned else None


def check(
    db: Session,
    dossier: Dossier,
    target: str,
    actor: Actor,
    note: str | None,
    *,
    via: str | None = None,
    expected: str | None = None,
) -> Transition:
    """Everything that must hold before a step is taken; raises (and audits denials) otherwise.

    Access comes first: someone who may not see the dossier is refused (and audited) the same
    way whatever state it is in, so a refusal never reveals where the dossier stands. Then the
    status the page showed (``expected``): a dossier that has moved on is left alone.
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
    expect_status(dossier, expected)
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
        raise StatusMoved(detail=f"dossier {dossier.id} left {step.source} before {step.action}")
    for key, value in changes.items():
        # Keep the loaded object in step with the row without marking it dirty.
        set_committed_value(dossier, key, value)
    recorded = record_event(
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
    if dossier.umbrella_id is not None:
        # A part of a linked application (issue 12): approval starts the next part, rejection stops them.
        chain.after_step(db, dossier, step.target, actor, now=now)
    return recorded


def _take(
    db: Session,
    dossier: Dossier,
    step: Transition,
    actor: Actor,
    *,
    now: datetime,
    note: str | None,
    pickup: ResultPickup | None,
) -> Dossier:
    """A checked plain step: what it requires on record first, then the change."""
    values: dict[str, Any] = {}
    details: dict[str, Any] = {}
    for name in step.requires:
        found = REQUIREMENTS[name](db, dossier, pickup)
        values.update(found.get("values", {}))
        details.update(found.get("details", {}))
    apply(db, dossier, step, actor, now=now, note=note, values=values, details=details)
    if step.action == "approve":
        # Issue 13: a certificate procedure's result is issued, signed, in the approval's transaction.
        issue_on_approval(db, dossier, actor_id=actor.user_id, actor_role=actor.role, now=now)
    return dossier


def fire(
    db: Session,
    dossier_id: int,
    target: str,
    actor: Actor,
    *,
    now: datetime,
    note: str | None = None,
    expected: str | None = None,
    pickup: ResultPickup | None = None,
) -> Dossier:
    """Take the plain step of the lifecycle that leads to ``target`` from where the dossier is.

    Steps that carry data (submit, request or answer a supplement) have their own
    functions; calling this for them raises :class:`InvalidTransition`.
    """
    dossier = load(db, dossier_id)
    step = check(db, dossier, target, actor, note, expected=expected)
    return _take(db, dossier, step, actor, now=now, note=note, pickup=pickup)


def perform(
    db: Session,
    dossier_id: int,
    action_key: str,
    actor: Actor,
    *,
    now: datetime,
    expected: str | None = None,
    note: str | None = None,
    pickup: ResultPickup | None = None,
) -> Dossier:
    """Take the staff action ``action_key`` (``core.dossiers.actions``) that changes only the status."""
    declared = BY_KEY.get(action_key)
    if declared is None or declared.target is None or declared.via is not None:
        raise InvalidTransition(detail=f"{action_key} is not a plain staff action")
    dossier = load(db, dossier_id)
    step = check(db, dossier, declared.target, actor, note, expected=expected)
    if step.action != action_key:
        raise InvalidTransition(detail=f"{action_key} is not the step from {dossier.status}, {step.action} is")
    return _take(db, dossier, step, actor, now=now, note=note, pickup=pickup)


# ---- one verb per step ----


def receive(db: Session, dossier_id: int, actor: Actor, *, now: datetime, expected: str | None = None) -> Dossier:
    return perform(db, dossier_id, "receive", actor, now=now, expected=expected)


def start_processing(
    db: Session, dossier_id: int, actor: Actor, *, now: datetime, expected: str | None = None
) -> Dossier:
    return perform(db, dossier_id, "start_processing", actor, now=now, expected=expected)


def approve(
    db: Session, dossier_id: int, actor: Actor, *, now: datetime, expected: str | None = None, note: str | None = None
) -> Dossier:
    return perform(db, dossier_id, "approve", actor, now=now, expected=expected, note=note)


def mark_result_ready(
    db: Session,
    dossier_id: int,
    actor: Actor,
    *,
    now: datetime,
    expected: str | None = None,
    pickup: ResultPickup | None = None,
) -> Dossier:
    """The result is ready: a result document is attached, or ``pickup`` says where and when to collect
    the paper result (refused when the applicant chose electronic delivery and there is no document)."""
    return perform(db, dossier_id, "result_ready", actor, now=now, expected=expected, pickup=pickup)


def hand_over(db: Session, dossier_id: int, actor: Actor, *, now: datetime, expected: str | None = None) -> Dossier:
    return perform(db, dossier_id, "return", actor, now=now, expected=expected)


def withdraw(
    db: Session, dossier_id: int, actor: Actor, *, now: datetime, note: str | None = None
) -> Dossier:
    return fire(db, dossier_id, "withdrawn", actor, now=now, note=note)


def reject(
    db: Session, dossier_id: int, actor: Actor, *, now: datetime, reason: str, expected: str | None = None
) -> Dossier:
    """Refuse at reception or reject later, whichever step the dossier's status has (a reason is required)."""
    return fire(db, dossier_id, "rejected", actor, now=now, note=reason, expected=expected)


def delay(
    db: Session,
    dossier_id: int,
    actor: Actor,
    *,
    now: datetime,
    new_appointment: datetime,
    apology: str,
    expected: str | None = None,
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
    expect_status(dossier, expected)
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
        raise StatusMoved(detail=f"dossier {dossier.id} changed during delay")
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


def delay_to_day(
    db: Session,
    dossier_id: int,
    actor: Actor,
    *,
    now: datetime,
    day: date,
    apology: str,
    expected: str | None = None,
) -> Dossier:
    """:func:`delay` to a new day: the appointment keeps its time of day (the desk's hours); only the day moves."""
    dossier = load(db, dossier_id)
    current = dossier.appointment_at
    at = current.astimezone(VIETNAM_TZ).time() if current is not None else DELAY_DEFAULT_TIME
    new_appointment = datetime.combine(day, at, VIETNAM_TZ)
    return delay(db, dossier_id, actor, now=now, new_appointment=new_appointment, apology=apology, expected=expected)


def delayed_from(dossier: Dossier) -> datetime | None:
    """The first appointment, when a delay has moved it (None when it stands as first set)."""
    first = dossier.original_appointment_at
    return first if first is not None and first != dossier.appointment_at else None


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
