"""The counter desk: who acts, opening a dossier by code or receipt QR, what it shows, and acting on it.

Everything here sits on the lifecycle's own rules (the staff actions' declarations, the
transition table, :func:`can_read`); it gathers them for the workspace page, so the page never
decides what a role may do. :func:`desk_view` is the page's read model: plain data, no ORM
object leaves this module, and the applicant's personal ID numbers are masked in it wherever
they appear (the snapshot and every answer of that type). :func:`act_at_desk` takes one
request from the page, always with the status the page showed. Opening a dossier is written to
the audit trail: staff reading a citizen's application is an action supervisors must be able to see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.attachments import list_attachments, shared_with_part
from citizen_app.core.catalog import get_catalog
from citizen_app.core.dossiers import chain, routing
from citizen_app.core.dossiers.access import (
    STAFF_ROLES,
    Actor,
    UserLike,
    can_read,
    deny,
    record_denial,
    require_read,
)
from citizen_app.core.dossiers.actions import BY_KEY, STAFF_ACTIONS, StaffAction
from citizen_app.core.dossiers.errors import DossierNotFound, InvalidTransition, ValidationFailed
from citizen_app.core.dossiers.lifecycle import (
    MAX_NOTE_LENGTH,
    delay_to_day,
    delayed_from,
    expect_status,
    is_overdue,
    load,
    perform,
)
from citizen_app.core.dossiers.lifecycle import timeline as dossier_timeline
from citizen_app.core.dossiers.queries import MSG_NOT_GENUINE, open_by_code, open_by_token
from citizen_app.core.dossiers.results import ResultPickup, delivery_choice, has_result_document
from citizen_app.core.dossiers.supplements import request_supplement
from citizen_app.core.forms import FormSchema
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.payments.ledger import may_record_counter_payment
from citizen_app.db.models.dossiers import Dossier, DossierAttachment, DossierEvent
from citizen_app.db.models.identity import User
from citizen_app.db.models.payments import Payment

# Tokens are ``<base64url code>.<base64url tag>`` (core.receipts); the QR holds ``{base}/v/{token}``.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,120}\.[A-Za-z0-9_-]{8,60}$")
# While the result document may still be attached or replaced (the attachments core's own rule).
RESULT_FILE_STATUSES = frozenset({"approved", "result_ready"})
# The same officer sending the same action again from the same status this soon is one intent, not two.
REPEAT_WINDOW = timedelta(seconds=30)
MASK = "•••• •••• "

MSG_ENTER_DATE = N_("Enter the new appointment date.")


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


@dataclass(frozen=True)
class Opened:
    dossier_id: int
    code: str


def open_at_desk(db: Session, actor: Actor, *, code: str = "", scanned: str = "") -> Opened:
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
    return Opened(dossier.id, dossier.code or "")


# ---- what the desk may do ----


def desk_actions(dossier: Dossier, actor: Actor, *, has_form: bool = True) -> tuple[StaffAction, ...]:
    """The declared actions this officer may take on the dossier now, in the declarations' order.

    A supplement request needs the procedure's form (to name what to supply).
    """
    if actor.role not in STAFF_ROLES or not can_read(actor, dossier):
        return ()
    return tuple(
        action
        for action in STAFF_ACTIONS
        if dossier.status in action.sources
        and actor.role in action.roles
        and (action.input != "supplement" or has_form)
        and (action.input != "route" or routing.may_route(actor, dossier))
    )


def may_attach_result(dossier: Dossier, actor: Actor) -> bool:
    return actor.role in STAFF_ROLES and can_read(actor, dossier) and dossier.status in RESULT_FILE_STATUSES


# ---- the workspace's read model ----


@dataclass(frozen=True)
class DeskApplicant:
    """Only what the desk needs to serve the person: the receipt's snapshot, the ID number masked."""

    full_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    personal_id: str = ""  # masked: "•••• •••• 2345"


