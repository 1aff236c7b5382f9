"""The supervisor dashboard: the indicators provinces report, computed in SQL with GROUP BY.

For the supervisor's area (their province; a commune supervisor's commune) and a period
``[start, end)``:

* **received**: dossiers received in the period, and how many came online (the online share);
* **resolved** in the period (a result ready or returned, or a rejection), how many **on time**
  (by the *first* appointment: a delay with an apology does not make a late dossier punctual),
  and their total processing time in calendar days (received → finished) for the average;
* **overdue now**: past the appointment while the agency still owes work (the lifecycle's rule);
* **satisfaction**: ratings given in the period (``dossier_ratings``), the share of 4 and 5
  stars and the mean.

Each is grouped by procedure, by commune (``None`` = the province's service centre) and by week
or month (Vietnam local time, bucket = the first day). Overall figures are sums of the
per-procedure groups, so every indicator is counted once in SQL. Counts and sums are returned
rather than ratios, so groups can be added up exactly.

The queries run on PostgreSQL and SQLite alike; only the date arithmetic differs (see
:func:`_days_between` and :func:`_bucket`). Migration 0006 adds the indexes they read
(province + received / finished time, with the grouped columns included on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, inspect, select
from sqlalchemy.orm import Session

from citizen_app.core.dossiers.access import Actor, deny
from citizen_app.core.dossiers.lifecycle import AGENCY_OWES
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.tracking import DossierRating

GRANULARITIES = ("week", "month")
# A result is ready (or was handed over), or the application was rejected: the agency has decided.
RESOLVED_STATUSES: tuple[str, ...] = ("result_ready", "returned", "rejected")
SATISFIED_SCORE = 4
LOCAL_OFFSET_HOURS = 7  # Asia/Ho_Chi_Minh has no daylight saving time


@dataclass(frozen=True)
class DashboardScope:
    """Whose dossiers: a province's (every commune and the service centre), or one commune's."""

    province_code: str
    commune_code: str | None = None

    def condition(self) -> ColumnElement[bool]:
        # The province comes first even for a commune: it leads every dashboard index.
        if self.commune_code:
            return and_(Dossier.province_code == self.province_code, Dossier.commune_code == self.commune_code)
        return Dossier.province_code == self.province_code


def supervisor_scope(
    db: Session, actor: Actor, province_of: Callable[[str], str | None] | None = None
) -> DashboardScope:
    """The area a supervisor reports on; anyone else is refused (and the refusal audited)."""
    if actor.role != "supervisor" or not actor.unit_code:
        raise deny(db, action="staff.dashboard", actor=actor, dossier_id=None, reason="not a supervisor")
    if actor.unit_level == "province":
        return DashboardScope(province_code=actor.unit_code)
    if actor.unit_level == "commune":
        if province_of is None:
            from citizen_app.core import admin_units

            def province_of(code: str) -> str | None:
                commune = admin_units.get_admin_units().commune(code)
                return commune.province_code if commune else None

        province = province_of(actor.unit_code)
        if province:
            return DashboardScope(province_code=province, commune_code=actor.unit_code)
    raise deny(db, action="staff.dashboard", actor=actor, dossier_id=None, reason="no unit to report on")


@dataclass
class Indicators:
    received: int = 0
    received_online: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    processing_days_total: float = 0.0
    overdue_now: int = 0
    ratings: int = 0
    ratings_satisfied: int = 0
    ratings_score_total: int = 0

    def add(self, other: Indicators) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def received_counter(self) -> int:
        return self.received - self.received_online

    @property
    def online_share(self) -> float | None:
        return self.received_online / self.received if self.received else None

    @property
    def on_time_rate(self) -> float | None:
        return self.resolved_on_time / self.resolved if self.resolved else None

    @property
    def average_processing_days(self) -> float | None:
        return self.processing_days_total / self.resolved if self.resolved else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.ratings_satisfied / self.ratings if self.ratings else None

    @property
    def mean_score(self) -> float | None:
        return self.ratings_score_total / self.ratings if self.ratings else None


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: a procedure code, a commune code ("" = the service centre), or a bucket."""

    key: str
    indicators: Indicators


