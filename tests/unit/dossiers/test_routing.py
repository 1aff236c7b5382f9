"""Reception without administrative boundaries within a province (issue 12, item 5).

A counter of any commune receives in person for any unit of its province: the code names the
receiving unit, the dossier goes to the competent unit (its queue, its actions), the receiving
unit no longer handles it, and each hand-over is in the history for staff and, in plain words,
for the citizen. Another province is refused, in both languages. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers, receipts
from citizen_app.core.agencies import commune_committee, province_centre
from citizen_app.core.dossiers import Actor, routing
from citizen_app.core.dossiers.citizen_view import citizen_view
from citizen_app.core.dossiers.errors import AccessDenied, StatusMoved, ValidationFailed
from citizen_app.core.dossiers.staff_desk import DeskRequest, act_at_desk, desk_actions, desk_view
from citizen_app.core.dossiers.staff_queue import QueueFilters, staff_queue
from citizen_app.core.i18n import get_translator
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from citizen_app.ui.staff_view import desk_page
from citizen_app.ui.tracking_view import timeline_rows
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import communes, complete_answers, profile
from tests.unit.dossiers.helpers import NAMES, NOW, make_user, officer, province_officer, terms

BA_DINH = commune_committee("01", "00004")
NGOC_HA = commune_committee("01", "00008")
HA_NOI_CENTRE = province_centre("01")
SAI_GON = commune_committee("79", "26734")
HA_NOI_COMMUNES = [("00004", "Phường Ba Đình"), ("00008", "Phường Ngọc Hà")]


def province_of(code: str) -> str | None:
    return {"00004": "01", "00008": "01", "26734": "79"}.get(code)


def at_the_counter(db: Session, desk: Actor, level: str = "commune", **submit_options: object) -> Dossier:
    """A citizen's application typed in at ``desk`` and submitted there (received at once)."""
    procedure = terms(level=level)
    applicant = make_user(db)
    view = dossiers.start_draft(db, desk, procedure, profile(), now=NOW, applicant_id=applicant)
    dossiers.save_draft(db, view.dossier_id, desk, complete_answers(), 1, now=NOW)
    attachments.add_attachment(
        db, view.dossier_id, desk, slot_id="proof_of_residence", filename="scan.pdf", data=helpers.PDF,
        slot_max_files=2, now=NOW,
    )
    result = dossiers.submit(
        db, view.dossier_id, desk, submission_key=str(uuid.uuid4()), terms=procedure, profile=profile(), now=NOW,
        communes=communes, names=NAMES, **submit_options,  # type: ignore[arg-type]
    )
    db.commit()
    return result.dossier


def queue_codes(db: Session, actor: Actor) -> set[str]:
    page = staff_queue(db, actor, QueueFilters(status="all"), now=NOW, province_of=province_of)
    return {row.code for row in page.rows}


def events_of(db: Session, dossier_id: int) -> list[DossierEvent]:
    return list(db.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier_id).order_by(DossierEvent.id)))