@dataclass(frozen=True)
class DeskFile:
    id: int
    name: str
    slot_id: str
    stage: str  # draft | supplement | result
    size_bytes: int
    has_thumbnail: bool
    # Issue 13: taken from the citizen's document store: kind, issuer, issued on, signature verdict.
    from_store: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class DeskEvent:
    id: int
    at: datetime
    action: str
    actor_role: str
    actor_name: str
    note: str
    details: Mapping[str, Any]


@dataclass(frozen=True)
class DeskView:
    dossier_id: int
    code: str
    procedure_code: str
    procedure_name: Mapping[str, str]
    form: FormSchema | None
    status: str
    overdue: bool
    channel: str
    received_at: datetime | None
    appointment_at: datetime | None
    # Counted through a year whose holidays are not decided yet (core.calendar): the date may move.
    appointment_provisional: bool
    delayed_from: datetime | None  # the first appointment, when a delay moved it
    receiving_unit: Mapping[str, str] | None
    fee_due_vnd: int | None
    applicant: DeskApplicant
    answers: Mapping[str, Any]  # personal ID numbers masked
    locked: tuple[str, ...]  # answers verified by VNeID: cannot be asked for again
    rejection_reason: str
    supplement_request: Mapping[str, Any]
    files: tuple[DeskFile, ...]
    events: tuple[DeskEvent, ...]  # oldest first
    actions: tuple[StaffAction, ...]  # what this officer may do now
    result_file: bool  # may attach or remove the result document now
    has_result_document: bool
    delivery: str | None  # how the applicant asked to receive the result, if the form asked
    pickup: ResultPickup | None
    # Issue 11: the fee line by line as submitted, and its payments (provider, status, fee receipt number).
    fee_breakdown: Mapping[str, Any] | None = None
    payments: tuple[tuple[str, str, str | None], ...] = ()
    # The fee may be recorded as paid at the counter now (cash or card terminal, with its receipt number).
    counter_payment: bool = False
    # A part of a linked application (issue 12): (position, parts, umbrella code), what earlier parts
    # handed on ((label, value), …), and where a registry contradicted the verified identity.
    chain: tuple[int, int, str] | None = None
    handed_on: tuple[tuple[Mapping[str, str], str], ...] = ()
    conflicts: tuple[Mapping[str, Any], ...] = ()
    # Reception without boundaries (issue 12): the unit handling it when not the one that received it,
    # and the units this officer may send it to now (empty unless the desk may route it).
    competent_unit: Mapping[str, str] | None = None
    route_targets: tuple[routing.UnitChoice, ...] = ()
    # A part of a linked application: the files the citizen attached once for every part (read only).
    shared_files: tuple[DeskFile, ...] = ()


def mask_personal_id(value: Any) -> str:
    """``•••• •••• 2345``: enough to check a card against, not enough to copy a number."""
    digits = re.sub(r"\D", "", str(value or ""))
    return MASK + digits[-4:] if len(digits) >= 4 else ("••••" if value else "")


