"""Reception without administrative boundaries within a province (issue 12, item 5; the 2025 two-level model).

A counter of any commune of a province (or the province's service centre) may receive an
application in person for any unit of that province. The unit that received it names the
dossier: its Circular 01/2018 code is made from the receiving agency's identifier and never
changes. The dossier is then *routed* to the competent unit, which handles it from there:
``Dossier.agency_code`` is the agency that handles the dossier now (queues, access and actions
follow it, :func:`~citizen_app.core.dossiers.access.serves`), while the code's own agency stays
the receiving one. Each hand-over is an event (``route``) saying who handed it over, from which
unit, to which unit and when; staff read it in the history, the citizen in plain words.

Who handles what: a commune-level procedure goes to a commune's People's Committee, a
province-level one to the province's service centre, always within the province of the unit
that received it. A linked application's parts go to their agencies on their own
(``core.dossiers.chain``) and are never routed by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from citizen_app.core.agencies import Agency, InvalidAgencyCode, parse_agency_code, receiving_agency
from citizen_app.core.dossiers.access import Actor, deny, serves
from citizen_app.core.dossiers.errors import DossierError, StatusMoved
from citizen_app.core.dossiers.lifecycle import MAX_NOTE_LENGTH, load, record_event
from citizen_app.core.i18n import N_, Msg
from citizen_app.db.models.dossiers import Dossier, DossierEvent

ROUTE = "route"
# Before anyone has started working on it: afterwards it stays with the unit that started.
ROUTABLE = frozenset({"submitted", "received"})

MSG_OTHER_PROVINCE = N_(
    "The competent unit must be in the same province as the unit that received the application. "
    "Applications cannot be sent to another province."
)
MSG_NOT_COMPETENT = N_(
    "This unit does not handle this procedure: a commune-level procedure goes to a commune or ward "
    "People's Committee, a province-level one to the province's public administration service centre."
)
MSG_ALREADY_THERE = N_("The application is already with this unit.")
MSG_CHOOSE_UNIT = N_("Choose the unit that handles this application.")
MSG_NOT_ROUTABLE = N_(
    "This application can no longer be sent to another unit: processing has started, or it is part of a "
    "linked application whose parts go to their agencies on their own."
)

# code -> Vietnamese name of a province (2 digits) or commune (5 digits); None when unknown.
UnitNames = Callable[[str], str | None]
CommunesOf = Callable[[str], list[tuple[str, str]]]


class RoutingRefused(DossierError):
    """The unit asked for cannot take this dossier (another province, not competent, already there)."""

    default = MSG_NOT_COMPETENT


def _default_names() -> tuple[UnitNames, UnitNames]:
    from citizen_app.core import admin_units

    return admin_units.province_name, admin_units.commune_name


def _default_communes_of(province_code: str) -> list[tuple[str, str]]:
    from citizen_app.core import admin_units

    return [(c.code, c.name) for c in admin_units.communes(province_code)]


def unit_name(agency: Agency, names: tuple[UnitNames, UnitNames] | None = None) -> dict[str, str]:
    """The agency's name in both languages, from the administrative units' names when known."""
    province_name, commune_name = names or _default_names()
    return dict(
        agency.name(
            province_name(agency.province_code),
            commune_name(agency.commune_code) if agency.commune_code else None,
        )
    )


def receiving_agency_of(dossier: Dossier) -> Agency | None:
    """The agency that received the dossier: the one its code names (None before it has a code)."""
    if not dossier.code:
        return None
    try:
        return parse_agency_code(dossier.code.split("-", 1)[0])
    except InvalidAgencyCode:
        return None


def handling_agency_of(dossier: Dossier) -> Agency | None:
    if not dossier.agency_code:
        return None
    try:
        return parse_agency_code(dossier.agency_code)
    except InvalidAgencyCode:
        return None


def competent_unit(dossier: Dossier, names: tuple[UnitNames, UnitNames] | None = None) -> dict[str, str] | None:
    """The name of the unit handling the dossier when it is not the one that received it, else None."""
    received, handling = receiving_agency_of(dossier), handling_agency_of(dossier)
    if received is None or handling is None or received.code == handling.code:
        return None
    return unit_name(handling, names)


def check_target(level: str, source: Agency, target: Agency) -> None:
    """Whether ``target`` may handle a ``level`` procedure received (or held) by ``source``; raises otherwise."""
    if target.province_code != source.province_code:
        raise RoutingRefused(Msg(MSG_OTHER_PROVINCE), detail=f"{source.code} → {target.code}: other province")
    expected = "commune_committee" if level == "commune" else "province_centre" if level == "province" else None
    if target.kind != expected:
        raise RoutingRefused(Msg(MSG_NOT_COMPETENT), detail=f"{target.code} does not handle {level} procedures")


def parse_target(raw: str) -> Agency:
    """The unit the desk chose (its agency code), or :class:`RoutingRefused` asking to choose one."""
    try:
        return parse_agency_code((raw or "").strip())
    except InvalidAgencyCode as problem:
        raise RoutingRefused(Msg(MSG_CHOOSE_UNIT), detail=str(problem)) from problem


def competent_at_desk(level: str, desk: Agency, place: tuple[str, str] | None) -> Agency:
    """Who handles an application received in person at ``desk``: the desk itself when it handles such
    procedures; else the province's service centre (province level), or the commune where the
    applicant's address is (commune level, ``place`` = (province, commune)), within the desk's province."""
    if level == "commune" and desk.kind == "commune_committee":
        return desk
    if level == "province":
        return receiving_agency("province", desk.province_code, None)
    if place is None:
        raise RoutingRefused(Msg(MSG_CHOOSE_UNIT), detail="no commune to hand the application over to")
    target = receiving_agency(level, place[0], place[1] or None)
    check_target(level, desk, target)
    return target


def receivable_levels(desk: Agency) -> frozenset[str]:
    """The procedure levels a counter takes in person: a commune's or the province centre's counter takes
    both (handing over what it does not handle itself); other units' staff take none at a counter."""
    return frozenset({"commune", "province"}) if desk.kind in ("commune_committee", "province_centre") else frozenset()