def test_a_commune_counter_hands_a_commune_dossier_to_the_competent_commune(db_session: Session) -> None:
    ba_dinh, ngoc_ha = officer(db_session, "00004"), officer(db_session, "00008")
    dossier = at_the_counter(db_session, ba_dinh)
    code = dossier.code or ""
    assert code.startswith(BA_DINH.code + "-") and dossier.status == "received"
    assert code in queue_codes(db_session, ba_dinh)
    # The desk offers the hand-over, to the other units of the province only.
    assert "route" in [a.key for a in desk_actions(dossier, ba_dinh)]
    targets = routing.route_targets(dossier, names=NAMES, communes_of=lambda _p: HA_NOI_COMMUNES)
    assert [t.code for t in targets] == [NGOC_HA.code]

    later = NOW + timedelta(minutes=20)
    outcome = act_at_desk(
        db_session, ba_dinh, dossier.id,
        DeskRequest("route", "received", note="Thuộc thẩm quyền Ngọc Hà", to_unit=NGOC_HA.code), now=later,
    )
    db_session.commit()
    assert outcome.action.key == "route"
    db_session.refresh(dossier)
    # The code still names Ba Đình, which received it; Ngọc Hà handles it, with the same status and due date.
    assert dossier.code == code and dossier.agency_code == NGOC_HA.code and dossier.commune_code == "00008"
    assert dossier.status == "received" and dossier.appointment_at is not None
    assert code in queue_codes(db_session, ngoc_ha) and code not in queue_codes(db_session, ba_dinh)
    # Ba Đình no longer handles it: it cannot open it or act on it; Ngọc Hà can.
    with pytest.raises(AccessDenied):
        desk_view(db_session, ba_dinh, code, now=later)
    with pytest.raises(AccessDenied):
        dossiers.fire(db_session, dossier.id, "processing", ba_dinh, now=later, expected="received")
    dossiers.fire(db_session, dossier.id, "processing", ngoc_ha, now=later, expected="received")
    db_session.commit()

    handed = [e for e in events_of(db_session, dossier.id) if e.action == "route"]
    assert len(handed) == 1
    event = handed[0]
    assert event.actor_id == ba_dinh.user_id and event.actor_role == "counter_officer"
    assert event.at == later and event.note == "Thuộc thẩm quyền Ngọc Hà"
    assert event.details["from_agency"] == BA_DINH.code and event.details["to_agency"] == NGOC_HA.code
    assert event.details["to_unit"]["vi"] == "Ủy ban nhân dân Phường Ngọc Hà"

    # Staff read who handed it over, from where to where; the header says who handles it now.
    view = desk_view(db_session, ngoc_ha, code, now=later)
    page = desk_page(view, get_translator("vi"))
    assert page.receiving_unit == "Ủy ban nhân dân Phường Ba Đình"
    assert page.handled_by == "Ủy ban nhân dân Phường Ngọc Hà"
    line = next(e for e in page.events if "Ngọc Hà" in e.what)
    assert "Phường Ba Đình" in line.what and line.who.startswith("Test")
    # The citizen reads it in plain words.
    applicant = Actor.citizen(dossier.applicant_id)
    mine = citizen_view(db_session, code, applicant, later)
    rows = timeline_rows(mine.timeline, get_translator("en"))
    passed = next(r for r in rows if r.title == "Passed to the unit that handles it")
    assert "People's Committee of Phường Ba Đình received your application" in passed.extra
    assert "People's Committee of Phường Ngọc Hà" in passed.extra


def test_a_commune_counter_receives_a_province_procedure_for_the_province_centre(db_session: Session) -> None:
    ba_dinh, centre = officer(db_session, "00004"), province_officer(db_session, "01")
    dossier = at_the_counter(db_session, ba_dinh, level="province")
    code = dossier.code or ""
    assert code.startswith(BA_DINH.code + "-"), "the code names the unit that received it"
    assert dossier.agency_code == HA_NOI_CENTRE.code and dossier.status == "received"
    assert dossier.receiving_unit == {"vi": "Ủy ban nhân dân Phường Ba Đình", "en": "People's Committee of Phường Ba Đình"}
    assert [e.action for e in events_of(db_session, dossier.id)][-3:] == ["submit", "receive", "route"]
    assert code in queue_codes(db_session, centre) and code not in queue_codes(db_session, ba_dinh)
    # The officer who took it in still prints the slip; nobody else at Ba Đình reads it.
    slip = receipts.receipt_for(db_session, dossier.id, ba_dinh)
    assert slip.code == code
    with pytest.raises(AccessDenied):
        receipts.receipt_for(db_session, dossier.id, officer(db_session, "00004"))
    assert routing.competent_unit(dossier, NAMES) == {
        "vi": "Trung tâm Phục vụ hành chính công Thành phố Hà Nội",
        "en": "Public Administration Service Centre, Thành phố Hà Nội",
    }


