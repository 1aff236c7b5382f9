"""Linked applications (life events, issue 12): an umbrella and its component dossiers, moving in turn.

The citizen fills one form (the group's, ``core.life_events.groups``) in an ordinary draft whose
procedure code is ``group:<slug>``; :func:`start_chain` runs right after the draft is submitted
(``core.dossiers.applying.send``), in the same transaction:

* the umbrella (the submitted draft) becomes ``linked``: no agency works on it, it is what the
  citizen sent and tracks; its code names the unit that received it;
* one dossier per component procedure, each with its own Circular 01/2018 code (from its own
  agency), its agency and its due date: the parts' days counted one after the other from the
  receipt (after 15:00, from the next working day: ``core.calendar``). The first is ``submitted``;
  the others ``waiting``.

:func:`after_step` is called by the lifecycle after every status change of a component
(``lifecycle.apply``): approval hands the part's result value on (the birth certificate number)
and starts the next part; a rejection stops the parts after it (``stopped``), and the citizen is
told why and what to do (:func:`umbrella_view`).

This module sits below ``lifecycle`` (which calls it): it writes its own events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import admin_units, audit, calendar, notifications
from citizen_app.core.agencies import Agency, commune_committee, commune_police, social_insurance
from citizen_app.core.codes import assign_dossier_code
from citizen_app.core.dossiers.access import Actor
from citizen_app.core.dossiers.terms import ProcedureTerms
from citizen_app.core.forms.schema import FormSchema
from citizen_app.core.i18n import N_, VIETNAM_TZ, Msg
from citizen_app.core.life_events.groups import Component, LinkedGroup, group_of_code, linked_group
from citizen_app.db.models.dossiers import Dossier, DossierEvent

MSG_TOO_OLD = N_(
    "The child is 6 or older, so the health-insurance card for children under 6 cannot be part of this "
    "application. Check the date of birth, or apply for the card on its own."
)
MSG_OUTSIDE_PROVINCE = N_(
    "This address is not in the province of the office you chose. Choose an office in the same province, "
    "or correct the address."
)

# Decision 296/QĐ-VPCP: a linked application received after 15:00 counts from the next working day
# (the ordinary rule, core.calendar, closes at 17:00).
LINKED_CUTOFF = time(15, 0)
LINKED = "linked"
WAITING = "waiting"
STOPPED = "stopped"
# The steps the chain takes by itself (no one fires them): a waiting part starts, or is stopped.
CHAIN_STEPS: dict[str, tuple[str, ...]] = {WAITING: ("submitted", STOPPED)}


# --- the group as terms of the ordinary apply flow ----------------------------------------------------------


def group_terms(group: LinkedGroup) -> ProcedureTerms:
    """The group's form applied for like a procedure (its draft's procedure code is ``group:<slug>``)."""
    return ProcedureTerms(
        code=group.code,
        name=dict(group.name),
        level="commune",
        form=group.form,
        processing_days={"online": group.working_days, "counter": group.working_days},
        fees_vnd={"online": 0, "counter": 0},
    )


def terms_for(procedure_code: str) -> ProcedureTerms | None:
    group = group_of_code(procedure_code)
    return group_terms(group) if group is not None else None


# --- checks beyond the form -------------------------------------------------------------------------------


def _place(value: Any) -> tuple[str, str] | None:
    if isinstance(value, Mapping) and value.get("province_code") and value.get("commune_code"):
        return str(value["province_code"]), str(value["commune_code"])
    return None


def receiving_place(group: LinkedGroup, answers: Mapping[str, Any]) -> tuple[str, str] | None:
    """The commune chosen to receive (any commune of the province), else where the parts are about."""
    chosen = _place(answers.get(group.receiving_field)) if group.receiving_field else None
    return chosen or _place(answers.get(group.address_field))


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def group_errors(group: LinkedGroup, answers: Mapping[str, Any], today: date) -> dict[str, Msg]:
    """What the group refuses that the form alone cannot say: an age limit, an address outside the province."""
    errors: dict[str, Msg] = {}
    for component in group.components:
        limit = component.age_limit
        if limit is None:
            continue
        raw = answers.get(limit.field)
        try:
            born = date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            born = None
        if born is not None and _age_on(born, today) >= limit.under_years:
            errors[limit.field] = Msg(MSG_TOO_OLD)
    home = _place(answers.get(group.address_field))
    chosen = _place(answers.get(group.receiving_field)) if group.receiving_field else None
    if home and chosen and home[0] != chosen[0]:
        errors[f"{group.address_field}.province_code"] = Msg(MSG_OUTSIDE_PROVINCE)
    return errors


# --- starting the chain -----------------------------------------------------------------------------------


def agency_for(component: Component, receiving: tuple[str, str], home: tuple[str, str]) -> Agency:
    """The competent unit of a part: the receiving commune's committee, the police where the person
    lives (same province), the province's social-insurance agency."""
    if component.agency_kind == "commune_committee":
        return commune_committee(*receiving)
    if component.agency_kind == "commune_police":
        return commune_police(*home)
    return social_insurance(receiving[0])