@dataclass(frozen=True)
class Dashboard:
    scope: DashboardScope
    start: datetime
    end: datetime
    now: datetime
    granularity: str
    overall: Indicators
    by_procedure: list[Group] = field(default_factory=list)
    by_commune: list[Group] = field(default_factory=list)
    over_time: list[Group] = field(default_factory=list)


# --- dialect-specific pieces ----------------------------------------------------------------------------


def _dialect(db: Session) -> str:
    return db.get_bind().dialect.name


def _days_between(dialect: str, earlier: Any, later: Any) -> ColumnElement[float]:
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _bucket(dialect: str, moment: Any, granularity: str) -> ColumnElement[str]:
    """``YYYY-MM-DD`` of the Monday (week) or the first of the month, in Vietnam local time."""
    if dialect == "postgresql":
        local = func.timezone("Asia/Ho_Chi_Minh", moment)
        return func.to_char(func.date_trunc(granularity, local), "YYYY-MM-DD")
    shift = f"+{LOCAL_OFFSET_HOURS} hours"
    if granularity == "month":
        return func.strftime("%Y-%m-01", moment, shift)
    # SQLite: 'weekday 0' moves to the next Sunday (or stays on one); six days back is that week's Monday.
    return func.date(moment, shift, "weekday 0", "-6 days")


def bucket_starts(start: datetime, end: datetime, granularity: str) -> list[str]:
    """Every bucket the period touches, in order, so empty weeks or months still show as zero."""
    first = start.astimezone(VIETNAM_TZ).date()
    last = (end - timedelta(microseconds=1)).astimezone(VIETNAM_TZ).date()
    keys: list[str] = []
    if granularity == "month":
        day = first.replace(day=1)
        while day <= last:
            keys.append(day.isoformat())
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        day = first - timedelta(days=first.weekday())
        while day <= last:
            keys.append(day.isoformat())
            day += timedelta(days=7)
    return keys


def local_day_start(day: date) -> datetime:
    """00:00 of a Vietnamese date, as aware UTC (periods are chosen in local days)."""
    return datetime.combine(day, time(0), VIETNAM_TZ).astimezone(UTC)


# --- the queries ------------------------------------------------------------------------------------------

def _received(db: Session, scope: DashboardScope, start: datetime, end: datetime, key: ColumnElement[Any]) -> Iterable[Any]:
    online = func.sum(case((Dossier.channel == "online", 1), else_=0))
    return db.execute(
        select(key.label("key"), func.count().label("n"), online.label("online"))
        .where(scope.condition(), Dossier.received_at >= start, Dossier.received_at < end)
        .group_by(key)
    ).all()


def _resolved(
    db: Session, scope: DashboardScope, start: datetime, end: datetime, key: ColumnElement[Any], dialect: str
) -> Iterable[Any]:
    promised = func.coalesce(Dossier.original_appointment_at, Dossier.appointment_at)
    on_time = func.sum(case((Dossier.finished_at <= promised, 1), else_=0))
    days = func.sum(_days_between(dialect, Dossier.received_at, Dossier.finished_at))
    return db.execute(
        select(key.label("key"), func.count().label("n"), on_time.label("on_time"), days.label("days"))
        .where(
            scope.condition(),
            Dossier.finished_at >= start,
            Dossier.finished_at < end,
            Dossier.status.in_(RESOLVED_STATUSES),
        )
        .group_by(key)
    ).all()


def _overdue(db: Session, scope: DashboardScope, now: datetime, key: ColumnElement[Any]) -> Iterable[Any]:
    return db.execute(
        select(key.label("key"), func.count().label("n"))
        .where(scope.condition(), Dossier.status.in_(sorted(AGENCY_OWES)), Dossier.appointment_at < now)
        .group_by(key)
    ).all()


def _ratings(db: Session, scope: DashboardScope, start: datetime, end: datetime, key: ColumnElement[Any]) -> Iterable[Any]:
    satisfied = func.sum(case((DossierRating.score >= SATISFIED_SCORE, 1), else_=0))
    return db.execute(
        select(
            key.label("key"),
            func.count().label("n"),
            satisfied.label("satisfied"),
            func.sum(DossierRating.score).label("score"),
        )
        .join(Dossier, Dossier.id == DossierRating.dossier_id)
        .where(scope.condition(), DossierRating.created_at >= start, DossierRating.created_at < end)
        .group_by(key)
    ).all()


