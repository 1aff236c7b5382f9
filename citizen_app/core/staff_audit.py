"""The supervisor's view of the append-only audit trail: what the staff of their area did, or were refused.

Only supervisors may read it, and only for staff of their own area: a province supervisor sees
the province's service centre staff and every commune's staff in that province; a commune
supervisor, their commune's. The trail is never changed here (no update or delete exists).

Rows are found through their actor (``audit_events.actor_id`` holds the user id as text), so
the staff of the area are listed first (a few dozen users) and the events are read with
``actor_id IN (...)``, newest first, on the index migration 0006 adds (``actor_id, at``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from citizen_app.core.dossiers.access import Actor, record_denial
from citizen_app.core.dossiers.errors import AccessDenied
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.identity import User

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
OUTCOMES = ("ok", "denied", "failed")
STAFF_ROLE_NAMES = ("counter_officer", "supervisor")

CommunesOf = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class AuditFilters:
    officer_id: int | None = None
    action: str = ""  # an exact action, or a prefix ending in "." (``dossier.``)
    outcome: str = ""
    day_from: date | None = None  # Vietnam local dates, both included
    day_to: date | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> AuditFilters:
        def text(name: str) -> str:
            value = query.get(name)
            return str(value).strip() if value is not None else ""

        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(text(name))
            except ValueError:
                return None

        officer = text("officer")
        outcome = text("outcome")
        return cls(
            officer_id=int(officer) if officer.isdigit() else None,
            action=text("action")[:64],
            outcome=outcome if outcome in OUTCOMES else "",
            day_from=day("from"),
            day_to=day("to"),
        )

    def as_query(self) -> dict[str, str]:
        query: dict[str, str] = {}
        if self.officer_id is not None:
            query["officer"] = str(self.officer_id)
        if self.action:
            query["action"] = self.action
        if self.outcome:
            query["outcome"] = self.outcome
        if self.day_from:
            query["from"] = self.day_from.isoformat()
        if self.day_to:
            query["to"] = self.day_to.isoformat()
        return query


@dataclass(frozen=True)
class Officer:
    user_id: int
    name: str
    roles: tuple[str, ...]
    unit_level: str | None
    unit_code: str | None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    outcome: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _default_communes_of(province_code: str) -> list[str]:
    from citizen_app.core import admin_units

    return [commune.code for commune in admin_units.communes(province_code)]


def _require_supervisor(db: Session, actor: Actor) -> None:
    if actor.role != "supervisor" or not actor.unit_code or actor.unit_level not in ("province", "commune"):
        record_denial(
            db,
            action="staff.audit.view",
            actor=actor,
            target_type="audit",
            target_id=None,
            details={"reason": "not a supervisor"},
        )
        raise AccessDenied(detail=f"audit log refused to {actor.role}")


def _area_condition(actor: Actor, communes_of: CommunesOf | None) -> ColumnElement[bool]:
    if actor.unit_level == "commune":
        return and_(User.unit_level == "commune", User.unit_code == actor.unit_code)
    communes = list((communes_of or _default_communes_of)(str(actor.unit_code)))
    return or_(
        and_(User.unit_level == "province", User.unit_code == actor.unit_code),
        and_(User.unit_level == "commune", User.unit_code.in_(communes)) if communes else false(),
    )


def area_officers(db: Session, actor: Actor, communes_of: CommunesOf | None = None) -> list[Officer]:
    """Staff of the supervisor's area (anyone with a staff role and a unit there), by name."""
    _require_supervisor(db, actor)
    users = db.execute(
        select(User.id, User.display_name, User.roles, User.unit_level, User.unit_code)
        .where(_area_condition(actor, communes_of))
        .order_by(User.display_name, User.id)
    ).all()
    return [
        Officer(row.id, row.display_name or "", tuple(row.roles or ()), row.unit_level, row.unit_code)
        for row in users
        if any(role in STAFF_ROLE_NAMES for role in row.roles or ())
    ]


def _local_bounds(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.day_from:
        start = datetime.combine(filters.day_from, datetime.min.time(), VIETNAM_TZ)
        conditions.append(AuditEvent.at >= start)
    if filters.day_to:
        end = datetime.combine(filters.day_to + timedelta(days=1), datetime.min.time(), VIETNAM_TZ)
        conditions.append(AuditEvent.at < end)
    return conditions


def staff_audit_log(
    db: Session,
    actor: Actor,
    filters: AuditFilters,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    communes_of: CommunesOf | None = None,
) -> AuditPage:
    """A page of the area's staff events, newest first. Refused (and audited) for anyone but a supervisor."""
    officers = {o.user_id: o for o in area_officers(db, actor, communes_of)}
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    if filters.officer_id is not None:
        ids = [str(filters.officer_id)] if filters.officer_id in officers else []
    else:
        ids = [str(user_id) for user_id in officers]
    if not ids:
        return AuditPage(rows=[], total=0, page=1, per_page=per_page)
    conditions: list[ColumnElement[bool]] = [AuditEvent.actor_id.in_(ids), *_local_bounds(filters)]
    if filters.action.endswith("."):
        conditions.append(AuditEvent.action.startswith(filters.action, autoescape=True))
    elif filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.outcome:
        conditions.append(AuditEvent.outcome == filters.outcome)
    where = and_(*conditions)
    total = int(db.scalar(select(func.count()).select_from(AuditEvent).where(where)) or 0)
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    events = db.scalars(
        select(AuditEvent)
        .where(where)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    rows = []
    for event in events:
        actor_id = int(event.actor_id) if event.actor_id and event.actor_id.isdigit() else None
        officer = officers.get(actor_id) if actor_id is not None else None
        rows.append(
            AuditRow(
                id=event.id,
                at=event.at,
                actor_id=actor_id,
                actor_name=officer.name if officer else "",
                actor_role=event.actor_role or "",
                action=event.action,
                target_type=event.target_type,
                target_id=event.target_id or "",
                outcome=event.outcome,
                details=dict(event.details or {}),
            )
        )
    return AuditPage(rows=rows, total=total, page=page, per_page=per_page)


def area_actions(db: Session, actor: Actor, communes_of: CommunesOf | None = None) -> list[str]:
    """The actions the area's staff have in the trail, for the action filter."""
    ids = [str(o.user_id) for o in area_officers(db, actor, communes_of)]
    if not ids:
        return []
    return sorted(db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id.in_(ids)).group_by(AuditEvent.action)))
