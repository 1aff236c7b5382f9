"""Time limits in working days or in calendar days: the catalogue, the calendar, the dossier and the receipt."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from citizen_app.core import calendar, receipts
from citizen_app.core.catalog import ProcessingTime
from citizen_app.core.catalog.labels import time_limit_label
from citizen_app.core.dossiers import Actor, ProcedureTerms
from citizen_app.core.i18n import VIETNAM_TZ, get_translator
from citizen_app.ui.catalog_view import time_summary
from citizen_app.ui.receipt_view import receipt_view
from tests.unit.catalog.helpers import procedure, write_catalog
from tests.unit.catalog.test_loader import problems_of
from tests.unit.dossiers.forms_fixtures import form
from tests.unit.dossiers.helpers import NOW, draft_with_file, make_user, submit

vi, en = get_translator("vi"), get_translator("en")


def vn(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=VIETNAM_TZ)


# --- the calendar --------------------------------------------------------------------------------------------


def test_calendar_days_count_weekends_and_holidays() -> None:
    # Monday 16/11/2026 09:00 + 10 days: Thursday 26/11, where 10 working days would reach Monday 30/11.
    assert calendar.appointment(vn(2026, 11, 16, 9), 10, "calendar").at == vn(2026, 11, 26, 9)
    assert calendar.appointment(vn(2026, 11, 16, 9), 10).at == vn(2026, 11, 30, 9)


def test_a_calendar_day_limit_ending_on_a_day_off_ends_on_the_next_working_day() -> None:
    # Wednesday 18/11/2026 + 11 days is Sunday 29/11: Monday 30/11 (Civil Code 2015, art. 148(5)).
    assert calendar.appointment(vn(2026, 11, 18, 9), 11, "calendar").at == vn(2026, 11, 30, 9)
    # Friday 6/2/2026 + 10 days is Monday 16/2, in Tết (14/2 to 22/2): Monday 23/2.
    assert calendar.appointment(vn(2026, 2, 6, 9), 10, "calendar").at == vn(2026, 2, 23, 9)
    # In working days the same ten run past Tết to Friday 27/2.
    assert calendar.appointment(vn(2026, 2, 6, 9), 10, "working").at == vn(2026, 2, 27, 9)


def test_calendar_days_start_when_the_office_receives_it() -> None:
    # Sent on Saturday evening: counted from Monday 08:00, like working days.
    assert calendar.appointment(vn(2026, 11, 21, 20), 3, "calendar").at == vn(2026, 11, 26, 8)
    assert calendar.appointment(vn(2026, 11, 16, 9), 0, "calendar").at == vn(2026, 11, 16, 17)


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unit"):
        calendar.appointment(vn(2026, 11, 16, 9), 3, "lunar")  # type: ignore[arg-type]


# --- the catalogue --------------------------------------------------------------------------------------------


def test_the_yaml_says_the_unit_with_its_key(tmp_path: Path) -> None:
    from citizen_app.core.catalog import load_catalog

    entry = procedure(processing_time=[{"channel": "online", "calendar_days": 10}, {"channel": "counter", "working_days": 8}])
    (loaded,) = load_catalog(write_catalog(tmp_path / "services_catalog", [entry])).procedures
    assert [(p.channel, p.days, p.unit) for p in loaded.processing_time] == [
        ("online", 10, "calendar"),
        ("counter", 8, "working"),
    ]


def test_a_time_limit_needs_exactly_one_unit(tmp_path: Path) -> None:
    both = procedure(processing_time=[{"channel": "online", "calendar_days": 10, "working_days": 8}])
    neither = procedure(code="1.000656", processing_time=[{"channel": "online"}])
    assert problems_of(tmp_path, [both, neither]) == [
        "services_catalog/1.000656.yaml: processing_time[0].working_days: is required "
        "(or calendar_days when the source counts calendar days)",
        "services_catalog/1.001193.yaml: processing_time[0]: gives both working_days and calendar_days: "
        "keep the one the source gives",
    ]


def test_labels_and_summaries_name_the_unit() -> None:
    assert en.render(time_limit_label(10, "calendar")) == "10 calendar days"
    assert en.render(time_limit_label(1, "calendar")) == "1 calendar day"
    assert en.render(time_limit_label(1)) == "1 working day"
    assert vi.render(time_limit_label(10, "calendar")) == "10 ngày (tính cả ngày nghỉ)"
    assert vi.render(time_limit_label(8)) == "8 ngày làm việc"
    assert vi.render(time_limit_label(0, "calendar")) == "Trong ngày"
    from citizen_app.core.catalog import load_catalog
    from citizen_app.settings import get_settings

    permits = next(p for p in load_catalog(get_settings().catalog_dir).procedures if p.code == "1.013225")
    assert time_summary(permits, en) == "15–20 calendar days"
    mixed = dataclasses.replace(
        permits, processing_time=(ProcessingTime("online", 10, "calendar"), ProcessingTime("counter", 8, "working"))
    )
    assert time_summary(mixed, en) == "8 working days, 10 calendar days"  # quickest first
    assert mixed.fastest_working_days == 8  # 10 calendar days are about 8 working days


def test_the_slowest_channel_is_compared_in_working_days() -> None:
    terms = ProcedureTerms(
        code="3.000333", name={"vi": "x", "en": "x"}, level="province", form=form(1),
        processing_days={"online": 10, "post": 9}, day_units={"online": "calendar"},
    )
    assert terms.time_for("online") == terms.time_for("online").__class__(10, "calendar")
    # No counter row: the slowest known limit, 9 working days, beats 10 calendar days.
    assert (terms.time_for("counter").days, terms.time_for("counter").unit) == (9, "working")


# --- the dossier and its receipt ---------------------------------------------------------------------------------


def test_a_calendar_day_limit_gives_its_date_and_says_so_on_the_receipt(db_session: Session) -> None:
    criminal_record = ProcedureTerms(
        code="3.000333",
        name={"vi": "Cấp Phiếu Lý lịch tư pháp", "en": "Criminal record certificate"},
        level="commune",
        form=form(1),
        processing_days={"online": 10, "counter": 10},
        day_units={"online": "calendar", "counter": "calendar"},
        fees_vnd={"online": 200_000, "counter": 200_000},
    )
    citizen = Actor.citizen(make_user(db_session))
    draft_id = draft_with_file(db_session, citizen, procedure=criminal_record)
    result = submit(db_session, draft_id, citizen, procedure=criminal_record)
    db_session.commit()
    dossier = result.dossier
    assert (dossier.processing_days, dossier.processing_day_unit) == (10, "calendar")
    assert dossier.appointment_at == vn(2026, 11, 26, 9) == NOW.replace(day=26)
    slip = receipts.receipt_for(db_session, dossier.id, citizen)
    assert receipt_view(slip, en).processing_time == "10 calendar days"
    assert receipt_view(slip, vi).processing_time == "10 ngày (tính cả ngày nghỉ)"
    assert receipt_view(slip, en).fee_due == "VND\xa0200,000"
