"""Supervisor dashboard aggregates on a known dataset, on both databases (time zones and buckets included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.dashboard import (
    PERIOD_DAYS,
    DashboardScope,
    bucket_starts,
    compute_dashboard,
    last_days,
    local_day_start,
    supervisor_dashboard,
    supervisor_scope,
)
from citizen_app.core.dossiers import AccessDenied, Actor
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.tracking import DossierRating
from tests.unit.dossiers.helpers import Staff, make_user, officer, province_officer
from tests.unit.staff.helpers import place, province_of

P1, P2, P3 = "1.004222", "1.004194", "3.000333"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=VIETNAM_TZ)
START = local_day_start(datetime(2026, 10, 1).date())
END = local_day_start(datetime(2026, 12, 1).date())


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VIETNAM_TZ)


def rate(db: Session, dossier: object, score: int, when: datetime) -> None:
    db.add(DossierRating(dossier_id=dossier.id, user_id=dossier.applicant_id, score=score, created_at=when))  # type: ignore[attr-defined]


@pytest.fixture
def dataset(db_session: Session) -> None:
    a = place(db_session, commune="00004", procedure=P1, received=at(11, 2), appointment=at(11, 6),
              status="returned", finished=at(11, 5))
    b = place(db_session, commune="00004", procedure=P1, channel="counter", received=at(11, 3),
              original_appointment=at(11, 10), appointment=at(11, 14), status="result_ready", finished=at(11, 12))
    c = place(db_session, commune="00008", procedure=P2, received=at(11, 4), appointment=at(11, 9),
              status="rejected", finished=at(11, 6))
    place(db_session, commune=None, procedure=P3, received=at(11, 10), appointment=at(11, 12), status="processing")
    place(db_session, commune="00008", procedure=P2, received=at(10, 20), appointment=at(10, 25),
          status="supplement_requested")
    place(db_session, commune="00004", procedure=P1, channel="counter", received=at(10, 15),
          appointment=at(10, 20), status="received")
    place(db_session, commune="00004", procedure=P1, received=at(11, 5), status="withdrawn", finished=at(11, 6))
    # Sunday 18:00 UTC is already Monday 01:00 in Hà Nội: next week, locally.
    place(db_session, commune="00008", procedure=P2, channel="counter", received=at(11, 9, 1),
          appointment=at(11, 20), status="submitted")
    # 1 November 03:00 in Hà Nội is still 31 October in UTC: November, locally.
    place(db_session, commune="00004", procedure=P1, received=at(11, 1, 3), appointment=at(11, 4, 3),
          status="approved")
    x = place(db_session, commune="26734", province="79", procedure=P1, received=at(11, 3), status="returned",
              finished=at(11, 4))
    rate(db_session, a, 5, at(11, 6))
    rate(db_session, b, 3, at(11, 13))
    rate(db_session, c, 4, at(11, 7))
    rate(db_session, x, 1, at(11, 5))
    db_session.commit()


def test_overall_indicators(db_session: Session, dataset: None) -> None:
    board = compute_dashboard(db_session, DashboardScope("01"), start=START, end=END, now=NOW)
    o = board.overall
    assert (o.received, o.received_online, o.received_counter) == (9, 6, 3)
    assert o.online_share == pytest.approx(6 / 9)
    assert (o.resolved, o.resolved_on_time) == (3, 2)
    assert o.on_time_rate == pytest.approx(2 / 3)
    assert o.average_processing_days == pytest.approx(14 / 3, abs=1e-6)
    assert o.overdue_now == 3
    assert (o.ratings, o.ratings_satisfied) == (3, 2)
    assert o.satisfaction_rate == pytest.approx(2 / 3)
    assert o.mean_score == pytest.approx(4.0)


def test_per_commune_and_per_procedure(db_session: Session, dataset: None) -> None:
    board = compute_dashboard(db_session, DashboardScope("01"), start=START, end=END, now=NOW)
    communes = {g.key: g.indicators for g in board.by_commune}
    assert [g.key for g in board.by_commune] == ["00004", "00008", ""]
    ba_dinh = communes["00004"]
    assert (ba_dinh.received, ba_dinh.received_online, ba_dinh.resolved, ba_dinh.resolved_on_time) == (5, 3, 2, 1)
    assert ba_dinh.processing_days_total == pytest.approx(12, abs=1e-6)
    assert (ba_dinh.overdue_now, ba_dinh.ratings, ba_dinh.ratings_satisfied, ba_dinh.ratings_score_total) == (2, 2, 1, 8)
    ngoc_ha = communes["00008"]
    assert (ngoc_ha.received, ngoc_ha.received_online, ngoc_ha.resolved, ngoc_ha.overdue_now) == (3, 2, 1, 0)
    centre = communes[""]
    assert (centre.received, centre.overdue_now, centre.resolved) == (1, 1, 0)

    procedures = {g.key: g.indicators for g in board.by_procedure}
    assert set(procedures) == {P1, P2, P3}
    assert procedures[P1].received == 5 and procedures[P2].received == 3 and procedures[P3].received == 1


def test_over_time_by_month_and_by_week_in_vietnam_time(db_session: Session, dataset: None) -> None:
    months = compute_dashboard(db_session, DashboardScope("01"), start=START, end=END, now=NOW)
    assert [(g.key, g.indicators.received, g.indicators.received_online) for g in months.over_time] == [
        ("2026-10-01", 2, 1),
        ("2026-11-01", 7, 5),
    ]
    assert months.over_time[1].indicators.resolved == 3 and months.over_time[1].indicators.ratings == 3

    weeks = compute_dashboard(db_session, DashboardScope("01"), start=START, end=END, now=NOW, granularity="week")
    by_week = {g.key: g.indicators for g in weeks.over_time}
    assert list(by_week) == bucket_starts(START, END, "week")
    keys = list(by_week)
    assert (keys[0], keys[-1]) == ("2026-09-28", "2026-11-30")
    assert by_week["2026-10-26"].received == 1  # Sunday 1 November (local)
    assert by_week["2026-11-02"].received == 4
    assert by_week["2026-11-09"].received == 2  # Monday 01:00 local is in this week
    assert (by_week["2026-11-02"].resolved, by_week["2026-11-09"].resolved) == (2, 1)
    assert sum(item.received for item in by_week.values()) == 9


def test_a_commune_supervisor_sees_their_commune_only(db_session: Session, dataset: None) -> None:
    supervisor = officer(db_session, "00004", "supervisor")
    board = supervisor_dashboard(db_session, supervisor, start=START, end=END, now=NOW, province_of=province_of)
    assert board.scope == DashboardScope("01", "00004")
    assert (board.overall.received, board.overall.overdue_now, board.overall.ratings) == (5, 2, 2)
    assert [g.key for g in board.by_commune] == ["00004"]


def test_only_supervisors_and_refusals_are_logged(db_session: Session) -> None:
    supervisor = Actor.staff(Staff(make_user(db_session), ("counter_officer", "supervisor"), "province", "79"))
    assert supervisor_scope(db_session, supervisor) == DashboardScope("79")
    for actor in (officer(db_session, "00004"), province_officer(db_session, "01"), Actor.citizen(make_user(db_session))):
        with pytest.raises(AccessDenied):
            supervisor_dashboard(db_session, actor, start=START, end=END, now=NOW)
    db_session.commit()
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [e.action for e in denied] == ["staff.dashboard"] * 3


def test_an_empty_area_has_no_rates_rather_than_zeros(db_session: Session) -> None:
    board = compute_dashboard(db_session, DashboardScope("48"), start=START, end=END, now=NOW, granularity="week")
    o = board.overall
    assert o.received == 0 and o.online_share is None and o.on_time_rate is None
    assert o.average_processing_days is None and o.satisfaction_rate is None and o.mean_score is None
    assert all(g.indicators.received == 0 for g in board.over_time) and board.by_commune == []


def test_the_last_days_are_vietnamese_days_ending_today() -> None:
    late_evening_utc = datetime(2026, 11, 30, 18, 30, tzinfo=UTC)  # already 1 December in Hà Nội
    start, end = last_days(30, late_evening_utc)
    assert (start, end) == (local_day_start(date(2026, 11, 2)), local_day_start(date(2026, 12, 2)))
    assert last_days(7, late_evening_utc) == last_days(PERIOD_DAYS[0], late_evening_utc)  # not offered: the default
