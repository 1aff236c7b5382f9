"""The desk: opening by code or receipt QR (signature checked), audited; what the workspace shows (the ID
number masked everywhere); the actions offered per status and role; acting with the status the page showed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, receipt_tokens, receipts
from citizen_app.core.dossiers import (
    AccessDenied,
    Actor,
    DossierNotFound,
    InvalidTransition,
    ResultPickup,
    ResultRequired,
    StatusMoved,
    ValidationFailed,
)
from citizen_app.core.dossiers.staff_desk import (
    DeskRequest,
    act_at_desk,
    desk_actions,
    desk_actor,
    desk_view,
    desk_view_by_id,
    mask_personal_id,
    masked_answers,
    may_attach_result,
    open_at_desk,
    token_from_scan,
)
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import complete_answers, form
from tests.unit.dossiers.helpers import NOW, PDF, Staff, make_user, officer

LATER = NOW + timedelta(hours=1)


def audit(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def events(db: Session, dossier_id: int) -> list[str]:
    return list(db.scalars(select(DossierEvent.action).where(DossierEvent.dossier_id == dossier_id)
                           .order_by(DossierEvent.id)))


def code_of(db: Session, dossier_id: int) -> str:
    return db.get(Dossier, dossier_id).code or ""


def test_token_from_what_the_camera_read() -> None:
    token = "MDA4LjAwLjIwLkgwMS0yNjExMTYtMDAwMQ.3mUO0b1uBvo9CdZnqRw1Zw"
    assert token_from_scan(f"http://127.0.0.1:3000/v/{token}") == token
    assert token_from_scan(f"https://dichvucong.example.vn/v/{token}?lang=en") == token
    assert token_from_scan(f"  {token}\n") == token
    for junk in ("", "hello", "https://evil.example/login", "008.00.20.H01-261116-0001", "x" * 600,
                 f"https://x/v/{token}/../../etc", "https://x/v/a.b"):
        assert token_from_scan(junk) is None, junk


def test_open_by_code_and_by_qr_then_a_forged_qr_is_refused_and_logged(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)  # received by Phường Ngọc Hà (00008)
    code = code_of(db_session, dossier_id)
    desk = officer(db_session, "00008")
    db_session.commit()

    assert open_at_desk(db_session, desk, code=f" {code.lower()} ").dossier_id == dossier_id
    url = receipts.verification_url(code)
    assert open_at_desk(db_session, desk, scanned=url).code == code
    db_session.commit()
    assert [e.details["method"] for e in audit(db_session, "staff.dossier.open")] == ["code", "qr"]

    token = url.rsplit("/v/", 1)[1]
    encoded_code, tag = token.split(".")
    forged = receipt_tokens._b64(code.replace("0001", "0002").encode()) + "." + tag  # another code, the old tag
    for bad in (url[:-3] + "AAA", url.replace(encoded_code, forged.split(".")[0]), "https://x/v/abc", "hello"):
        with pytest.raises(DossierNotFound) as refused:
            open_at_desk(db_session, desk, scanned=bad)
        assert refused.value.message.msgid == "This receipt is not genuine"
    denials = [e for e in audit(db_session, "staff.dossier.open") if e.outcome == "denied"]
    assert len(denials) == 4 and all(e.details["reason"] == "receipt token not genuine" for e in denials)


def test_another_units_officer_cannot_open_or_see_it(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    code = code_of(db_session, dossier_id)
    elsewhere = officer(db_session, "00004")
    hcm = Actor.staff(Staff(make_user(db_session), ("counter_officer",), "province", "79"))
    db_session.commit()
    for actor in (elsewhere, hcm):
        with pytest.raises(AccessDenied):
            open_at_desk(db_session, actor, code=code)
        with pytest.raises(AccessDenied):
            open_at_desk(db_session, actor, scanned=receipts.verification_url(code))
        with pytest.raises(AccessDenied):
            desk_view(db_session, actor, code, now=LATER)
        with pytest.raises(AccessDenied):
            desk_view_by_id(db_session, actor, dossier_id, now=LATER)
    denied = [e for e in db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied"))]
    assert len(denied) == 8
    citizen = Actor.citizen(make_user(db_session))
    with pytest.raises(AccessDenied):
        open_at_desk(db_session, citizen, code=code)


def test_the_workspace_view_is_plain_audited_and_masks_the_id_number_everywhere(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    code = code_of(db_session, dossier_id)
    desk = officer(db_session, "00008")
    view = desk_view(db_session, desk, code, now=LATER)
    db_session.commit()
    assert [(e.actor_role, e.target_id) for e in audit(db_session, "staff.dossier.view")] == [
        ("counter_officer", str(dossier_id))
    ]
    assert (view.dossier_id, view.code, view.status) == (dossier_id, code, "submitted")
    assert view.applicant.full_name == "Nguyễn Văn An"
    assert view.applicant.personal_id == "•••• •••• 2345"
    assert view.answers["personal_id"] == "•••• •••• 2345"  # the answer too: nowhere in full
    assert "001090012345" not in repr(view)
    assert [a.key for a in view.actions] == ["receive", "delay", "route", "refuse"]
    assert [f.slot_id for f in view.files] == ["proof_of_residence"] and view.files[0].has_thumbnail
    assert [e.action for e in view.events] == ["start", "submit"]
    assert not view.result_file and not view.has_result_document and view.pickup is None
    # Read again after an action: the same view, not audited as another viewing.
    again = desk_view_by_id(db_session, desk, dossier_id, now=LATER)
    assert again == view
    assert len(audit(db_session, "staff.dossier.view")) == 1


def test_personal_id_numbers_are_masked_in_groups_and_without_a_form() -> None:
    answers = {**complete_answers(), "members": [{"name": "Trần Thị B", "relation": "spouse",
                                                  "member_id": "001190054321"}]}
    shown = masked_answers(form(), answers)
    assert shown["personal_id"] == "•••• •••• 2345"
    assert shown["members"] == [{"name": "Trần Thị B", "relation": "spouse", "member_id": "•••• •••• 4321"}]
    assert shown["phone"] == "0912345678"  # only ID numbers
    # A procedure no longer in the catalogue: answers named like an ID number are masked all the same.
    assert masked_answers(None, {"father_personal_id": "001090099999", "x": "1"}) == {
        "father_personal_id": "•••• •••• 9999", "x": "1"
    }
    assert mask_personal_id("") == "" and mask_personal_id("12") == "••••"


@pytest.mark.parametrize(
    ("status", "expected", "result_file"),
    [
        ("submitted", ["receive", "delay", "route", "refuse"], False),
        ("received", ["start_processing", "request_supplement", "delay", "route", "reject"], False),
        ("processing", ["approve", "request_supplement", "delay", "reject"], False),
        ("supplement_requested", ["delay", "reject"], False),
        ("approved", ["result_ready", "delay"], True),
        ("result_ready", ["return"], True),
        ("returned", [], False),
        ("rejected", [], False),
        ("withdrawn", [], False),
    ],
)
def test_actions_follow_the_declarations(
    db_session: Session, status: str, expected: list[str], result_file: bool
) -> None:
    dossier_id, citizen = helpers.submitted(db_session)
    dossier = db_session.get(Dossier, dossier_id)
    dossier.status = status
    db_session.flush()
    for role in ("counter_officer", "supervisor"):
        desk = officer(db_session, "00008", role)
        assert [a.key for a in desk_actions(dossier, desk)] == expected
        assert may_attach_result(dossier, desk) == result_file
    # Without the procedure's form there is nothing to name in a supplement request.
    assert "request_supplement" not in [a.key for a in desk_actions(dossier, desk, has_form=False)]
    # Another commune's officer, and the applicant, get nothing from the desk.
    assert desk_actions(dossier, officer(db_session, "00004")) == ()
    assert desk_actions(dossier, citizen) == ()
    assert not may_attach_result(dossier, citizen)


def test_the_desk_acts_as_counter_officer_when_it_can() -> None:
    both = Staff(7, ("counter_officer", "supervisor"), "province", "01")
    assert desk_actor(both).role == "counter_officer"
    assert desk_actor(Staff(8, ("supervisor",), "province", "01")).role == "supervisor"
    with pytest.raises(AccessDenied):
        desk_actor(Staff(9, ("citizen",), "province", "01"))


# ---- acting ----


def test_a_double_tap_is_one_action_and_a_stale_page_is_refused(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    desk = officer(db_session, "00008")
    colleague = officer(db_session, "00008")
    db_session.commit()
    first = act_at_desk(db_session, desk, dossier_id, DeskRequest("receive", "submitted"), now=LATER)
    db_session.commit()
    assert first.action.key == "receive" and not first.repeated
    # The same tap again (its event resent, or the button still on screen): the outcome of the first.
    again = act_at_desk(db_session, desk, dossier_id, DeskRequest("receive", "submitted"), now=LATER)
    assert again.repeated and again.action.done == first.action.done
    # A tap meant for "receive" landing on "start processing" carries "submitted": refused.
    with pytest.raises(StatusMoved):
        act_at_desk(db_session, desk, dossier_id, DeskRequest("start_processing", "submitted"), now=LATER)
    # Another officer whose page still showed "submitted" is told it has moved on.
    with pytest.raises(StatusMoved):
        act_at_desk(db_session, colleague, dossier_id, DeskRequest("receive", "submitted"), now=LATER)
    # So is the same officer, much later (not a double tap).
    with pytest.raises(StatusMoved):
        act_at_desk(db_session, desk, dossier_id, DeskRequest("receive", "submitted"), now=LATER + timedelta(hours=1))
    db_session.rollback()
    assert events(db_session, dossier_id) == ["start", "submit", "receive"]
    assert db_session.get(Dossier, dossier_id).status == "received"


def test_a_delay_sent_twice_moves_the_appointment_once(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    desk = officer(db_session, "00008")
    db_session.commit()
    day = db_session.get(Dossier, dossier_id).appointment_at.astimezone(VIETNAM_TZ).date() + timedelta(days=5)
    request = DeskRequest("delay", "submitted", note=" Xin lỗi vì cần xác minh thêm ", new_day=day)
    assert not act_at_desk(db_session, desk, dossier_id, request, now=LATER).repeated
    db_session.commit()
    assert act_at_desk(db_session, desk, dossier_id, request, now=LATER + timedelta(seconds=1)).repeated
    db_session.commit()
    assert events(db_session, dossier_id).count("delay") == 1
    # Another apology is another delay (refused here: the date is not later than the one just set).
    with pytest.raises(InvalidTransition):
        act_at_desk(db_session, desk, dossier_id, DeskRequest("delay", "submitted", note="Xin lỗi lần nữa",
                                                              new_day=day), now=LATER)


def test_acting_through_the_desk_walks_a_dossier_to_its_result(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    desk = officer(db_session, "00008")
    db_session.commit()

    def act(request: DeskRequest) -> str:
        done = act_at_desk(db_session, desk, dossier_id, request, now=LATER).action.done
        db_session.commit()
        return done

    assert act(DeskRequest("receive", "submitted")).startswith("Received.")
    act(DeskRequest("request_supplement", "received", note="Bổ sung lý do", fields=("reason",)))
    assert db_session.get(Dossier, dossier_id).supplement_request["fields"] == ["reason"]
    db_session.get(Dossier, dossier_id).status = "processing"  # answered (tests/unit/dossiers covers it)
    db_session.commit()
    with pytest.raises(ValidationFailed) as no_day:
        act(DeskRequest("delay", "processing", note="Xin lỗi"))
    assert no_day.value.errors["new_date"].msgid == "Enter the new appointment date."
    db_session.rollback()
    original = db_session.get(Dossier, dossier_id).appointment_at
    act(DeskRequest("delay", "processing", note="Xin lỗi vì cần xác minh thêm",
                    new_day=original.astimezone(VIETNAM_TZ).date() + timedelta(days=3)))
    moved = db_session.get(Dossier, dossier_id).appointment_at
    assert moved.astimezone(VIETNAM_TZ).time() == original.astimezone(VIETNAM_TZ).time()
    act(DeskRequest("approve", "processing"))
    with pytest.raises(ResultRequired):
        act(DeskRequest("result_ready", "approved"))  # nothing for the applicant yet
    db_session.rollback()
    attachments.add_attachment(db_session, dossier_id, desk, slot_id="result", filename="kq.pdf", data=PDF, now=LATER)
    db_session.commit()
    act(DeskRequest("result_ready", "approved", pickup=ResultPickup("Bộ phận một cửa", "Thứ Hai–Thứ Sáu")))
    act(DeskRequest("return", "result_ready"))
    assert events(db_session, dossier_id) == [
        "start", "submit", "receive", "request_supplement", "delay", "approve", "result_ready", "return"
    ]
    view = desk_view_by_id(db_session, desk, dossier_id, now=LATER)
    assert view.status == "returned" and view.actions == () and view.has_result_document
    assert view.pickup == ResultPickup("Bộ phận một cửa", "Thứ Hai–Thứ Sáu")
    assert view.delayed_from == original and view.appointment_at == moved
