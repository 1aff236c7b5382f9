"""The counter's queue: its agency's dossiers, filtered, sorted by appointment, one page at a time.

The scope is :func:`~citizen_app.core.dossiers.queries.staff_scope` (the receiving agency the
officer works for), so an officer of one commune never sees another commune's queue, whatever
the filters say. Anyone without a staff role is refused and the refusal is audited.

Indexes (migration 0006) make each filter an index range scan in appointment order:
``ix_dossiers_queue_open`` (agency, appointment) and ``ix_dossiers_queue_open_procedure``
(agency, procedure, appointment), both partial on :data:`OPEN_STATUSES`, for the default view;
``ix_dossiers_queue`` (agency, status, appointment) for one status; ``ix_dossiers_agency_appointment``
for "all". The SQL conditions below are written in the same shape as those index predicates
(``status IN (...)``), which is what lets PostgreSQL prove a partial index applies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from citizen_app.core.dossiers.access import Actor, deny
from citizen_app.core.dossiers.queries import staff_scope
from citizen_app.core.dossiers.terms import CHANNELS
from citizen_app.core.statuses import AGENCY_OWES, NOT_FOR_AGENCY, STATUSES
from citizen_app.core.statuses import OPEN as OPEN_STATUS_KEYS
from citizen_app.db.models.dossiers import Dossier

# Everything the agency still has to do something about: its own work (AGENCY_OWES), a supplement it is
# waiting for, and a result waiting to be collected. The order is the lifecycle's, for stable SQL.
OPEN_STATUSES: tuple[str, ...] = OPEN_STATUS_KEYS
# Statuses a queue may be filtered by (a draft is never in a queue).
QUEUE_STATUSES: tuple[str, ...] = tuple(s for s in STATUSES if s not in NOT_FOR_AGENCY)
OPEN = "open"
ALL = "all"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class QueueFilters:
    """``status``: ``open`` (default), ``all`` or one status; ``procedure``: a code or ""; ``channel``:
    ``online``, ``counter`` or ""; ``overdue``: only dossiers past their appointment that the agency owes."""

    status: str = OPEN
    procedure: str = ""
    channel: str = ""
    overdue: bool = False

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> QueueFilters:
        """From URL parameters or a posted form; anything unknown falls back to the default."""
        def text(name: str) -> str:
            value = query.get(name)
            return str(value).strip() if value is not None else ""

        status = text("status") or OPEN
        if status not in (OPEN, ALL, *QUEUE_STATUSES):
            status = OPEN
        channel = text("channel")
        if channel not in CHANNELS:
            channel = ""
        procedure = text("procedure")[:16]
        overdue = text("overdue").lower() in ("1", "true", "on", "yes")
        return cls(status=status, procedure=procedure, channel=channel, overdue=overdue)

    def as_query(self) -> dict[str, str]:
        """The non-default filters, for the page's address."""
        query: dict[str, str] = {}
        if self.status != OPEN:
            query["status"] = self.status
        if self.procedure:
            query["procedure"] = self.procedure
        if self.channel:
            query["channel"] = self.channel
        if self.overdue:
            query["overdue"] = "1"
        return query

    @property
    def active(self) -> int:
        """How many filters differ from the default view."""
        return len(self.as_query())


@dataclass(frozen=True)
class QueueRow:
    id: int
    code: str
    procedure_code: str
    procedure_name: dict[str, str]
    applicant_name: str
    status: str
    channel: str
    received_at: datetime | None
    appointment_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _require_staff(db: Session, actor: Actor, action: str) -> None:
    if not actor.is_staff:
        raise deny(db, action=action, actor=actor, dossier_id=None, reason="not staff")


def _status_condition(filters: QueueFilters, now: datetime) -> ColumnElement[bool] | None:
    if filters.overdue:
        # The lifecycle's overdue rule, narrowed to one status when one is chosen.
        owed = [s for s in sorted(AGENCY_OWES) if filters.status in (OPEN, ALL, s)]
        return and_(Dossier.status.in_(owed), Dossier.appointment_at < now)
    if filters.status == OPEN:
        return Dossier.status.in_(OPEN_STATUSES)
    if filters.status == ALL:
        return None
    return Dossier.status == filters.status


def queue_condition(
    actor: Actor,
    filters: QueueFilters,
    now: datetime,
    province_of: Callable[[str], str | None] | None = None,
) -> ColumnElement[bool]:
    """The WHERE clause of a queue: the officer's agency first, then the filters."""
    conditions: list[ColumnElement[bool]] = [staff_scope(actor, province_of)]
    status = _status_condition(filters, now)
    if status is not None:
        conditions.append(status)
    if filters.procedure:
        conditions.append(Dossier.procedure_code == filters.procedure)
    if filters.channel:
        conditions.append(Dossier.channel == filters.channel)
    return and_(*conditions)


def staff_queue(
    db: Session,
    actor: Actor,
    filters: QueueFilters,
    *,
    now: datetime,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    province_of: Callable[[str], str | None] | None = None,
) -> QueuePage:
    """One page of the officer's queue, soonest appointment first (overdue ones come first by nature)."""
    _require_staff(db, actor, "staff.queue")
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    where = queue_condition(actor, filters, now, province_of)
    total = int(db.scalar(select(func.count()).select_from(Dossier).where(where)) or 0)
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    rows = db.execute(
        select(
            Dossier.id,
            Dossier.code,
            Dossier.procedure_code,
            Dossier.procedure_name,
            Dossier.applicant,
            Dossier.status,
            Dossier.channel,
            Dossier.received_at,
            Dossier.appointment_at,
        )
        .where(where)
        .order_by(Dossier.appointment_at, Dossier.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return QueuePage(
        rows=[
            QueueRow(
                id=row.id,
                code=row.code or "",
                procedure_code=row.procedure_code,
                procedure_name=dict(row.procedure_name or {}),
                applicant_name=str((row.applicant or {}).get("full_name") or ""),
                status=row.status,
                channel=row.channel,
                received_at=row.received_at,
                appointment_at=row.appointment_at,
                overdue=row.status in AGENCY_OWES and row.appointment_at is not None and row.appointment_at < now,
            )
            for row in rows
        ],
        total=total,
        page=page,
        per_page=per_page,
    )


def queue_procedures(
    db: Session, actor: Actor, province_of: Callable[[str], str | None] | None = None
) -> list[str]:
    """Codes of the procedures with open dossiers in this officer's queue, for the procedure filter."""
    _require_staff(db, actor, "staff.queue")
    return sorted(
        db.scalars(
            select(Dossier.procedure_code)
            .where(staff_scope(actor, province_of), Dossier.status.in_(OPEN_STATUSES))
            .group_by(Dossier.procedure_code)
        )
    )
