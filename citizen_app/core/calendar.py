"""Working days of Vietnamese state agencies, and appointment dates counted in them.

The curated data is one TOML file per year in ``core/data/holidays/`` (days off, with the
decision they come from, and make-up working Saturdays). A curated file always wins. For a
year without one, the days off are computed from the ``holidays`` package's Vietnamese
calendar (the Labour Code's holidays, lunar dates included, and its compensatory days), and
every appointment counted through such a year is *provisional*: the Government decides Tết
and any swaps each year, so the date may move once it has. An appointment counted through a
curated file whose ``status`` is ``"provisional"`` is provisional too. Staff are told (the
desk shows it, the receipt says so); nothing is refused for it.

The rule for appointments (:func:`appointment`), in Vietnam local time:

* Offices work Monday to Friday, 08:00–17:00, except the days off in the data,
  plus the make-up Saturdays ("làm bù") in the data.
* A dossier received on a working day before 17:00 starts counting at once
  (at 08:00 if it came in before the office opened).
* A dossier received at or after 17:00, or on a day off, counts as received at
  08:00 on the next working day (what online portals do with dossiers sent
  overnight or at weekends).
* ``days`` ≥ 1: the appointment is that many working days later, at the same
  clock time as the (effective) receipt. ``days`` = 0 ("the same day"): 17:00
  on the day of (effective) receipt.
* A limit in calendar days (``unit="calendar"``, "10 ngày" in a procedure's record) counts every
  day from the (effective) receipt, weekends and holidays included; when the last day is a day off
  the limit ends on the next working day (Civil Code 2015, art. 148(5)), at the same clock time.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

import holidays

from citizen_app.core.i18n import N_, VIETNAM_TZ

DATA_DIR = Path(__file__).resolve().parent / "data" / "holidays"
OFFICE_OPENS = time(8, 0)
OFFICE_CLOSES = time(17, 0)
# A far-future appointment means a data or caller error; stop rather than loop for ever.
MAX_WORKING_DAYS = 400
# make test fails when the curated files end sooner than this ahead of today (tests/unit/dossiers/test_calendar.py).
CURATED_HORIZON_MONTHS = 12

# Shown beside a provisional appointment (staff desk, receipt).
MSG_PROVISIONAL_APPOINTMENT = N_("Provisional: the date may change once the Government sets that year's holidays")

DayOffKind = Literal["holiday", "substitute", "swapped"]
DayUnit = Literal["working", "calendar"]
# official: the Government's decisions; provisional: curated ahead of them; computed: no file for the year.
YearStatus = Literal["official", "provisional", "computed"]


class HolidayDataInvalid(ValueError):
    pass


@dataclass(frozen=True)
class DayOff:
    day: date
    kind: DayOffKind
    name: Mapping[str, str]
    provisional: bool = False


@dataclass(frozen=True)
class YearCalendar:
    year: int
    status: YearStatus
    days_off: Mapping[date, DayOff]
    working_saturdays: frozenset[date]

    @property
    def settled(self) -> bool:
        """The Government's decisions for the year are in the data: its days off will not move."""
        return self.status == "official"


@dataclass(frozen=True)
class Appointment:
    """A due date, and whether it was counted through a year whose days off are not yet decided."""

    at: datetime
    provisional: bool
    # The years counted through whose data is provisional or computed (empty when all are official).
    unsettled_years: tuple[int, ...] = ()


def _load_year(path: Path, year: int) -> YearCalendar:
    with path.open("rb") as source:
        raw = tomllib.load(source)
    if raw.get("year") != year:
        raise HolidayDataInvalid(f"{path}: 'year' must be {year}")
    status = raw.get("status")
    if status not in ("official", "provisional"):
        raise HolidayDataInvalid(f"{path}: 'status' must be 'official' or 'provisional'")
    days_off: dict[date, DayOff] = {}
    for index, entry in enumerate(raw.get("days_off", [])):
        where = f"{path}: days_off[{index}]"
        kind = entry.get("kind")
        if kind not in ("holiday", "substitute", "swapped"):
            raise HolidayDataInvalid(f"{where}: unknown kind {kind!r}")
        name = entry.get("name")
        if not isinstance(name, dict) or not name.get("vi") or not name.get("en"):
            raise HolidayDataInvalid(f"{where}: name needs vi and en")
        if "date" in entry:
            first = last = entry["date"]
        else:
            first, last = entry.get("from"), entry.get("to")
        if not isinstance(first, date) or not isinstance(last, date) or first > last:
            raise HolidayDataInvalid(f"{where}: give 'date', or 'from' and 'to' in order")
        day = first
        while day <= last:
            if day.year != year:
                raise HolidayDataInvalid(f"{where}: {day} is not in {year}")
            days_off[day] = DayOff(day, kind, name, bool(entry.get("provisional", False)))
            day += timedelta(days=1)
    saturdays: set[date] = set()
    for index, entry in enumerate(raw.get("working_saturdays", [])):
        day = entry.get("date")
        if not isinstance(day, date) or day.year != year or day.weekday() != 5:
            problem = f"working_saturdays[{index}]: {day!r} is not a Saturday of {year}"
            raise HolidayDataInvalid(f"{path}: {problem}")
        saturdays.add(day)
    return YearCalendar(year, status, days_off, frozenset(saturdays))


