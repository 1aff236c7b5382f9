"""Working days: weekends, Tết, substitute days, make-up Saturdays, the after-hours rule, years nobody curated."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from citizen_app.core import calendar
from citizen_app.core.calendar import (
    CURATED_HORIZON_MONTHS,
    HolidayDataInvalid,
    WorkingCalendar,
    YearCalendar,
    computed_year,
)
from citizen_app.core.i18n import VIETNAM_TZ


def vn(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


def test_the_shipped_years_load() -> None:
    years = calendar.default_calendar().available_years()
    assert {2025, 2026, 2027, 2028} <= set(years)
    assert calendar.default_calendar().year(2026).status == "official"
    assert calendar.default_calendar().year(2027).status == "provisional"
    assert calendar.default_calendar().year(2028).status == "provisional"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 20), True),  # Friday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
        (date(2025, 1, 1), False),  # New Year
        (date(2025, 1, 27), False),  # Tết Ất Tỵ
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),  # back after Tết
        (date(2025, 4, 7), False),  # Hùng Kings
        (date(2025, 4, 26), True),  # make-up Saturday for 2 May
        (date(2025, 5, 2), False),  # the swapped Friday
        (date(2025, 9, 1), False),
        (date(2025, 9, 2), False),
        (date(2026, 1, 2), False),  # swapped Friday
        (date(2026, 1, 10), True),  # its make-up Saturday
        (date(2026, 2, 16), False),  # Tết Bính Ngọ
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        (date(2026, 4, 27), False),  # Hùng Kings fell on Sunday 26/4: substitute Monday
        (date(2026, 8, 22), True),  # make-up Saturday for 31/8
        (date(2026, 8, 31), False),
        (date(2026, 9, 2), False),
        (date(2027, 5, 3), False),  # 1/5/2027 is a Saturday: substitute Monday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


def test_tet_is_skipped() -> None:
    # Friday 13/2/2026 10:00 + 1 working day: Tết runs 14–22/2, so Monday 23/2 10:00.
    assert calendar.add_working_days(vn(2026, 2, 13), 1) == vn(2026, 2, 23)
    # 2025: Friday 24/1 + 3 → Tết 25/1–2/2 → Mon 3, Tue 4, Wed 5 February.
    assert calendar.add_working_days(vn(2025, 1, 24), 3) == vn(2025, 2, 5)


def test_weekends_are_skipped() -> None:
    assert calendar.add_working_days(vn(2026, 11, 20), 1) == vn(2026, 11, 23)
    assert calendar.add_working_days(vn(2026, 11, 16), 5) == vn(2026, 11, 23)


def test_a_make_up_saturday_counts() -> None:
    # Thursday 8/1/2026 + 2: Friday 9/1, Saturday 10/1 (worked).
    assert calendar.add_working_days(vn(2026, 1, 8), 2) == vn(2026, 1, 10)
    # Friday 21/8/2026 + 1 = Saturday 22/8 (worked), + 2 = Monday 24/8.
    assert calendar.add_working_days(vn(2026, 8, 21), 1) == vn(2026, 8, 22)
    assert calendar.add_working_days(vn(2026, 8, 21), 2) == vn(2026, 8, 24)
    # Friday 28/8 + 1 skips the swapped Monday 31/8 and National Day 1–2/9.
    assert calendar.add_working_days(vn(2026, 8, 28), 1) == vn(2026, 9, 3)


def test_substitute_day() -> None:
    # Friday 24/4/2026 + 1: Monday 27/4 is the substitute for Hùng Kings' Day, so Tuesday 28/4.
    assert calendar.add_working_days(vn(2026, 4, 24), 1) == vn(2026, 4, 28)


def test_after_hours_counts_from_the_next_working_day() -> None:
    # Monday 16/11/2026 17:30 → as if received Tuesday 08:00 → +1 = Wednesday 08:00.
    assert calendar.add_working_days(vn(2026, 11, 16, 17, 30), 1) == vn(2026, 11, 18, 8)
    # Exactly 17:00 is after hours too.
    assert calendar.add_working_days(vn(2026, 11, 16, 17, 0), 1) == vn(2026, 11, 18, 8)
    # 16:59 still counts that day.
    assert calendar.add_working_days(vn(2026, 11, 16, 16, 59), 1) == vn(2026, 11, 17, 16, 59)
    # Before opening: from 08:00 the same day.
    assert calendar.add_working_days(vn(2026, 11, 16, 6, 15), 1) == vn(2026, 11, 17, 8)
    # Saturday 21/11/2026 → Monday 23/11 08:00 → +3 = Thursday 26/11 08:00.
    assert calendar.add_working_days(vn(2026, 11, 21, 20), 3) == vn(2026, 11, 26, 8)


def test_same_day_procedures() -> None:
    assert calendar.add_working_days(vn(2026, 11, 16, 9), 0) == vn(2026, 11, 16, 17)
    assert calendar.add_working_days(vn(2026, 11, 21, 9), 0) == vn(2026, 11, 23, 17)


def test_utc_input_is_read_in_vietnam_time() -> None:
    # 2026-11-16 09:30 UTC is 16:30 in Hà Nội: still that working day.
    start = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
    assert calendar.add_working_days(start, 1) == vn(2026, 11, 17, 16, 30)
    # 10:30 UTC is 17:30 local: after hours.
    assert calendar.add_working_days(datetime(2026, 11, 16, 10, 30, tzinfo=UTC), 1) == vn(2026, 11, 18, 8)


def test_a_year_without_a_file_is_computed_not_refused() -> None:
    year = calendar.default_calendar().year(2030)
    assert year.status == "computed" and not year.settled
    assert all(entry.provisional for entry in year.days_off.values())
    # Tết Canh Tuất: mùng 1 is Sunday 3/2/2030 (lunar calendar); the days around it are off.
    assert not calendar.is_working_day(date(2030, 2, 4))
    assert not calendar.is_working_day(date(2030, 4, 30))
    assert not calendar.is_working_day(date(2030, 9, 2))
    assert calendar.is_working_day(date(2030, 3, 5))
    tet = calendar.day_off(date(2030, 2, 4))
    assert tet is not None and tet.name["vi"] and tet.name["en"]


def test_counting_into_a_computed_year_is_provisional() -> None:
    # Friday 29/12/2028 + 3: New Year 2029 (Monday 1/1) is off, so Tuesday 2, Wednesday 3, Thursday 4.
    due = calendar.appointment(vn(2028, 12, 29), 3)
    assert due.at == vn(2029, 1, 4)
    assert due.provisional and 2029 in due.unsettled_years
    assert calendar.add_working_days(vn(2028, 12, 29), 3) == due.at


def test_only_official_years_make_a_settled_date() -> None:
    settled = calendar.appointment(vn(2026, 11, 16), 5)
    assert settled.at == vn(2026, 11, 23) and not settled.provisional and settled.unsettled_years == ()
    # Into 2027, whose file is curated ahead of the Government's decision: provisional too.
    into_2027 = calendar.appointment(vn(2026, 12, 28), 5)
    assert into_2027.provisional and into_2027.unsettled_years == (2027,)


def test_the_29_december_2027_submission_gets_a_provisional_date() -> None:
    # Wednesday 29/12/2027 10:00 + 5: Thu 30, Fri 31, (1/1/2028 Saturday, its compensatory Monday 3/1),
    # Tue 4, Wed 5, Thu 6 January 2028.
    due = calendar.appointment(vn(2027, 12, 29), 5)
    assert due.at == vn(2028, 1, 6) and due.provisional
    assert due.unsettled_years == (2027, 2028)
    # 60 working days run past Tết Mậu Thân (24–28/1/2028 curated): still a date, still provisional.
    long = calendar.appointment(vn(2027, 12, 29), 60)
    assert long.provisional and long.at.year == 2028
    assert calendar.working_days_between(date(2027, 12, 29), long.at.date()) == 60


def test_curated_files_win_over_the_computed_calendar(tmp_path: Path) -> None:
    # The holidays package lists 24/11 ("Ngày Văn hóa Việt Nam") from 2026; the curated 2026 file does not.
    assert date(2026, 11, 24) in computed_year(2026).days_off
    assert calendar.is_working_day(date(2026, 11, 24))
    # A curated file is used as it is, even where it disagrees with the computation.
    (tmp_path / "2031.toml").write_text(
        'year = 2031\nstatus = "official"\n'
        '[[days_off]]\ndate = 2031-03-05\nkind = "holiday"\nname = { vi = "Nghỉ", en = "Off" }\n'
    )
    computed: list[int] = []

    def compute(year: int) -> YearCalendar:
        computed.append(year)
        return computed_year(year)

    custom = WorkingCalendar(tmp_path, compute=compute)
    assert not custom.is_working_day(date(2031, 3, 5))
    assert custom.is_working_day(date(2031, 9, 3)) is (date(2031, 9, 3) not in computed_year(2031).days_off)
    assert custom.is_working_day(date(2031, 1, 1))  # New Year is not in that (made-up) file
    assert computed == []
    assert not custom.appointment(vn(2031, 3, 4), 1).provisional
    assert not custom.is_working_day(date(2032, 1, 1))
    assert computed == [2032]


def test_curated_lunar_dates_agree_with_the_computed_calendar() -> None:
    """A typo in a curated file's Tết or Hùng Kings' date shows up here (lunar dates are computable)."""
    cal = calendar.default_calendar()
    lunar = ("Tết Nguyên Đán", "Ngày Giỗ Tổ Hùng Vương")
    for year in cal.available_years():
        computed = computed_year(year).days_off
        for day, entry in computed.items():
            if entry.name["vi"] in lunar and day.weekday() < 5:
                assert cal.day_off(day) is not None, f"{day} ({entry.name['vi']}) is missing from {year}.toml"


def test_curated_holiday_data_reaches_12_months_ahead() -> None:
    """The time bomb's fuse: add next year's file (core/data/holidays/YYYY.toml) before this fails."""
    today = datetime.now(VIETNAM_TZ).date()
    until = calendar.default_calendar().curated_until(today)
    months = CURATED_HORIZON_MONTHS
    horizon_year = today.year + (today.month - 1 + months) // 12
    horizon_month = (today.month - 1 + months) % 12 + 1
    horizon = date(horizon_year, horizon_month, min(today.day, 28))
    assert until is not None and until >= horizon, (
        f"curated holiday data ends {until}, less than {months} months ahead of {today}: add "
        f"{calendar.DATA_DIR}/{(until.year + 1) if until else today.year}.toml (status 'provisional' "
        "until the Government decides)"
    )


def test_curated_until() -> None:
    cal = calendar.default_calendar()
    assert cal.curated_until(date(2026, 6, 1)) == date(2028, 12, 31)
    assert cal.curated_until(date(2035, 6, 1)) is None


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="naive"):
        calendar.add_working_days(datetime(2026, 11, 16, 9), 1)
    with pytest.raises(ValueError):
        calendar.add_working_days(vn(2026, 11, 16), -1)


def test_invalid_data_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "2026.toml").write_text(
        'year = 2026\nstatus = "official"\n[[working_saturdays]]\ndate = 2026-01-11\n'
    )
    with pytest.raises(HolidayDataInvalid, match="not a Saturday"):
        WorkingCalendar(tmp_path).is_working_day(date(2026, 1, 5))
    (tmp_path / "2026.toml").write_text('year = 2025\nstatus = "official"\n')
    with pytest.raises(HolidayDataInvalid, match="'year' must be 2026"):
        WorkingCalendar(tmp_path).is_working_day(date(2026, 1, 5))


def test_working_days_between() -> None:
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 13)) == 0


def test_day_off_names() -> None:
    tet = calendar.day_off(date(2026, 2, 17))
    assert tet is not None and tet.kind == "holiday" and "Tết" in tet.name["vi"]
    assert calendar.day_off(date(2026, 4, 27)).kind == "substitute"  # type: ignore[union-attr]
    assert calendar.day_off(date(2027, 2, 8)).provisional  # type: ignore[union-attr]
