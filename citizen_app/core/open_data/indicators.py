"""Monthly indicators per province and per commune, published as open data (CSV and JSON).

The definitions are the supervisor dashboard's (``core.dashboard``), counted per calendar month
in Vietnam local time:

* **received** in the month, and how many came online (**online share**);
* **resolved** in the month (result ready or returned, or rejected), how many **on time**
  (by the *first* appointment: a delay does not make a late dossier punctual) and how many
  **overdue** (resolved after it);
* **satisfaction**: the ratings of the dossiers resolved in the month, the share of 4 and 5 stars.

A row is a (month, unit): a province (all its communes and its service centre together), a
commune's People's Committee, or a province's service centre (``unit = "centre"``, no commune
code). Province rows are sums of their unit rows, counted once in SQL. Every unit with any
activity in the period has a row for every month, zeros included, so a series has no holes.

Published under the Creative Commons Attribution 4.0 licence (:data:`LICENCE`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from citizen_app.core.admin_units import AdminUnits, get_admin_units
from citizen_app.core.dashboard import RESOLVED_STATUSES, SATISFIED_SCORE, Indicators, local_day_start
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.tracking import DossierRating

LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Dịch vụ công · Citizen public services, monthly indicators",
}
LEVELS = ("province", "commune")
MAX_MONTHS = 36
DEFAULT_MONTHS = 12
CENTRE = "centre"

COLUMNS: tuple[str, ...] = (
    "month", "unit", "province_code", "province_name", "commune_code", "commune_name",
    "received", "received_online", "online_share",
    "resolved", "resolved_on_time", "resolved_overdue", "on_time_rate",
    "ratings", "ratings_satisfied", "satisfaction_rate",
)
DEFINITIONS = {
    "month": "Calendar month, Vietnam local time (YYYY-MM)",
    "unit": "province (all its units), commune (a commune's People's Committee) or centre (the province's "
            "public administration service centre)",
    "received": "Dossiers received in the month",
    "received_online": "Of them, sent online",
    "online_share": "received_online / received (empty when nothing was received)",
    "resolved": "Dossiers resolved in the month: result ready or returned, or rejected",
    "resolved_on_time": "Of them, resolved by their first appointment date",
    "resolved_overdue": "Of them, resolved after their first appointment date",
    "on_time_rate": "resolved_on_time / resolved",
    "ratings": "Satisfaction ratings (1 to 5 stars) of the dossiers resolved in the month",
    "ratings_satisfied": "Of them, 4 or 5 stars",
    "satisfaction_rate": "ratings_satisfied / ratings",
}


@dataclass(frozen=True)
class IndicatorRow:
    month: str
    unit: str  # province | commune | centre
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    figures: Indicators

    def as_record(self) -> dict[str, Any]:
        f = self.figures
        return {
            "month": self.month, "unit": self.unit,
            "province_code": self.province_code, "province_name": self.province_name,
            "commune_code": self.commune_code or None, "commune_name": self.commune_name or None,
            "received": f.received, "received_online": f.received_online, "online_share": _rate(f.online_share),
            "resolved": f.resolved, "resolved_on_time": f.resolved_on_time,
            "resolved_overdue": f.resolved - f.resolved_on_time, "on_time_rate": _rate(f.on_time_rate),
            "ratings": f.ratings, "ratings_satisfied": f.ratings_satisfied,
            "satisfaction_rate": _rate(f.satisfaction_rate),
        }


@dataclass(frozen=True)
class IndicatorTable:
    level: str
    months: list[str]
    province_code: str | None
    rows: list[IndicatorRow]
    generated_at: datetime

    def records(self) -> list[dict[str, Any]]:
        return [row.as_record() for row in self.rows]


def _rate(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


# --- periods --------------------------------------------------------------------------------------------


def parse_month(text: str) -> date | None:
    """``2026-03`` → 1 March 2026; None when it is not a month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else None
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_keys(first: date, last: date) -> list[str]:
    keys, month = [], first.replace(day=1)
    while month <= last:
        keys.append(f"{month:%Y-%m}")
        month = add_months(month, 1)
    return keys


def default_period(now: datetime, months: int = DEFAULT_MONTHS) -> tuple[date, date]:
    """The last ``months`` months, the current one included."""
    this_month = now.astimezone(VIETNAM_TZ).date().replace(day=1)
    return add_months(this_month, 1 - months), this_month


# --- the queries -----------------------------------------------------------------------------------------


def _month(dialect: str, moment: Any) -> ColumnElement[str]:
    """``YYYY-MM`` of a UTC timestamp, in Vietnam local time."""
    if dialect == "postgresql":
        local = func.timezone(literal_column("'Asia/Ho_Chi_Minh'"), moment)
        return func.to_char(local, literal_column("'YYYY-MM'"))
    return func.strftime("%Y-%m", moment, "+7 hours")


Key = tuple[str, str, str]  # (month, province, commune or "")


