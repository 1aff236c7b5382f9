"""The audit log as supervisors read it: their area's staff only, filters, paging; nobody else may read it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.dossiers import AccessDenied, Actor
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.core.staff_audit import AuditFilters, area_actions, area_officers, staff_audit_log
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.identity import User
from tests.unit.dossiers.helpers import Staff

COMMUNES = {"01": ["00004", "00008"], "79": ["26734"]}


def communes_of(province: str) -> list[str]:
    return COMMUNES.get(province, [])


def person(db: Session, name: str, roles: tuple[str, ...], level: str | None, unit: str | None) -> Actor:
    user = User(issuer="https://test.invalid", subject=name, display_name=name, roles=list(roles),
                unit_level=level, unit_code=unit)
    db.add(user)
    db.flush()
    if not any(r in ("counter_officer", "supervisor") for r in roles):
        return Actor.citizen(user.id)
    return Actor.staff(Staff(user.id, roles, level or "", unit or ""))


def act(db: Session, actor: Actor, action: str, when: datetime, outcome: str = "ok") -> None:
    event = audit.record(db, action=action, target_type="dossier", target_id="1", actor_id=actor.audit_id,
                         actor_role=actor.role, outcome=outcome)
    event.at = when


WHEN = datetime(2026, 11, 16, 9, 0, tzinfo=VIETNAM_TZ)


@pytest.fixture
def people(db_session: Session) -> dict[str, Actor]:
    found = {
        "mai": person(db_session, "Ngô Thị Mai", ("counter_officer",), "commune", "00004"),
        "ha": person(db_session, "Lê Thu Hà", ("counter_officer",), "commune", "00008"),
        "centre": person(db_session, "Đỗ Văn Minh", ("counter_officer",), "province", "01"),
        "boss": person(db_session, "Phan Thanh Tùng", ("supervisor",), "province", "01"),
        "hai": person(db_session, "Trịnh Văn Hải", ("counter_officer",), "province", "79"),
        "an": person(db_session, "Nguyễn Văn An", ("citizen",), None, None),
        "ward_boss": person(db_session, "Vũ Thị Hoa", ("supervisor",), "commune", "00004"),
    }
    act(db_session, found["mai"], "dossier.receive", WHEN)
    act(db_session, found["mai"], "dossier.approve", WHEN + timedelta(hours=1))
    act(db_session, found["mai"], "staff.dossier.open", WHEN + timedelta(days=1), outcome="denied")
    act(db_session, found["ha"], "dossier.reject", WHEN - timedelta(days=2))
    act(db_session, found["centre"], "dossier.receive", WHEN + timedelta(minutes=5))
    act(db_session, found["hai"], "dossier.receive", WHEN)
    act(db_session, found["an"], "profile.update", WHEN)
    db_session.commit()
    return found


def names(page: object) -> list[tuple[str, str]]:
    return [(row.actor_name, row.action) for row in page.rows]  # type: ignore[attr-defined]


def test_a_province_supervisor_sees_their_provinces_staff_newest_first(db_session: Session, people: dict) -> None:
    page = staff_audit_log(db_session, people["boss"], AuditFilters(), communes_of=communes_of)
    assert names(page) == [
        ("Ngô Thị Mai", "staff.dossier.open"),
        ("Ngô Thị Mai", "dossier.approve"),
        ("Đỗ Văn Minh", "dossier.receive"),
        ("Ngô Thị Mai", "dossier.receive"),
        ("Lê Thu Hà", "dossier.reject"),
    ]
    officers = [o.name for o in area_officers(db_session, people["boss"], communes_of)]
    assert officers == sorted(["Ngô Thị Mai", "Lê Thu Hà", "Đỗ Văn Minh", "Phan Thanh Tùng", "Vũ Thị Hoa"])
    assert "Trịnh Văn Hải" not in officers and "Nguyễn Văn An" not in officers


def test_a_commune_supervisor_sees_their_commune(db_session: Session, people: dict) -> None:
    page = staff_audit_log(db_session, people["ward_boss"], AuditFilters(), communes_of=communes_of)
    assert {name for name, _ in names(page)} == {"Ngô Thị Mai"}


def test_filters_and_paging(db_session: Session, people: dict) -> None:
    boss = people["boss"]

    def log(**filters: object) -> list[tuple[str, str]]:
        return names(staff_audit_log(db_session, boss, AuditFilters(**filters), communes_of=communes_of))  # type: ignore[arg-type]

    mai = people["mai"].user_id
    assert log(officer_id=mai) == [
        ("Ngô Thị Mai", "staff.dossier.open"), ("Ngô Thị Mai", "dossier.approve"), ("Ngô Thị Mai", "dossier.receive")
    ]
    assert log(officer_id=people["hai"].user_id) == []  # not of this province: nothing, not their events
    assert log(action="dossier.receive") == [("Đỗ Văn Minh", "dossier.receive"), ("Ngô Thị Mai", "dossier.receive")]
    assert len(log(action="dossier.")) == 4
    assert log(outcome="denied") == [("Ngô Thị Mai", "staff.dossier.open")]
    assert log(day_from=date(2026, 11, 16), day_to=date(2026, 11, 16)) == [
        ("Ngô Thị Mai", "dossier.approve"), ("Đỗ Văn Minh", "dossier.receive"), ("Ngô Thị Mai", "dossier.receive")
    ]
    assert log(day_to=date(2026, 11, 14)) == [("Lê Thu Hà", "dossier.reject")]
    first = staff_audit_log(db_session, boss, AuditFilters(), page=1, per_page=2, communes_of=communes_of)
    last = staff_audit_log(db_session, boss, AuditFilters(), page=3, per_page=2, communes_of=communes_of)
    assert (first.total, first.pages, len(first.rows), len(last.rows)) == (5, 3, 2, 1)
    assert area_actions(db_session, boss, communes_of) == [
        "dossier.approve", "dossier.receive", "dossier.reject", "staff.dossier.open"
    ]


@pytest.mark.parametrize("who", ["mai", "centre", "an"])
def test_only_supervisors_may_read_it_and_refusals_are_logged(db_session: Session, people: dict, who: str) -> None:
    before = db_session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(AccessDenied):
        staff_audit_log(db_session, people[who], AuditFilters(), communes_of=communes_of)
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.audit.view")).all()
    assert [(e.outcome, e.actor_id) for e in denied] == [("denied", people[who].audit_id)]
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == before + 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, AuditFilters()),
        ({"officer": "12", "action": "dossier.", "outcome": "denied", "from": "2026-11-01", "to": "2026-11-30"},
         AuditFilters(12, "dossier.", "denied", date(2026, 11, 1), date(2026, 11, 30))),
        ({"officer": "x", "outcome": "maybe", "from": "31/12/2026"}, AuditFilters()),
    ],
)
def test_filters_from_the_address(query: dict[str, str], expected: AuditFilters) -> None:
    assert AuditFilters.from_query(query) == expected
    assert AuditFilters.from_query(expected.as_query()) == expected
