"""Submitting a draft: one transaction, idempotent, with the Circular 01/2018 code and the appointment.

The client generates a submission key (a UUID) when the check-answers page
opens and sends it with every attempt. A double tap, a retry after a dropped
connection, a retry after signing in again because the session expired, or a
second tab: all return the dossier the first attempt made, never a second one.
Two mechanisms guarantee it: the key is unique in the database, and a draft
becomes its dossier (same row), claimed by ``UPDATE … WHERE status = 'draft'``
so only one attempt can move it.

Inside the caller's transaction, in this order (so PostgreSQL row locks are
always taken dossier first, then the agency's sequence): validate everything
server-side, claim the draft, allocate the agency's next number of the day,
set receipt time, appointment, fee and the receipt snapshots, record events.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from citizen_app.core import admin_units, calendar
from citizen_app.core.agencies import Agency, InvalidAgencyCode, parse_agency_code, receiving_agency
from citizen_app.core.attachment_store import slot_counts
from citizen_app.core.codes import assign_dossier_code
from citizen_app.core.dossiers import routing
from citizen_app.core.dossiers.access import Actor, can_read, deny, serves
from citizen_app.core.dossiers.errors import FormChanged, SubmissionKeyReused, ValidationFailed
from citizen_app.core.dossiers.lifecycle import TRANSITIONS, check, load, record_event
from citizen_app.core.dossiers.queries import staff_agency_code
from citizen_app.core.dossiers.terms import DocumentTerm, ProcedureTerms
from citizen_app.core.fees import FeeBreakdown
from citizen_app.core.forms import enforce_locked, migrate_answers, reusable_changes, validate_all
from citizen_app.core.forms.validation import CommuneChecker, default_commune_checker
from citizen_app.core.i18n import N_, VIETNAM_TZ, Msg
from citizen_app.core.identity.profile_view import Address, ProfileView
from citizen_app.db.models.dossiers import Dossier

MSG_CHOOSE_COMMUNE = N_("Choose the commune or ward that will receive your application")
MSG_BAD_KEY = N_("This submission could not be matched to your application. Reload the page and try again")

# code -> Vietnamese name of a province (2 digits) or commune (5 digits); None when unknown.
UnitNames = Callable[[str], str | None]


@dataclass(frozen=True)
class SubmissionResult:
    dossier: Dossier
    # False when an earlier attempt (same key, or the same draft from another tab) had already submitted it.
    created: bool
    # Newly typed contact data the citizen may save to their profile (binding -> value).
    reusable: dict[str, Any]


def channel_for(assisted: bool) -> str:
    """The channel an application goes through: ``counter`` when an officer types it in with the
    citizen at the desk (assisted submission), else ``online``. Fees and processing times differ by it."""
    return "counter" if assisted else "online"


def fee_due(
    terms: ProcedureTerms, *, assisted: bool, answers: Mapping[str, Any] | None = None, on: date | None = None
) -> int:
    """What the application will cost, in dong, as the declaration page announces it and submission records it."""
    return fee_breakdown(terms, assisted=assisted, answers=answers, on=on).total_vnd


def fee_breakdown(
    terms: ProcedureTerms, *, assisted: bool, answers: Mapping[str, Any] | None = None, on: date | None = None
) -> FeeBreakdown:
    """The fee line by line (fixed fee, per copy, reductions), from the answers given so far."""
    day = on or datetime.now(VIETNAM_TZ).date()
    return terms.fee_breakdown(channel_for(assisted), day, answers)


def _default_names() -> tuple[UnitNames, UnitNames]:
    return admin_units.province_name, admin_units.commune_name


def _normalise_key(raw: str) -> str:
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError as problem:
        raise SubmissionKeyReused(Msg(MSG_BAD_KEY), detail=f"not a UUID: {raw!r}") from problem


def _already(
    db: Session, dossier: Dossier, actor: Actor, terms: ProcedureTerms, profile: ProfileView | None
) -> SubmissionResult:
    reusable = reusable_changes(terms.form, dossier.answers, profile) if profile is not None else {}
    return SubmissionResult(dossier=dossier, created=False, reusable=reusable)


def _bound_value(terms: ProcedureTerms, answers: Mapping[str, Any], binding: str) -> Any:
    for field in terms.form.prefilled_fields():
        if field.prefill == binding and answers.get(field.id) not in (None, "", {}):
            return answers[field.id]
    return None


def _address_of(value: Any) -> tuple[str, str] | None:
    if isinstance(value, Address):
        return value.province_code, value.commune_code
    if isinstance(value, Mapping) and value.get("province_code") and value.get("commune_code"):
        return str(value["province_code"]), str(value["commune_code"])
    return None


def _receiving_place(
    terms: ProcedureTerms,
    answers: Mapping[str, Any],
    profile: ProfileView | None,
    chosen: tuple[str, str] | None,
) -> tuple[str, str] | None:
    """The commune (and its province) whose agency receives: chosen > answered address > profile."""
    if chosen:
        return chosen
    for binding in ("contact.current_address", "identity.permanent_address"):
        place = _address_of(_bound_value(terms, answers, binding))
        if place:
            return place
    if profile is not None:
        for address in (profile.current_address, profile.permanent_address):
            place = _address_of(address)
            if place:
                return place
    return None


def _desk_agency(actor: Actor) -> Agency | None:
    """The counter's own agency when it receives applications in person (a commune's People's Committee
    or the province's service centre); None for other units, whose applications go by the address."""
    code = staff_agency_code(actor)
    if code is None:
        return None
    agency = parse_agency_code(code)
    return agency if agency.kind in ("commune_committee", "province_centre") else None


