"""The catalogue as open data: procedures (with their fees and documents), fields and agencies.

Plain JSON-ready dictionaries in the shapes the OpenAPI document declares
(``core/open_data/openapi.py``); every text is given in both languages (``{"vi", "en"}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citizen_app.core.admin_units import AdminUnits, get_admin_units
from citizen_app.core.agencies import (
    Agency,
    InvalidAgencyCode,
    commune_committee,
    parse_agency_code,
    province_centre,
)
from citizen_app.core.catalog import Catalog, Procedure, get_catalog

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
DEFAULT_LIMIT = 50


def _text(value: Mapping[str, str] | None) -> dict[str, str] | None:
    return {"vi": value["vi"], "en": value["en"]} if value is not None else None


def procedure_summary(procedure: Procedure) -> dict[str, Any]:
    return {
        "code": procedure.code,
        "name": _text(procedure.name),
        "field": procedure.field,
        "level": procedure.level,
        "online": procedure.can_apply_online,
        "information_only": procedure.information_only,
        "lowest_fee_vnd": procedure.lowest_fee_vnd,
        "fastest_working_days": procedure.fastest_working_days,
        "page": {"vi": f"/vi/services/{procedure.code}", "en": f"/en/services/{procedure.code}"},
    }


def fees(procedure: Procedure) -> list[dict[str, Any]]:
    return [{"channel": f.channel, "amount_vnd": f.amount_vnd, "note": _text(f.note)} for f in procedure.fees]


def documents(procedure: Procedure) -> list[dict[str, Any]]:
    return [
        {"name": _text(d.name), "originals": d.originals, "copies": d.copies, "required": d.required,
         "note": _text(d.note)}
        for d in procedure.documents
    ]


def procedure_detail(procedure: Procedure) -> dict[str, Any]:
    return {
        **procedure_summary(procedure),
        "summary": _text(procedure.summary),
        "agency": _text(procedure.agency),
        "applicants": _text(procedure.applicants),
        "conditions": _text(procedure.conditions),
        "life_events": list(procedure.life_events),
        "processing_time": [
            {"channel": p.channel, "days": p.days, "unit": f"{p.unit}_days", "note": _text(p.note)}
            for p in procedure.processing_time
        ],
        "fees": fees(procedure),
        "fee_exemptions": _text(procedure.fee_exemptions),
        "documents": documents(procedure),
        "results": [_text(r) for r in procedure.results],
        "legal_basis": [{"number": b.number, "title": _text(b.title)} for b in procedure.legal_basis],
        "steps": [_text(s) for s in procedure.steps],
    }


def page(items: Sequence[dict[str, Any]], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": list(items), "total": total, "limit": limit, "offset": offset}


def list_procedures(
    *,
    field: str | None = None,
    level: str | None = None,
    online: bool | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    catalog = catalog or get_catalog()
    chosen = [
        p for p in catalog.all()
        if (field is None or p.field == field)
        and (level is None or p.level == level)
        and (online is None or p.can_apply_online == online)
    ]
    return page([procedure_summary(p) for p in chosen[offset : offset + limit]], len(chosen), limit, offset)


def find_procedure(code: str, catalog: Catalog | None = None) -> Procedure | None:
    return (catalog or get_catalog()).get(code)


def list_fields(catalog: Catalog | None = None) -> list[dict[str, Any]]:
    catalog = catalog or get_catalog()
    return [{"slug": f.slug, "name": _text(f.name), "procedures": f.count} for f in catalog.fields()]


# --- receiving agencies -----------------------------------------------------------------------------------


def _agency(agency: Agency, units: AdminUnits) -> dict[str, Any]:
    return {
        "code": agency.code,
        "kind": agency.kind,
        "name": dict(agency.name(units.province_name(agency.province_code), units.commune_name(agency.commune_code))),
        "province_code": agency.province_code,
        "commune_code": agency.commune_code,
    }


def list_agencies(
    *, province: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0, units: AdminUnits | None = None
) -> dict[str, Any]:
    """Every receiving agency: each province's service centre, then its communes' People's Committees."""
    units = units if units is not None else get_admin_units()
    provinces = [p for p in units.provinces() if province is None or p.code == province]
    agencies: list[Agency] = []
    for item in provinces:
        agencies.append(province_centre(item.code))
        agencies += [commune_committee(item.code, c.code) for c in units.communes(item.code)]
    return page([_agency(a, units) for a in agencies[offset : offset + limit]], len(agencies), limit, offset)


def find_agency(code: str, units: AdminUnits | None = None) -> dict[str, Any] | None:
    units = units if units is not None else get_admin_units()
    try:
        agency = parse_agency_code(code)
    except InvalidAgencyCode:
        return None
    known = (
        units.province(agency.province_code) is not None
        if agency.kind == "province_centre"
        else units.is_commune_in_province(agency.province_code, agency.commune_code)
    )
    return _agency(agency, units) if known else None