UnitNames = Callable[[str], "str | None"]


def _unit_name(agency: Agency, names: tuple[UnitNames, UnitNames] | None) -> dict[str, str]:
    province_name, commune_name = names or (admin_units.province_name, admin_units.commune_name)
    return dict(
        agency.name(
            province_name(agency.province_code),
            commune_name(agency.commune_code) if agency.commune_code else None,
        )
    )


def _event(
    db: Session,
    dossier: Dossier,
    actor: Actor,
    action: str,
    *,
    now: datetime,
    from_status: str | None,
    to_status: str | None,
    note: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """An event of the chain, written like the lifecycle's: history, audit log, the applicant told."""
    event = DossierEvent(
        dossier_id=dossier.id, at=now, actor_id=actor.user_id, actor_role=actor.role, action=action,
        from_status=from_status, to_status=to_status, note=note, details=dict(details or {}),
    )
    db.add(event)
    audit.record(
        db, action=f"dossier.{action}", target_type="dossier", target_id=str(dossier.id),
        actor_id=actor.audit_id, actor_role=actor.role,
        details={"from": from_status, "to": to_status, "code": dossier.code, **dict(details or {})},
    )
    notifications.on_event(db, dossier, event)


def clock_start(received_at: datetime) -> datetime:
    """When the chain's clock starts: after 15:00 (or on a day off), 08:00 on the next working day."""
    local = received_at.astimezone(VIETNAM_TZ)
    if calendar.is_working_day(local.date()) and local.time() < LINKED_CUTOFF:
        return received_at
    return datetime.combine(calendar.next_working_day(local.date()), time(8, 0), VIETNAM_TZ)


def start_chain(
    db: Session,
    umbrella: Dossier,
    group: LinkedGroup,
    actor: Actor,
    *,
    now: datetime,
    names: tuple[UnitNames, UnitNames] | None = None,
) -> list[Dossier]:
    """Turn the submitted umbrella into its component dossiers (caller's transaction)."""
    answers = umbrella.answers or {}
    receiving = receiving_place(group, answers)
    home = _place(answers.get(group.address_field)) or receiving
    assert receiving is not None and home is not None, "validated before submission"
    received_at = (umbrella.received_at or now).astimezone(UTC)
    verification = group.needs_verification(answers)
    start = clock_start(received_at)
    parts: list[Dossier] = []
    days = 0
    provisional = False
    for position, component in enumerate(group.components, start=1):
        agency = agency_for(component, receiving, home)
        days += group.component_days(component, answers)
        due = calendar.appointment(start, days)
        provisional = provisional or due.provisional
        first = position == 1
        part = Dossier(
            applicant_id=umbrella.applicant_id,
            registrar_id=umbrella.registrar_id,
            procedure_code=component.code,
            procedure_name=dict(component.name),
            procedure_level="province" if agency.commune_code is None else "commune",
            form_version=umbrella.form_version,
            status="submitted" if first else WAITING,
            channel=umbrella.channel,
            answers=dict(answers),
            locked_values=dict(umbrella.locked_values or {}),
            provenance=dict(umbrella.provenance or {}),
            prefill_sources=dict(umbrella.prefill_sources or {}),
            agency_code=agency.code,
            province_code=agency.province_code,
            commune_code=agency.commune_code,
            receiving_unit=_unit_name(agency, names),
            applicant=dict(umbrella.applicant or {}),
            applicant_pid_last4=umbrella.applicant_pid_last4,
            documents=list(umbrella.documents or []) if first else [],
            processing_days=group.component_days(component, answers),
            processing_day_unit="working",
            fee_due_vnd=0,
            received_at=received_at,
            appointment_at=due.at.astimezone(UTC),
            original_appointment_at=due.at.astimezone(UTC),
            appointment_provisional=due.provisional,
            status_changed_at=received_at,
            last_touched_at=received_at,
            created_at=received_at,
            umbrella_id=umbrella.id,
            chain_position=position,
            chain_data={},
        )
        db.add(part)
        db.flush()
        _event(
            db, part, actor, "submit" if first else "chain_wait", now=received_at, from_status="draft",
            to_status=part.status, details={"umbrella": umbrella.code, "agency": agency.code},
        )
        parts.append(part)
    umbrella.status = LINKED
    umbrella.chain_data = {"group": group.slug, "verification": verification}
    # Its parts are the applications the agencies handle and the indicators count; the umbrella is in no
    # province's or commune's figures (its agency code still names the unit that received it).
    umbrella.province_code = None
    umbrella.commune_code = None
    umbrella.processing_days = days
    umbrella.appointment_at = parts[-1].appointment_at
    umbrella.original_appointment_at = parts[-1].appointment_at
    umbrella.appointment_provisional = provisional
    db.flush()
    _event(
        db, umbrella, actor, "chain_start", now=received_at, from_status="submitted", to_status=LINKED,
        details={"parts": len(parts), "group": group.slug},
    )
    db.flush()
    for part in parts:
        # Codes last: each agency's sequence row stays locked only until the caller commits.
        code = assign_dossier_code(db, part.id, part.agency_code or "", received_at)
        part.code = code
    return parts


# --- moving on ----------------------------------------------------------------------------------------------


def _parts(db: Session, umbrella_id: int) -> list[Dossier]:
    return list(
        db.scalars(select(Dossier).where(Dossier.umbrella_id == umbrella_id).order_by(Dossier.chain_position))
    )


def _group_of(db: Session, part: Dossier) -> LinkedGroup | None:
    umbrella = db.get(Dossier, part.umbrella_id)
    slug = (umbrella.chain_data or {}).get("group") if umbrella is not None else None
    return linked_group(str(slug)) if slug else None


def result_value(part: Dossier, now: datetime) -> str:
    """The number the part's result carries (e.g. the birth certificate's): its register number of the year.

    The sandbox registry numbers results after the part's own application code: sequence/year.
    """
    sequence = int((part.code or "0").rsplit("-", 1)[-1])
    return f"{sequence}/{now.astimezone(VIETNAM_TZ).year}"


def after_step(db: Session, part: Dossier, target: str, actor: Actor, *, now: datetime) -> None:
    """Called by the lifecycle after a component moved to ``target``."""
    if part.umbrella_id is None or part.chain_position is None:
        return
    group = _group_of(db, part)
    if group is None:
        return
    parts = _parts(db, part.umbrella_id)
    later = [p for p in parts if (p.chain_position or 0) > part.chain_position]
    if target == "approved":
        component = group.components[part.chain_position - 1]
        handed: dict[str, Any] = dict(part.chain_data or {})
        if component.produces:
            handed[component.produces] = result_value(part, now)
            part.chain_data = handed
        # Only the very next part, and only while it waits (an approval cancelled and given again
        # must not start a part further on).
        following = later[0] if later else None
        if following is None or following.status != WAITING:
            return
        following.chain_data = {**(following.chain_data or {}), **handed}
        following.status = "submitted"
        following.status_changed_at = now
        following.last_touched_at = now
        db.flush()
        _event(
            db, following, actor, "chain_next", now=now, from_status=WAITING, to_status="submitted",
            details={"after": part.code, **handed},
        )
    elif target in ("rejected", "withdrawn"):  # refused, or the citizen withdrew it: nothing after it can follow
        for following in later:
            if following.status != WAITING:
                continue
            following.status = STOPPED
            following.status_changed_at = now
            following.finished_at = now
            following.last_touched_at = now
            db.flush()
            _event(
                db, following, actor, "chain_stop", now=now, from_status=WAITING, to_status=STOPPED,
                note=part.rejection_reason, details={target: part.code},
            )


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartView:
    position: int
    dossier_id: int
    code: str
    name: Mapping[str, str]
    agency: Mapping[str, str]
    status: str
    appointment_at: datetime | None
    # Values its result handed on, with their labels: ((label, value), …).
    results: tuple[tuple[Mapping[str, str], str], ...]
    rejection_reason: str | None


@dataclass(frozen=True)
class UmbrellaView:
    umbrella_id: int
    code: str
    group_slug: str
    name: Mapping[str, str]
    appointment_at: datetime | None
    parts: tuple[PartView, ...]

    @property
    def stopped_by(self) -> PartView | None:
        """The rejected part, when the chain stopped."""
        return next((p for p in self.parts if p.status == "rejected"), None)

    @property
    def finished(self) -> bool:
        return all(p.status in ("result_ready", "returned") for p in self.parts)

    @property
    def current(self) -> PartView | None:
        return next((p for p in self.parts if p.status not in ("result_ready", "returned", WAITING)), None)


def umbrella_of(db: Session, dossier: Dossier) -> Dossier | None:
    """The umbrella a dossier is or belongs to; None for an ordinary dossier."""
    if dossier.umbrella_id is not None:
        return db.get(Dossier, dossier.umbrella_id)
    return dossier if dossier.status == LINKED or (dossier.chain_data or {}).get("group") else None


def umbrella_view(db: Session, umbrella: Dossier) -> UmbrellaView:
    """The umbrella and every part (the caller has checked the reader may see the umbrella)."""
    slug = str((umbrella.chain_data or {}).get("group") or "")
    group = linked_group(slug)
    parts = []
    for part in _parts(db, umbrella.id):
        data = part.chain_data or {}
        index = (part.chain_position or 0) - 1
        component = group.components[index] if group and 0 <= index < len(group.components) else None
        component_output = []
        if component is not None and component.produces and component.produces in data:
            label = component.produces_label or {"vi": component.produces, "en": component.produces}
            component_output.append((label, str(data[component.produces])))
        parts.append(
            PartView(
                position=part.chain_position or 0,
                dossier_id=part.id,
                code=part.code or "",
                name=dict(part.procedure_name or {}),
                agency=dict(part.receiving_unit or {}),
                status=part.status,
                appointment_at=part.appointment_at,
                results=tuple(component_output),
                rejection_reason=part.rejection_reason,
            )
        )
    return UmbrellaView(
        umbrella_id=umbrella.id,
        code=umbrella.code or "",
        group_slug=slug,
        name=dict(umbrella.procedure_name or {}),
        appointment_at=umbrella.appointment_at,
        parts=tuple(parts),
    )


@dataclass(frozen=True)
class PartOf:
    """What the officers of a part see of its chain."""

    position: int
    total: int
    umbrella_code: str
    form: FormSchema  # the group's one form: the answers of every part are its answers
    handed_on: tuple[tuple[Mapping[str, str], str], ...]  # what earlier parts' results handed on


def part_of(db: Session, part: Dossier) -> PartOf | None:
    if part.umbrella_id is None or part.chain_position is None:
        return None
    group = _group_of(db, part)
    umbrella = db.get(Dossier, part.umbrella_id)
    if group is None or umbrella is None:
        return None
    labels = {c.produces: c.produces_label for c in group.components if c.produces and c.produces_label}
    handed = tuple(
        (labels.get(str(key)) or {"vi": str(key), "en": str(key)}, str(value))
        for key, value in (part.chain_data or {}).items()
    )
    return PartOf(part.chain_position, len(group.components), umbrella.code or "", group.form, handed)


def conflicts_of(dossier: Dossier) -> tuple[Mapping[str, Any], ...]:
    """Where a registry contradicted the verified identity when the form was filled (the identity won)."""
    found: list[Mapping[str, Any]] = []
    for key, outcome in (dossier.prefill_sources or {}).items():
        for conflict in (outcome or {}).get("conflicts", []) if isinstance(outcome, Mapping) else []:
            found.append({"source": key, **conflict})
    return tuple(found)
