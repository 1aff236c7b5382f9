"""The supervisor dashboard: the indicators provinces report, computed in SQL with GROUP BY.

For the supervisor's area (their province; a commune supervisor's commune) and a period
``[start, end)``:

* **received**: dossiers received in the period, and how many came online (the online share);
* **resolved** in the period (a result ready or returned, or a rejection), how many **on time**
  (by the *first* appointment: a delay with an apology does not make a late dossier punctual),
  and their total processing time in calendar days (received → finished) for the average;
* **overdue now**: past the appointment while the agency still owes work (the lifecycle's rule);
* **satisfaction**: the ratings (``dossier_ratings``) of the dossiers resolved in the period, the
  share of 4 and 5 stars and the mean (only resolved dossiers can be rated: core/ratings.py).

Each is grouped by procedure, by commune (``None`` = the province's service centre) and by week
or month (Vietnam local time, bucket = the first day). Overall figures are sums of the
per-procedure groups, so every indicator is counted once in SQL. Counts and sums are returned
rather than ratios, so groups can be added up exactly.

Three queries: received, resolved (with their ratings), overdue now. On PostgreSQL each is one
scan grouped three ways at once (GROUPING SETS); SQLite runs one query per breakdown. Only the
date arithmetic differs otherwise (:func:`_days_between`, :func:`_bucket`). Migration 0006 adds
the indexes they read (province + received / finished time, with the grouped columns included
on PostgreSQL, so the scans are index-only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, select, text, tuple_
from sqlalchemy.orm import Session

from citizen_app.core.dossiers.access import Actor, deny
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.core.statuses import AGENCY_OWES, RESOLVED
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.tracking import DossierRating

GRANULARITIES = ("week", "month")
# The periods a supervisor chooses from, in days ending today (Vietnam local days); the first is the default.
PERIOD_DAYS: tuple[int, ...] = (90, 30, 365)
# A result is ready (or was handed over), or the application was rejected: the agency has decided.
RESOLVED_STATUSES: tuple[str, ...] = tuple(sorted(RESOLVED))
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


def _bucket(dialect: str, moment: Any, granularity: str) -> ColumnElement[Any]:
    """The Monday (week) or the first of the month, in Vietnam local time (read back by :func:`_key`)."""
    if dialect == "postgresql":
        # Literals, not bound parameters: GROUPING SETS must see the very expression the SELECT list has.
        unit = literal_column("'week'" if granularity == "week" else "'month'")
        # The truncated local timestamp itself (formatting it per row costs more than grouping by it).
        return func.date_trunc(unit, func.timezone(literal_column("'Asia/Ho_Chi_Minh'"), moment))
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


def last_days(days: int, now: datetime) -> tuple[datetime, datetime]:
    """``[start, end)`` of the last ``days`` Vietnamese days, today included (an unknown length: the default)."""
    length = days if days in PERIOD_DAYS else PERIOD_DAYS[0]
    today = now.astimezone(VIETNAM_TZ).date()
    return local_day_start(today - timedelta(days=length - 1)), local_day_start(today + timedelta(days=1))


# --- the queries ------------------------------------------------------------------------------------------

# Which breakdown a row belongs to. On PostgreSQL one scan feeds all three (GROUPING SETS); SQLite, which has
# no grouping sets, runs one query per breakdown (its databases are small).
BREAKDOWNS = ("procedure", "commune", "time")


def _grouped(
    db: Session,
    measures: list[ColumnElement[Any]],
    where: ColumnElement[bool],
    keys: dict[str, ColumnElement[Any]],
    *,
    join: tuple[Any, ColumnElement[bool]] | None = None,
) -> dict[str, list[tuple[str, Any]]]:
    """``measures`` aggregated over ``where``, grouped by each of ``keys`` separately: key name → [(key, row)]."""
    found: dict[str, list[tuple[str, Any]]] = {name: [] for name in keys}

    def base(columns: list[ColumnElement[Any]]) -> Any:
        query = select(*columns, *measures)
        if join is not None:
            query = query.outerjoin(join[0], join[1])
        return query.where(where)

    if _dialect(db) == "postgresql" and len(keys) > 1:
        names = list(keys)
        expressions = [keys[name] for name in names]
        query = base([*(e.label(f"key_{n}") for n, e in zip(names, expressions, strict=True)),
                      func.grouping(*expressions).label("grouping")])
        query = query.group_by(func.grouping_sets(*(tuple_(e) for e in expressions)))
        everything = (1 << len(names)) - 1
        for row in db.execute(query):
            for position, name in enumerate(names):
                # GROUPING() sets a bit for each key *not* grouped in this row; the first key is the highest bit.
                if row.grouping == everything ^ (1 << (len(names) - 1 - position)):
                    found[name].append((_key(getattr(row, f"key_{name}")), row))
        return found
    for name, expression in keys.items():
        for row in db.execute(base([expression.label("key")]).group_by(expression)):
            found[name].append((_key(row.key), row))
    return found


def _key(value: Any) -> str:
    """A group's key as text: a code, "" for none, ``YYYY-MM-DD`` for a time bucket."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


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
    callers go through :func:`supervisor_dashboard`; the bench and tests call this directly.

    Satisfaction counts the ratings of the dossiers resolved in the period (a rating belongs to a
    resolved dossier: result ready or returned, or rejected), so it shares their scan.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}, got {granularity!r}")
    if start.tzinfo is None or end.tzinfo is None or now.tzinfo is None:
        raise ValueError("naive datetime given")
    dialect = _dialect(db)
    if dialect == "postgresql":
        # For this transaction only: a province's year groups in a few MB, kept in memory; and a plan made
        # for the actual dates and province every time (psycopg prepares a statement run five times, and
        # PostgreSQL's generic plan for it reads far more than the custom one: 2-3 times slower).
        db.execute(text("SET LOCAL work_mem = '32MB'"))
        db.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    groups: dict[str, dict[str, Indicators]] = {name: {} for name in BREAKDOWNS}

    def at(breakdown: str, key: str) -> Indicators:
        return groups[breakdown].setdefault(key, Indicators())

    def keys(moment: Any, with_time: bool = True) -> dict[str, ColumnElement[Any]]:
        found: dict[str, ColumnElement[Any]] = {"procedure": Dossier.procedure_code, "commune": Dossier.commune_code}
        if with_time:
            found["time"] = _bucket(dialect, moment, granularity)
        return found

    received = _grouped(
        db,
        [func.count().label("n"), func.sum(case((Dossier.channel == "online", 1), else_=0)).label("online")],
        and_(scope.condition(), Dossier.received_at >= start, Dossier.received_at < end),
        keys(Dossier.received_at),
    )
    for breakdown, rows in received.items():
        for key, row in rows:
            item = at(breakdown, key)
            item.received += int(row.n)
            item.received_online += int(row.online or 0)

    promised = func.coalesce(Dossier.original_appointment_at, Dossier.appointment_at)
    resolved = _grouped(
        db,
        [
            func.count(Dossier.id).label("n"),
            func.sum(case((Dossier.finished_at <= promised, 1), else_=0)).label("on_time"),
            func.sum(_days_between(dialect, Dossier.received_at, Dossier.finished_at)).label("days"),
            func.count(DossierRating.id).label("ratings"),
            func.sum(case((DossierRating.score >= SATISFIED_SCORE, 1), else_=0)).label("satisfied"),
            func.sum(DossierRating.score).label("score"),
        ],
        and_(
            scope.condition(),
            Dossier.finished_at >= start,
            Dossier.finished_at < end,
            Dossier.status.in_(RESOLVED_STATUSES),
        ),
        keys(Dossier.finished_at),
        # A rating is made after its dossier is resolved, so one given before the period cannot belong to a
        # dossier resolved in it: saying so lets the join read only the period's ratings.
        join=(DossierRating, and_(DossierRating.dossier_id == Dossier.id, DossierRating.created_at >= start)),
    )
    for breakdown, rows in resolved.items():
        for key, row in rows:
            item = at(breakdown, key)
            item.resolved += int(row.n)
            item.resolved_on_time += int(row.on_time or 0)
            item.processing_days_total += float(row.days or 0.0)
            item.ratings += int(row.ratings or 0)
            item.ratings_satisfied += int(row.satisfied or 0)
            item.ratings_score_total += int(row.score or 0)

    overdue = _grouped(
        db,
        [func.count().label("n")],
        and_(scope.condition(), Dossier.status.in_(sorted(AGENCY_OWES)), Dossier.appointment_at < now),
        keys(None, with_time=False),
    )
    for breakdown, rows in overdue.items():
        for key, row in rows:
            at(breakdown, key).overdue_now += int(row.n)

    overall = Indicators()
    for item in groups["procedure"].values():
        overall.add(item)

    def ranked(found: dict[str, Indicators]) -> list[Group]:
        return [
            Group(key, item)
            for key, item in sorted(found.items(), key=lambda kv: (-kv[1].received, -kv[1].overdue_now, kv[0]))
        ]

    timeline = [Group(key, groups["time"].get(key, Indicators())) for key in bucket_starts(start, end, granularity)]
    return Dashboard(
        scope=scope,
        start=start,
        end=end,
        now=now,
        granularity=granularity,
        overall=overall,
        by_procedure=ranked(groups["procedure"]),
        by_commune=ranked(groups["commune"]),
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
    "PERIOD_DAYS",
    "Dashboard",
    "DashboardScope",
    "Group",
    "Indicators",
    "bucket_starts",
    "compute_dashboard",
    "last_days",
    "local_day_start",
    "supervisor_dashboard",
    "supervisor_scope",
]