def _display_address(value: Any, province_name: UnitNames, commune_name: UnitNames) -> str | None:
    if isinstance(value, Address):
        value = value.as_answer()
    if not isinstance(value, Mapping):
        return None
    parts = [
        str(value.get("street") or "").strip(),
        commune_name(str(value.get("commune_code"))) or "",
        province_name(str(value.get("province_code"))) or "",
    ]
    return ", ".join(part for part in parts if part) or None


def _applicant_snapshot(
    terms: ProcedureTerms,
    answers: Mapping[str, Any],
    profile: ProfileView | None,
    province_name: UnitNames,
    commune_name: UnitNames,
) -> dict[str, Any]:
    def pick(binding: str, fallback: Any) -> Any:
        value = _bound_value(terms, answers, binding)
        return value if value not in (None, "", {}) else fallback

    address = pick("contact.current_address", None) or pick(
        "identity.permanent_address",
        profile.current_address or profile.permanent_address if profile else None,
    )
    return {
        "full_name": pick("identity.full_name", profile.full_name if profile else None),
        "address": _display_address(address, province_name, commune_name),
        "phone": pick("contact.phone", profile.phone if profile else None),
        "email": pick("contact.email", profile.email if profile else None),
    }


def _documents_received(
    terms: ProcedureTerms, counts: Mapping[str, int], documents: Sequence[DocumentTerm] | None
) -> list[dict[str, Any]]:
    if documents is not None:
        return [
            {"name": dict(d.name), "originals": d.originals, "copies": d.copies, "files": 0}
            for d in documents
        ]
    received = []
    for slot in terms.form.attachments:
        files = counts.get(slot.id, 0)
        if files:
            received.append({"name": dict(slot.label), "originals": 0, "copies": 0, "files": files})
    return received