def may_route(actor: Actor, dossier: Dossier) -> bool:
    """Whether this officer may send the dossier on now (the page offers the form only then)."""
    return (
        serves(actor, dossier)
        and dossier.status in ROUTABLE
        and dossier.umbrella_id is None
        and not dossier.procedure_code.startswith("group:")
    )


@dataclass(frozen=True)
class UnitChoice:
    code: str
    name: Mapping[str, str]


def route_targets(
    dossier: Dossier,
    *,
    names: tuple[UnitNames, UnitNames] | None = None,
    communes_of: CommunesOf | None = None,
) -> tuple[UnitChoice, ...]:
    """The units of the dossier's province that could handle it, the one holding it left out."""
    holding = handling_agency_of(dossier)
    if holding is None:
        return ()
    province = holding.province_code
    if dossier.procedure_level == "province":
        candidates = [receiving_agency("province", province, None)]
    elif dossier.procedure_level == "commune":
        candidates = []
        for code, _name in (communes_of or _default_communes_of)(province):
            try:
                candidates.append(receiving_agency("commune", province, code))
            except InvalidAgencyCode:
                continue
    else:
        return ()
    return tuple(UnitChoice(a.code, unit_name(a, names)) for a in candidates if a.code != holding.code)


def hand_over(
    db: Session,
    dossier: Dossier,
    actor: Actor,
    target: Agency,
    *,
    now: datetime,
    note: str | None = None,
    names: tuple[UnitNames, UnitNames] | None = None,
) -> DossierEvent:
    """Move the dossier to ``target`` (already checked) and record the hand-over (caller's transaction)."""
    source = handling_agency_of(dossier)
    source_name = unit_name(source, names) if source is not None else dict(dossier.receiving_unit or {})
    changes: dict[str, Any] = {
        "agency_code": target.code,
        "commune_code": target.commune_code if dossier.procedure_level == "commune" else None,
        "last_touched_at": now,
    }
    for key, value in changes.items():
        setattr(dossier, key, value)
    db.flush()
    for key, value in changes.items():
        set_committed_value(dossier, key, value)
    return record_event(
        db,
        dossier,
        actor,
        ROUTE,
        now=now,
        from_status=dossier.status,
        to_status=None,
        note=(note or "").strip()[:MAX_NOTE_LENGTH] or None,
        details={
            "from_agency": source.code if source is not None else None,
            "to_agency": target.code,
            "from_unit": source_name,
            "to_unit": unit_name(target, names),
        },
    )


def route(
    db: Session,
    dossier_id: int,
    actor: Actor,
    to_agency: str,
    *,
    now: datetime,
    expected: str | None = None,
    note: str | None = None,
    names: tuple[UnitNames, UnitNames] | None = None,
) -> Dossier:
    """An officer of the unit holding the dossier sends it to the competent unit of the same province.

    Refused (and audited) for anyone who does not hold it; :class:`StatusMoved` when it has left the
    status the page showed; :class:`RoutingRefused` for a unit of another province, one that does not
    handle the procedure, the same unit, or a dossier that can no longer be routed.
    """
    dossier = load(db, dossier_id)
    if not serves(actor, dossier):
        raise deny(db, action=f"dossier.{ROUTE}", actor=actor, dossier_id=dossier.id,
                   reason="not the unit holding the dossier")
    if expected is not None and dossier.status != expected:
        raise StatusMoved(detail=f"dossier {dossier.id}: the page showed {expected}, it is {dossier.status}")
    if not may_route(actor, dossier):
        raise RoutingRefused(Msg(MSG_NOT_ROUTABLE), detail=f"dossier {dossier.id} in {dossier.status}")
    target = parse_target(to_agency)
    source = handling_agency_of(dossier)
    assert source is not None, "serves() needs an agency"
    if target.code == source.code:
        raise RoutingRefused(Msg(MSG_ALREADY_THERE), detail=f"already at {target.code}")
    check_target(dossier.procedure_level, source, target)
    hand_over(db, dossier, actor, target, now=now, note=note, names=names)
    return dossier


@dataclass(frozen=True)
class HandOver:
    """One hand-over as the histories tell it."""

    from_unit: Mapping[str, str]
    to_unit: Mapping[str, str]


def hand_over_of(details: Mapping[str, Any]) -> HandOver | None:
    """The units of a ``route`` event's details (None for any other event's)."""
    to_unit = details.get("to_unit")
    if not isinstance(to_unit, Mapping):
        return None
    from_unit = details.get("from_unit")
    return HandOver(dict(from_unit) if isinstance(from_unit, Mapping) else {}, dict(to_unit))