def _counts(db: Session, start: datetime, end: datetime, province: str | None) -> dict[Key, Indicators]:
    dialect = db.get_bind().dialect.name
    found: dict[Key, Indicators] = {}

    def at(month: str, province_code: str | None, commune_code: str | None) -> Indicators:
        return found.setdefault((month, province_code or "", commune_code or ""), Indicators())

    def where(column: Any) -> ColumnElement[bool]:
        condition = and_(column >= start, column < end, Dossier.province_code.is_not(None))
        return and_(condition, Dossier.province_code == province) if province else condition

    received_month = _month(dialect, Dossier.received_at).label("month")
    received = (
        select(received_month, Dossier.province_code, Dossier.commune_code, func.count().label("n"),
               func.sum(case((Dossier.channel == "online", 1), else_=0)).label("online"))
        .where(where(Dossier.received_at))
        .group_by(received_month, Dossier.province_code, Dossier.commune_code)
    )
    for row in db.execute(received):
        item = at(row.month, row.province_code, row.commune_code)
        item.received += int(row.n)
        item.received_online += int(row.online or 0)

    promised = func.coalesce(Dossier.original_appointment_at, Dossier.appointment_at)
    finished_month = _month(dialect, Dossier.finished_at).label("month")
    resolved = (
        select(finished_month, Dossier.province_code, Dossier.commune_code,
               func.count(Dossier.id).label("n"),
               func.sum(case((Dossier.finished_at <= promised, 1), else_=0)).label("on_time"),
               func.count(DossierRating.id).label("ratings"),
               func.sum(case((DossierRating.score >= SATISFIED_SCORE, 1), else_=0)).label("satisfied"),
               func.sum(DossierRating.score).label("score"))
        .outerjoin(DossierRating, DossierRating.dossier_id == Dossier.id)
        .where(where(Dossier.finished_at), Dossier.status.in_(RESOLVED_STATUSES))
        .group_by(finished_month, Dossier.province_code, Dossier.commune_code)
    )
    for row in db.execute(resolved):
        item = at(row.month, row.province_code, row.commune_code)
        item.resolved += int(row.n)
        item.resolved_on_time += int(row.on_time or 0)
        item.ratings += int(row.ratings or 0)
        item.ratings_satisfied += int(row.satisfied or 0)
        item.ratings_score_total += int(row.score or 0)
    return found


def monthly_indicators(
    db: Session,
    *,
    first_month: date,
    last_month: date,
    now: datetime,
    level: str = "province",
    province_code: str | None = None,
    units: AdminUnits | None = None,
) -> IndicatorTable:
    """The rows of ``level`` (``province`` or ``commune``) for the months ``first_month``..``last_month``."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if last_month < first_month or len(month_keys(first_month, last_month)) > MAX_MONTHS:
        raise ValueError(f"a period of 1 to {MAX_MONTHS} months, in order")
    units = units if units is not None else get_admin_units()
    months = month_keys(first_month, last_month)
    start = local_day_start(first_month).astimezone(UTC)
    end = local_day_start(add_months(last_month, 1)).astimezone(UTC)
    counts = _counts(db, start, end, province_code)

    by_unit: dict[tuple[str, str], dict[str, Indicators]] = {}
    for (month, province, commune), figures in counts.items():
        unit = (province, commune if level == "commune" else "")
        by_unit.setdefault(unit, {}).setdefault(month, Indicators()).add(figures)

    def province_name(code: str) -> str:
        return units.province_name(code) or code

    rows: list[IndicatorRow] = []
    for province, commune in sorted(by_unit, key=lambda key: (key[0], key[1] != "", key[1])):
        series = by_unit[(province, commune)]
        if level == "province":
            kind, commune_name = "province", ""
        elif commune:
            kind, commune_name = "commune", units.commune_name(commune) or commune
        else:
            kind, commune_name = CENTRE, ""
        rows += [
            IndicatorRow(month, kind, province, province_name(province), commune, commune_name,
                         series.get(month, Indicators()))
            for month in months
        ]
    return IndicatorTable(level=level, months=months, province_code=province_code, rows=rows, generated_at=now)


# --- formats ----------------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # Spreadsheets run a cell starting with these as a formula; no figure or name here does, but be sure.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(table: IndicatorTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in table.records():
        writer.writerow([_cell(record[column]) for column in COLUMNS])
    return out.getvalue()


def to_document(table: IndicatorTable) -> dict[str, Any]:
    return {
        "licence": LICENCE,
        "generated_at": table.generated_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "level": table.level,
        "province_code": table.province_code,
        "months": table.months,
        "definitions": DEFINITIONS,
        "rows": table.records(),
    }


def filename(table: IndicatorTable, extension: str) -> str:
    where = f"-{table.province_code}" if table.province_code else ""
    return f"indicators-{table.level}{where}-{table.months[0]}-to-{table.months[-1]}.{extension}"


def totals(rows: Iterable[IndicatorRow], key: Callable[[IndicatorRow], str]) -> dict[str, Indicators]:
    """Rows added up by ``key`` (e.g. per province over the whole period, for the page's comparisons)."""
    found: dict[str, Indicators] = {}
    for row in rows:
        found.setdefault(key(row), Indicators()).add(row.figures)
    return found