def submit(
    db: Session,
    draft_id: int,
    actor: Actor,
    *,
    submission_key: str,
    terms: ProcedureTerms,
    profile: ProfileView | None,
    now: datetime,
    receiving_commune: tuple[str, str] | None = None,
    documents: Sequence[DocumentTerm] | None = None,
    communes: CommuneChecker | bool | None = None,
    names: tuple[UnitNames, UnitNames] | None = None,
) -> SubmissionResult:
    """Submit a draft (caller's transaction; call inside ``unit_of_work``).

    ``actor`` is the signed-in citizen (online) or the counter officer who
    started the draft with the citizen (assisted: registrar, channel counter,
    received at once). ``receiving_commune`` = (province code, commune code)
    when the citizen chose where to apply; otherwise the address answered in
    the form, then the profile. ``documents`` lists paper documents taken at
    the counter; online, the received documents are the attachment slots.

    Raises :class:`ValidationFailed` (field path → message, nothing saved),
    :class:`FormChanged` (resume the draft first), ``AccessDenied``.
    """
    key = _normalise_key(submission_key)
    existing = db.scalar(select(Dossier).where(Dossier.submission_key == key))
    if existing is not None:
        if existing.id != draft_id or not can_read(actor, existing):
            raise deny(
                db,
                action="dossier.submit",
                actor=actor,
                dossier_id=existing.id,
                reason="submission key of another dossier",
            )
        return _already(db, existing, actor, terms, profile)

    dossier = load(db, draft_id)
    staff_assisted = actor.is_staff and dossier.registrar_id == actor.user_id
    if not (actor.role == "citizen" and dossier.applicant_id == actor.user_id) and not staff_assisted:
        raise deny(
            db, action="dossier.submit", actor=actor, dossier_id=dossier.id, reason="not the applicant"
        )
    if dossier.status != "draft":
        # Another tab (with its own key) got there first: the same dossier, not a new one.
        return _already(db, dossier, actor, terms, profile)
    step = check(db, dossier, "submitted", actor, None, via="submit")

    today = now.astimezone(VIETNAM_TZ).date()
    if communes is None:
        communes = default_commune_checker() or False
    if dossier.form_version != terms.form.version:
        report = migrate_answers(dossier.answers, dossier.form_version, terms.form, today, communes=communes)
        raise FormChanged(report.messages, report.dropped, report.now_required)

    answers, _tampered = enforce_locked(dossier.answers, dossier.locked_values)
    counts = slot_counts(db, dossier.id)
    outcome = validate_all(terms.form, answers, counts, today, communes=communes)
    if not outcome.ok:
        raise ValidationFailed(outcome.errors)

    # A linked application's parts find their own agencies (core/dossiers/chain.py): no hand-over for it.
    desk = _desk_agency(actor) if staff_assisted and not terms.code.startswith("group:") else None
    if desk is not None:
        # In person, without administrative boundaries (issue 12): the desk receives (its code names the
        # dossier) whatever the procedure's level, and hands it to the competent unit of its province.
        try:
            agency: Agency = routing.competent_at_desk(
                terms.level, desk, receiving_commune or _receiving_place(terms, outcome.answers, profile, None)
            )
        except routing.RoutingRefused as refused:
            raise ValidationFailed({"receiving_commune": refused.message}) from refused
        except InvalidAgencyCode as problem:
            raise ValidationFailed({"receiving_commune": Msg(MSG_CHOOSE_COMMUNE)}) from problem
    else:
        if staff_assisted and receiving_commune is None:
            at_desk = _desk_agency(actor)
            if at_desk is not None and at_desk.commune_code and terms.level == "commune":
                receiving_commune = (at_desk.province_code, at_desk.commune_code)
        place = _receiving_place(terms, outcome.answers, profile, receiving_commune)
        if place is None or (terms.level == "commune" and communes and not communes(*place)):
            raise ValidationFailed({"receiving_commune": Msg(MSG_CHOOSE_COMMUNE)})
        try:
            agency = receiving_agency(terms.level, place[0], place[1])
        except InvalidAgencyCode as problem:
            raise ValidationFailed({"receiving_commune": Msg(MSG_CHOOSE_COMMUNE)}) from problem
    # The unit whose code the dossier carries: the desk that took it in, else the competent agency.
    receiver = desk or agency

    # Claim the draft. A concurrent attempt on the same draft waits here (PostgreSQL row lock, SQLite write
    # lock) and then finds it no longer a draft.
    try:
        claimed = db.execute(
            update(Dossier)
            .where(Dossier.id == dossier.id, Dossier.status == "draft")
            .values(status="submitted", submission_key=key)
            .execution_options(synchronize_session=False)
        ).rowcount
    except IntegrityError as problem:
        raise SubmissionKeyReused(Msg(MSG_BAD_KEY), detail="key already used for another draft") from problem
    if claimed != 1:
        db.refresh(dossier)
        return _already(db, dossier, actor, terms, profile)

    province_name, commune_name = names or _default_names()
    channel = channel_for(staff_assisted)
    received_at = now.astimezone(UTC)
    # Never refused for the calendar: a year nobody curated yet gives a provisional date (core.calendar).
    # Nor for a time limit the catalogue does not state: a provisional date the officer confirms.
    limit = terms.time_for(channel)
    due = calendar.appointment(received_at, limit.days, limit.unit)  # type: ignore[arg-type]
    appointment = due.at.astimezone(UTC)
    pid = _bound_value(terms, outcome.answers, "identity.personal_id") or (
        profile.personal_id if profile else None
    )

    dossier.status = "submitted"
    dossier.submission_key = key
    dossier.channel = channel
    dossier.answers = outcome.answers
    dossier.agency_code = receiver.code
    dossier.province_code = agency.province_code
    dossier.commune_code = receiver.commune_code if terms.level == "commune" else None
    dossier.receiving_unit = routing.unit_name(receiver, (province_name, commune_name))
    dossier.procedure_name = dict(terms.name)
    dossier.applicant = _applicant_snapshot(terms, outcome.answers, profile, province_name, commune_name)
    dossier.applicant_pid_last4 = str(pid)[-4:] if pid else None
    dossier.documents = _documents_received(terms, counts, documents)
    dossier.processing_days = limit.days if limit.stated else None
    dossier.processing_day_unit = limit.unit
    breakdown = (
        fee_breakdown(terms, assisted=staff_assisted, answers=outcome.answers, on=received_at.astimezone(VIETNAM_TZ).date())
        if terms.fee_stated
        else None
    )
    dossier.fee_due_vnd = breakdown.total_vnd if breakdown is not None else None
    dossier.fee_breakdown = breakdown.as_json() if breakdown is not None else None
    # Online with a fee: it waits for the payment before the agency's clock starts (core/payments).
    # At the counter the officer takes the fee there and then.
    target = "awaiting_payment" if terms.online_payment and not staff_assisted and dossier.fee_due_vnd else "submitted"
    if target != "submitted":
        dossier.status = target
    dossier.received_at = received_at
    dossier.appointment_at = appointment
    dossier.original_appointment_at = appointment
    dossier.appointment_provisional = due.provisional or not limit.stated
    dossier.status_changed_at = received_at
    dossier.last_touched_at = received_at
    db.flush()
    record_event(
        db,
        dossier,
        actor,
        step.action,
        now=received_at,
        from_status="draft",
        to_status=target,
        details={"channel": channel, "agency": receiver.code, "fee_due_vnd": dossier.fee_due_vnd},
    )
    if staff_assisted and serves(actor, dossier):
        # Received at the desk by the officer who typed it in: the slip is printed there and then.
        receive = TRANSITIONS[("submitted", "received")]
        dossier.status = "received"
        db.flush()
        record_event(
            db, dossier, actor, receive.action, now=received_at, from_status="submitted", to_status="received"
        )
    if receiver.code != agency.code:
        # Received here, handled there: the hand-over is the dossier's next step in its history.
        routing.hand_over(db, dossier, actor, agency, now=received_at, names=(province_name, commune_name))
    reusable = reusable_changes(terms.form, outcome.answers, profile) if profile is not None else {}
    # Last, so the agency's sequence row stays locked only from here to the caller's commit.
    db.flush()
    set_committed_value(dossier, "code", assign_dossier_code(db, dossier.id, receiver.code, received_at))
    return SubmissionResult(dossier=dossier, created=True, reusable=reusable)
