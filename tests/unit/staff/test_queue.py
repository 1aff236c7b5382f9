"""The counter queue: scoped to the officer's agency whatever the filters; filters, order, paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.dossiers import AccessDenied, Actor
from citizen_app.core.dossiers.staff_queue import QueueFilters, queue_procedures, staff_queue
from citizen_app.db.models.audit import AuditEvent
from tests.unit.dossiers.helpers import NOW, make_user, officer, province_officer
from tests.unit.staff.helpers import place, province_of, rows


def queue(db: Session, actor: Actor, **filters: object) -> list[str]:
    page = staff_queue(db, actor, QueueFilters(**filters), now=NOW, per_page=100, province_of=province_of)  # type: ignore[arg-type]
    return rows(page.rows)


def test_a_commune_never_sees_another_communes_queue(db_session: Session) -> None:
    ba_dinh = place(db_session, commune="00004")
    ngoc_ha = place(db_session, commune="00008")
    centre = place(db_session, commune=None)
    saigon = place(db_session, commune="26734", province="79")
    hcm_centre = place(db_session, commune=None, province="79")
    db_session.commit()

    assert queue(db_session, officer(db_session, "00004")) == [ba_dinh.code]
    assert queue(db_session, officer(db_session, "00008")) == [ngoc_ha.code]
    assert queue(db_session, officer(db_session, "26734")) == [saigon.code]
    # A province centre's staff see the centre's dossiers, not the communes' of their province.
    assert queue(db_session, province_officer(db_session, "01")) == [centre.code]
    assert queue(db_session, province_officer(db_session, "79")) == [hcm_centre.code]
    # No filter widens the scope.
    for filters in ({"status": "all"}, {"procedure": "1.004222"}, {"channel": "online"}, {"overdue": True}):
        assert ngoc_ha.code not in queue(db_session, officer(db_session, "00004"), **filters)


def test_citizens_are_refused_and_the_refusal_is_audited(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    db_session.commit()
    with pytest.raises(AccessDenied):
        staff_queue(db_session, citizen, QueueFilters(), now=NOW)
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [(e.action, e.actor_role) for e in denied] == [("staff.queue", "citizen")]


def test_the_default_view_is_open_work_soonest_appointment_first(db_session: Session) -> None:
    later = place(db_session, status="processing", appointment=NOW + timedelta(days=9))
    soon = place(db_session, status="submitted", appointment=NOW + timedelta(days=1))
    late = place(db_session, status="received", appointment=NOW - timedelta(days=2))
    waiting = place(db_session, status="result_ready", appointment=NOW + timedelta(days=3))
    place(db_session, status="returned", appointment=NOW - timedelta(days=20))
    place(db_session, status="rejected")
    place(db_session, status="withdrawn")
    db_session.commit()
    desk = officer(db_session, "00004")

    assert queue(db_session, desk) == [late.code, soon.code, waiting.code, later.code]
    page = staff_queue(db_session, desk, QueueFilters(), now=NOW, province_of=province_of)
    assert [r.overdue for r in page.rows] == [True, False, False, False]
    assert page.total == 4 and page.pages == 1
    assert len(queue(db_session, desk, status="all")) == 7


def test_filters(db_session: Session) -> None:
    counter = place(db_session, status="received", channel="counter", procedure="1.004194")
    online = place(db_session, status="received", channel="online", procedure="1.004222")
    overdue = place(db_session, status="processing", appointment=NOW - timedelta(hours=1))
    # A supplement request hands the dossier to the citizen: past its date, it is not overdue.
    waiting = place(db_session, status="supplement_requested", appointment=NOW - timedelta(days=1))
    returned = place(db_session, status="returned", appointment=NOW - timedelta(days=3))
    db_session.commit()
    desk = officer(db_session, "00004")

    assert queue(db_session, desk, channel="counter") == [counter.code]
    assert online.code in queue(db_session, desk, channel="online")
    assert counter.code not in queue(db_session, desk, channel="online")
    assert queue(db_session, desk, procedure="1.004194") == [counter.code]
    assert queue(db_session, desk, overdue=True) == [overdue.code]
    assert queue(db_session, desk, status="processing", overdue=True) == [overdue.code]
    assert queue(db_session, desk, status="supplement_requested") == [waiting.code]
    assert queue(db_session, desk, status="supplement_requested", overdue=True) == []
    assert queue(db_session, desk, status="returned") == [returned.code]
    assert returned.code not in queue(db_session, desk)
    assert queue_procedures(db_session, desk, province_of=province_of) == ["1.004194", "1.004222"]


def test_paging(db_session: Session) -> None:
    codes = [place(db_session, appointment=NOW + timedelta(hours=i)).code for i in range(7)]
    db_session.commit()
    desk = officer(db_session, "00004")
    first = staff_queue(db_session, desk, QueueFilters(), now=NOW, per_page=3, province_of=province_of)
    third = staff_queue(db_session, desk, QueueFilters(), now=NOW, page=3, per_page=3, province_of=province_of)
    beyond = staff_queue(db_session, desk, QueueFilters(), now=NOW, page=99, per_page=3, province_of=province_of)
    assert (first.total, first.pages, first.has_previous, first.has_next) == (7, 3, False, True)
    assert rows(first.rows) == codes[:3]
    assert rows(third.rows) == codes[6:] and not third.has_next
    assert beyond.page == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, QueueFilters()),
        ({"status": "received", "channel": "counter", "overdue": "1", "procedure": "1.004222"},
         QueueFilters(status="received", channel="counter", overdue=True, procedure="1.004222")),
        ({"status": "draft", "channel": "fax", "overdue": "no"}, QueueFilters()),
        ({"status": "all"}, QueueFilters(status="all")),
    ],
)
def test_filters_from_the_address(query: dict[str, str], expected: QueueFilters) -> None:
    parsed = QueueFilters.from_query(query)
    assert parsed == expected
    assert QueueFilters.from_query(parsed.as_query()) == parsed