def test_a_counter_handling_its_own_procedure_keeps_it(db_session: Session) -> None:
    ba_dinh = officer(db_session, "00004")
    dossier = at_the_counter(db_session, ba_dinh)
    assert dossier.agency_code == BA_DINH.code
    assert "route" not in [e.action for e in events_of(db_session, dossier.id)]
    assert routing.competent_unit(dossier, NAMES) is None


def test_another_province_is_refused_with_a_message_in_both_languages(db_session: Session) -> None:
    ba_dinh = officer(db_session, "00004")
    dossier = at_the_counter(db_session, ba_dinh)
    with pytest.raises(routing.RoutingRefused) as refused:
        routing.route(db_session, dossier.id, ba_dinh, SAI_GON.code, now=NOW, expected="received", names=NAMES)
    db_session.rollback()
    assert refused.value.message.msgid == routing.MSG_OTHER_PROVINCE
    vi = get_translator("vi").render(refused.value.message)
    en = get_translator("en").render(refused.value.message)
    assert "cùng tỉnh" in vi and "same province" in en
    db_session.refresh(dossier)
    assert dossier.agency_code == BA_DINH.code
    assert "route" not in [e.action for e in events_of(db_session, dossier.id)]

    # A province centre taking in a commune procedure for someone of another province is refused too.
    centre = province_officer(db_session, "01")
    with pytest.raises(ValidationFailed) as failed:
        at_the_counter(db_session, centre, receiving_commune=("79", "26734"))
    assert failed.value.errors["receiving_commune"].msgid == routing.MSG_OTHER_PROVINCE
    db_session.rollback()


def test_what_cannot_be_routed(db_session: Session) -> None:
    ba_dinh, ngoc_ha = officer(db_session, "00004"), officer(db_session, "00008")
    dossier = at_the_counter(db_session, ba_dinh)
    cases = [
        (HA_NOI_CENTRE.code, routing.MSG_NOT_COMPETENT),  # a commune procedure is not the centre's
        (BA_DINH.code, routing.MSG_ALREADY_THERE),
        ("not a unit", routing.MSG_CHOOSE_UNIT),
    ]
    for target, message in cases:
        with pytest.raises(routing.RoutingRefused) as refused:
            routing.route(db_session, dossier.id, ba_dinh, target, now=NOW, expected="received", names=NAMES)
        assert refused.value.message.msgid == message, target
        db_session.rollback()
    # Only the unit holding it may send it on.
    with pytest.raises(AccessDenied):
        routing.route(db_session, dossier.id, ngoc_ha, NGOC_HA.code, now=NOW, expected="received", names=NAMES)
    db_session.rollback()
    # A stale page is refused; once processing has started it stays where it is.
    with pytest.raises(StatusMoved):
        routing.route(db_session, dossier.id, ba_dinh, NGOC_HA.code, now=NOW, expected="submitted", names=NAMES)
    db_session.rollback()
    dossiers.fire(db_session, dossier.id, "processing", ba_dinh, now=NOW, expected="received")
    db_session.commit()
    assert "route" not in [a.key for a in desk_actions(dossier, ba_dinh)]
    with pytest.raises(routing.RoutingRefused) as refused:
        routing.route(db_session, dossier.id, ba_dinh, NGOC_HA.code, now=NOW, expected="processing", names=NAMES)
    assert refused.value.message.msgid == routing.MSG_NOT_ROUTABLE
    db_session.rollback()


def test_a_province_procedure_can_only_go_to_its_centre() -> None:
    routing.check_target("province", BA_DINH, HA_NOI_CENTRE)
    with pytest.raises(routing.RoutingRefused):
        routing.check_target("province", BA_DINH, NGOC_HA)
    with pytest.raises(routing.RoutingRefused):
        routing.check_target("province", BA_DINH, province_centre("79"))
    assert routing.receivable_levels(BA_DINH) == {"commune", "province"}
    assert routing.receivable_levels(HA_NOI_CENTRE) == {"commune", "province"}
    from citizen_app.core.agencies import commune_police

    assert routing.receivable_levels(commune_police("01", "00004")) == frozenset()