def masked_answers(form: FormSchema | None, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with every personal ID number masked: fields of that type, also inside groups.

    An answer the form does not know (a procedure since removed or changed) is masked by its name.
    """
    fields = {f.id: f for f in form.fields()} if form is not None else {}
    shown: dict[str, Any] = {}
    for key, value in answers.items():
        declared = fields.get(key)
        if declared is None:
            shown[key] = _mask_by_name(key, value)
        elif declared.type == "personal_id":
            shown[key] = mask_personal_id(value) if value else value
        elif declared.type == "group" and isinstance(value, list):
            inner = {sub.id for sub in declared.fields if sub.type == "personal_id"}
            shown[key] = [
                {k: mask_personal_id(v) if k in inner and v else v for k, v in item.items()}
                if isinstance(item, Mapping) else item
                for item in value
            ]
        else:
            shown[key] = value
    return shown


def _mask_by_name(key: str, value: Any) -> Any:
    if key.endswith("personal_id") and value:
        return mask_personal_id(value)
    if isinstance(value, list):
        return [
            {k: _mask_by_name(k, v) for k, v in item.items()} if isinstance(item, Mapping) else item for item in value
        ]
    return value


def form_of(procedure_code: str) -> FormSchema | None:
    procedure = get_catalog().get(procedure_code)
    form = procedure.form if procedure is not None else None
    return form if isinstance(form, FormSchema) else None


def people_named(db: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of the people in a timeline (the applicant and the officers who acted)."""
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    rows = db.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {row.id: row.display_name or "" for row in rows}


def _assemble(db: Session, actor: Actor, dossier: Dossier, now: datetime) -> DeskView:
    part = chain.part_of(db, dossier)
    form = part.form if part is not None else form_of(dossier.procedure_code)
    events = dossier_timeline(db, dossier.id, actor)
    names = people_named(db, [e.actor_id for e in events])
    snapshot = dict(dossier.applicant or {})
    _umbrella, shared = shared_with_part(db, dossier, actor) if part is not None else (None, [])
    return DeskView(
        dossier_id=dossier.id,
        code=dossier.code or "",
        procedure_code=dossier.procedure_code,
        procedure_name=dict(dossier.procedure_name or {}),
        form=form,
        status=dossier.status,
        overdue=is_overdue(dossier, now),
        channel=dossier.channel,
        received_at=dossier.received_at,
        appointment_at=dossier.appointment_at,
        appointment_provisional=bool(dossier.appointment_provisional),
        delayed_from=delayed_from(dossier),
        receiving_unit=dict(dossier.receiving_unit) if dossier.receiving_unit else None,
        fee_due_vnd=dossier.fee_due_vnd,
        fee_breakdown=dossier.fee_breakdown,
        payments=tuple(
            (row.provider, row.status, row.receipt_number)
            for row in db.execute(
                select(Payment.provider, Payment.status, Payment.receipt_number)
                .where(Payment.dossier_id == dossier.id)
                .order_by(Payment.created_at)
            )
        ),
        counter_payment=may_record_counter_payment(db, dossier, actor),
        applicant=DeskApplicant(
            full_name=str(snapshot.get("full_name") or ""),
            phone=str(snapshot.get("phone") or ""),
            email=str(snapshot.get("email") or ""),
            address=str(snapshot.get("address") or ""),
            personal_id=MASK + dossier.applicant_pid_last4 if dossier.applicant_pid_last4 else "",
        ),
        answers=masked_answers(form, dossier.answers or {}),
        locked=tuple((dossier.locked_values or {}).keys()),
        rejection_reason=dossier.rejection_reason or "",
        supplement_request=dict(dossier.supplement_request or {}),
        files=tuple(
            _desk_file(a) for a in list_attachments(db, dossier.id, actor)
        ),
        events=tuple(
            DeskEvent(
                id=e.id,
                at=e.at,
                action=e.action,
                actor_role=e.actor_role,
                actor_name=names.get(e.actor_id, "") if e.actor_id is not None else "",
                note=e.note or "",
                details=dict(e.details or {}),
            )
            for e in events
        ),
        actions=desk_actions(dossier, actor, has_form=form is not None),
        result_file=may_attach_result(dossier, actor),
        has_result_document=has_result_document(db, dossier.id),
        delivery=delivery_choice(dossier.answers),
        pickup=ResultPickup.from_record(dossier.result_pickup),
        chain=(part.position, part.total, part.umbrella_code) if part is not None else None,
        handed_on=part.handed_on if part is not None else (),
        conflicts=chain.conflicts_of(dossier),
        competent_unit=routing.competent_unit(dossier),
        route_targets=routing.route_targets(dossier) if routing.may_route(actor, dossier) else (),
        shared_files=tuple(_desk_file(a) for a in shared),
    )


def _desk_file(a: DossierAttachment) -> DeskFile:
    return DeskFile(a.id, a.original_name, a.slot_id, a.stage, a.size_bytes, bool(a.thumbnail_name), a.from_store)


def desk_view(db: Session, actor: Actor, code: str, *, now: datetime) -> DeskView:
    """The workspace page (``/staff/dossiers/<code>``): read rights checked, the viewing audited."""
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
    return _assemble(db, actor, dossier, now)


def desk_view_by_id(db: Session, actor: Actor, dossier_id: int, *, now: datetime) -> DeskView:
    """The same view again after an action (the page opened it by code before); read rights checked again."""
    dossier = load(db, dossier_id)
    if not actor.is_staff or not can_read(actor, dossier):
        raise deny(db, action="staff.dossier.view", actor=actor, dossier_id=dossier.id, reason="not readable")
    return _assemble(db, actor, dossier, now)


# ---- acting ----


@dataclass(frozen=True)
class DeskRequest:
    """One action from the workspace, with the status the page showed when it was asked for."""

    action: str
    expected: str
    note: str = ""
    fields: tuple[str, ...] = ()  # a supplement request: the answers and documents to supply
    documents: tuple[str, ...] = ()
    new_day: date | None = None  # a delay
    to_unit: str = ""  # a hand-over: the agency code of the competent unit
    pickup: ResultPickup | None = None  # result ready without a document


@dataclass(frozen=True)
class DeskOutcome:
    action: StaffAction
    # The same officer's same action from the same status, just done: nothing was done twice.
    repeated: bool = False


def _repeats_last(db: Session, dossier: Dossier, actor: Actor, declared: StaffAction, request: DeskRequest,
                  now: datetime) -> bool:
    """Whether ``request`` is the action this officer has just taken, sent again (a double tap, a resent event).

    A status change is a repeat when the dossier left the status the request carries by that very
    action; a delay (the status stays) when its apology is word for word the one just recorded.
    """
    last = db.scalar(
        select(DossierEvent).where(DossierEvent.dossier_id == dossier.id).order_by(DossierEvent.id.desc()).limit(1)
    )
    if (
        last is None
        or last.action != declared.key
        or last.actor_id != actor.user_id
        or last.from_status != request.expected
        or not now - last.at < REPEAT_WINDOW
    ):
        return False
    if declared.changes_status:
        return dossier.status != request.expected
    return (last.note or "") == request.note.strip()[:MAX_NOTE_LENGTH]


def act_at_desk(db: Session, actor: Actor, dossier_id: int, request: DeskRequest, *, now: datetime) -> DeskOutcome:
    """Take ``request.action`` on the dossier, if it is still in ``request.expected``.

    A dossier that has moved on is refused (``StatusMoved``), never moved a second step: except
    that the same officer repeating the action they have just taken from that same status (a
    double tap, a resent event) gets the outcome of the first, with nothing done twice.
    Refusals of the lifecycle (role, unit, note, requirements) come through unchanged.
    """
    declared = BY_KEY.get(request.action)
    if declared is None:
        raise InvalidTransition(detail=f"no staff action {request.action!r}")
    dossier = load(db, dossier_id)
    require_read(db, actor, dossier, action=f"dossier.{declared.key}")
    if _repeats_last(db, dossier, actor, declared, request, now):
        return DeskOutcome(declared, repeated=True)
    expect_status(dossier, request.expected)
    if declared.input == "supplement":
        form = form_of(dossier.procedure_code)
        if form is None:
            raise InvalidTransition(detail=f"no form for {dossier.procedure_code}: nothing to ask for")
        request_supplement(
            db, dossier_id, actor, form=form, fields=request.fields, attachments=request.documents,
            message=request.note, now=now,
        )
    elif declared.input == "route":
        routing.route(db, dossier_id, actor, request.to_unit, now=now, expected=request.expected,
                      note=request.note or None)
    elif declared.input == "delay":
        if request.new_day is None:
            raise ValidationFailed({"new_date": Msg(MSG_ENTER_DATE)})
        delay_to_day(db, dossier_id, actor, now=now, day=request.new_day, apology=request.note,
                     expected=request.expected)
    else:
        perform(db, dossier_id, declared.key, actor, now=now, expected=request.expected,
                note=request.note or None, pickup=request.pickup)
    return DeskOutcome(declared)