def computed_year(year: int) -> YearCalendar:
    """Days off of a year nobody has curated, from the ``holidays`` package's Vietnamese calendar.

    It applies the Labour Code 2019 (art. 112 holidays with Tết's lunar dates, art. 111(3)
    compensatory days) as the package's maintainers read it; no make-up Saturday can be known
    ahead of the Government's decision. Every day is marked provisional.
    """
    names_vi = holidays.country_holidays("VN", years=year, language="vi")
    names_en = holidays.country_holidays("VN", years=year, language="en_US")
    days_off: dict[date, DayOff] = {}
    for day in sorted(names_vi):
        english = "; ".join(names_en.get_list(day)) or names_vi[day]
        kind: DayOffKind = "substitute" if "observed" in english.lower() else "holiday"
        days_off[day] = DayOff(day, kind, {"vi": names_vi[day], "en": english}, provisional=True)
    return YearCalendar(year, "computed", days_off, frozenset())


class WorkingCalendar:
    """Reads the yearly files lazily; the files are static data, so caching them per process is safe.

    ``compute`` makes the days off of a year that has no file (:func:`computed_year`).
    """

    def __init__(self, directory: Path = DATA_DIR, compute: Callable[[int], YearCalendar] = computed_year) -> None:
        self.directory = directory
        self._compute = compute
        self._years: dict[int, YearCalendar] = {}

    def year(self, year: int) -> YearCalendar:
        if year not in self._years:
            path = self.directory / f"{year}.toml"
            self._years[year] = _load_year(path, year) if path.exists() else self._compute(year)
        return self._years[year]

    def available_years(self) -> list[int]:
        """The curated years (those with a file)."""
        return sorted(int(p.stem) for p in self.directory.glob("*.toml") if p.stem.isdigit())

    def curated_until(self, today: date) -> date | None:
        """The last day of the unbroken run of curated years from ``today``'s year; None if that year has none."""
        curated = set(self.available_years())
        year = today.year
        if year not in curated:
            return None
        while year + 1 in curated:
            year += 1
        return date(year, 12, 31)

    def day_off(self, day: date) -> DayOff | None:
        return self.year(day.year).days_off.get(day)

    def is_working_day(self, day: date) -> bool:
        year = self.year(day.year)
        if day in year.days_off:
            return False
        if day.weekday() == 5:
            return day in year.working_saturdays
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        candidate = day + timedelta(days=1)
        for _ in range(366):
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise HolidayDataInvalid(f"no working day within a year after {day}")

    def effective_receipt(self, received: datetime) -> datetime:
        """When the clock starts for a dossier received at ``received`` (see the module rule)."""
        local = _local(received)
        day = local.date()
        if self.is_working_day(day) and local.time() < OFFICE_CLOSES:
            if local.time() < OFFICE_OPENS:
                return datetime.combine(day, OFFICE_OPENS, VIETNAM_TZ)
            return local.replace(microsecond=0)
        return datetime.combine(self.next_working_day(day), OFFICE_OPENS, VIETNAM_TZ)

    def appointment(self, start: datetime, days: int, unit: DayUnit = "working") -> Appointment:
        """``start`` + ``days`` working (or calendar) days (module rule), and whether the date is provisional."""
        if days < 0 or days > MAX_WORKING_DAYS:
            raise ValueError(f"days must be between 0 and {MAX_WORKING_DAYS}, got {days}")
        if unit not in ("working", "calendar"):
            raise ValueError(f"unknown unit of days {unit!r}")
        effective = self.effective_receipt(start)
        if days == 0:
            at = datetime.combine(effective.date(), OFFICE_CLOSES, VIETNAM_TZ)
        else:
            day = effective.date()
            if unit == "calendar":
                day += timedelta(days=days)
                if not self.is_working_day(day):
                    day = self.next_working_day(day)
            else:
                for _ in range(days):
                    day = self.next_working_day(day)
            at = datetime.combine(day, effective.timetz().replace(tzinfo=None), VIETNAM_TZ)
        counted = range(_local(start).year, at.year + 1)
        unsettled = tuple(year for year in counted if not self.year(year).settled)
        return Appointment(at=at, provisional=bool(unsettled), unsettled_years=unsettled)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        return self.appointment(start, days).at

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end is the same day or earlier."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware datetime (UTC or Asia/Ho_Chi_Minh)")
    return moment.astimezone(VIETNAM_TZ)


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    return WorkingCalendar()


def is_working_day(day: date) -> bool:
    return default_calendar().is_working_day(day)


def appointment(start: datetime, days: int, unit: DayUnit = "working") -> Appointment:
    """The due date ``start`` + ``days`` working (or calendar) days (rule: module docstring), provisional or not."""
    return default_calendar().appointment(start, days, unit)


def add_working_days(start: datetime, days: int) -> datetime:
    """Appointment = ``start`` + ``days`` working days, Vietnam local time (rule: module docstring)."""
    return default_calendar().add_working_days(start, days)


def next_working_day(day: date) -> date:
    return default_calendar().next_working_day(day)


def working_days_between(start: date, end: date) -> int:
    return default_calendar().working_days_between(start, end)


def day_off(day: date) -> DayOff | None:
    return default_calendar().day_off(day)