def _has_ratings(db: Session) -> bool:
    """Ratings live in migration 0005's table; a database migrated before it simply has none."""
    return inspect(db.connection()).has_table(DossierRating.__tablename__)


def _breakdown(
    db: Session,
    scope: DashboardScope,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    received_key: ColumnElement[Any],
    resolved_key: ColumnElement[Any],
    rating_key: ColumnElement[Any],
    overdue_key: ColumnElement[Any] | None,
    ratings: bool,
) -> dict[str, Indicators]:
    dialect = _dialect(db)
    groups: dict[str, Indicators] = {}

    def at(key: Any) -> Indicators:
        return groups.setdefault("" if key is None else str(key), Indicators())

    for row in _received(db, scope, start, end, received_key):
        item = at(row.key)
        item.received += int(row.n)
        item.received_online += int(row.online or 0)
    for row in _resolved(db, scope, start, end, resolved_key, dialect):
        item = at(row.key)
        item.resolved += int(row.n)
        item.resolved_on_time += int(row.on_time or 0)
        item.processing_days_total += float(row.days or 0.0)
    if overdue_key is not None:
        for row in _overdue(db, scope, now, overdue_key):
            at(row.key).overdue_now += int(row.n)
    if ratings:
        for row in _ratings(db, scope, start, end, rating_key):
            item = at(row.key)
            item.ratings += int(row.n)
            item.ratings_satisfied += int(row.satisfied or 0)
            item.ratings_score_total += int(row.score or 0)
    return groups


def compute_dashboard(
    db: Session,
    scope: DashboardScope,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    granularity: str = "month",
) -> Dashboard:
    """Every indicator for ``scope`` over ``[start, end)`` (aware datetimes). No permission check:
    callers go through :func:`supervisor_dashboard`; the bench and tests call this directly."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}, got {granularity!r}")
    if start.tzinfo is None or end.tzinfo is None or now.tzinfo is None:
        raise ValueError("naive datetime given")
    dialect = _dialect(db)
    ratings = _has_ratings(db)
    common = {"start": start, "end": end, "now": now, "ratings": ratings}

    by_procedure = _breakdown(
        db, scope, received_key=Dossier.procedure_code, resolved_key=Dossier.procedure_code,
        rating_key=Dossier.procedure_code, overdue_key=Dossier.procedure_code, **common,
    )
    by_commune = _breakdown(
        db, scope, received_key=Dossier.commune_code, resolved_key=Dossier.commune_code,
        rating_key=Dossier.commune_code, overdue_key=Dossier.commune_code, **common,
    )
    over_time = _breakdown(
        db, scope,
        received_key=_bucket(dialect, Dossier.received_at, granularity),
        resolved_key=_bucket(dialect, Dossier.finished_at, granularity),
        rating_key=_bucket(dialect, DossierRating.created_at, granularity),
        overdue_key=None, **common,
    )
    overall = Indicators()
    for item in by_procedure.values():
        overall.add(item)

    def ranked(groups: dict[str, Indicators]) -> list[Group]:
        return [
            Group(key, item)
            for key, item in sorted(groups.items(), key=lambda kv: (-kv[1].received, -kv[1].overdue_now, kv[0]))
        ]

    timeline = [Group(key, over_time.get(key, Indicators())) for key in bucket_starts(start, end, granularity)]
    return Dashboard(
        scope=scope,
        start=start,
        end=end,
        now=now,
        granularity=granularity,
        overall=overall,
        by_procedure=ranked(by_procedure),
        by_commune=ranked(by_commune),
        over_time=timeline,
    )


def supervisor_dashboard(
    db: Session,
    actor: Actor,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    granularity: str = "month",
    province_of: Callable[[str], str | None] | None = None,
) -> Dashboard:
    """The dashboard of the supervisor's own area; anyone else is refused (audited)."""
    scope = supervisor_scope(db, actor, province_of)
    return compute_dashboard(db, scope, start=start, end=end, now=now, granularity=granularity)


__all__ = [
    "GRANULARITIES",
    "Dashboard",
    "DashboardScope",
    "Group",
    "Indicators",
    "bucket_starts",
    "compute_dashboard",
    "local_day_start",
    "supervisor_dashboard",
    "supervisor_scope",
]
