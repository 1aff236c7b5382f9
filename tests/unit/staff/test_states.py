"""The staff pages' states against a real database: every loader and handler goes through the guard and
the core; refusals (wrong person, wrong unit, wrong role, wrong step) are shown and audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlalchemy import Engine, select

from citizen_app.core import receipts
from citizen_app.core.identity.sessions import create_session
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from citizen_app.idp.accounts import ACCOUNTS
from citizen_app.states.staff import StaffState
from citizen_app.states.staff_assist import StaffAssistState
from citizen_app.states.staff_audit import StaffAuditState
from citizen_app.states.staff_dashboard import StaffDashboardState
from citizen_app.states.staff_desk import StaffDossierState, StaffOpenState
from citizen_app.states.staff_queue import StaffQueueState
from tests.unit.staff.helpers import place

SCOPES = {"openid", "profile", "vneid_identity", "phone", "email", "address"}
S = TypeVar("S", bound=StaffState)


def sign_in(username: str) -> tuple[int, str]:
    account = next(a for a in ACCOUNTS if a.username == username)
    now = utcnow()
    with unit_of_work() as db:
        user = upsert_user(db, "https://sandbox.example/idp", identity_from_claims(account.claims_for(SCOPES)), now)
        raw, _ = create_session(db, user, now)
        return user.id, raw


def state(kind: type[S], raw: str | None, path: str) -> S:
    root = rx.State()
    cookie = f"citizen_session={raw}" if raw else ""
    root.router = RouterData.from_router_data({"headers": {"cookie": cookie}, "pathname": path, "asPath": path})
    return root.get_substate(kind.get_full_name().split("."))


def denials(action: str | None = None) -> list[AuditEvent]:
    with unit_of_work() as db:
        query = select(AuditEvent).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(db.scalars(query))


def dossier(**values: Any) -> tuple[int, str]:
    with unit_of_work() as db:
        made = place(db, received=utcnow() - timedelta(hours=2), **values)
        return made.id, made.code or ""


def status_of(dossier_id: int) -> str:
    with unit_of_work() as db:
        return db.get(Dossier, dossier_id).status


# ---- queue --------------------------------------------------------------------------------------


def test_the_queue_shows_only_the_officers_commune(engine: Engine) -> None:
    _, mine = dossier(commune="00004")
    _, theirs = dossier(commune="00008")
    _, raw = sign_in("mai.ngo")
    queue = state(StaffQueueState, raw, "/vi/staff/queue?status=all")
    StaffQueueState.load.fn(queue)
    assert queue.access == "allowed" and queue.status == "all"
    codes = [item.code for item in queue.items]
    assert mine in codes and theirs not in codes
    assert queue.items[0].href == f"/vi/staff/dossiers/{queue.items[0].code}"
    StaffQueueState.change_filter.fn(queue, "channel", "counter")
    assert queue.items == [] and queue.channel == "counter"


def test_a_citizen_gets_no_queue_and_the_refusal_is_audited(engine: Engine) -> None:
    dossier(commune="00004")
    _, raw = sign_in("an.nguyen")
    queue = state(StaffQueueState, raw, "/vi/staff/queue")
    StaffQueueState.load.fn(queue)
    assert queue.access == "denied" and queue.items == []
    assert [(e.action, e.actor_role) for e in denials()] == [("staff.queue.view", "citizen")]


def test_nobody_signed_in_is_sent_to_sign_in(engine: Engine) -> None:
    queue = state(StaffQueueState, None, "/vi/staff/queue")
    assert StaffQueueState.load.fn(queue) is not None
    assert queue.access == "signed_out" and denials() == []


# ---- opening ------------------------------------------------------------------------------------


def test_open_by_code_by_qr_and_a_forged_qr(engine: Engine) -> None:
    _, code = dossier(commune="00004")
    _, raw = sign_in("mai.ngo")
    desk = state(StaffOpenState, raw, "/vi/staff/open")
    StaffOpenState.load.fn(desk)
    assert StaffOpenState.open_code.fn(desk, {"code": code.lower()}) is not None  # a redirect
    assert desk.open_problem == ""
    url = receipts.verification_url(code)
    assert StaffOpenState.scanned.fn(desk, url) is not None
    assert StaffOpenState.scanned.fn(desk, url[:-2] + "zz") is None
    assert desk.open_problem.startswith("Mã QR này không phải")
    assert [e.details["reason"] for e in denials("staff.dossier.open")] == ["receipt token not genuine"]
    StaffOpenState.open_code.fn(desk, {"code": "004.00.20.H01-200101-9999"})
    assert desk.open_problem.startswith("Không có hồ sơ nào")
    StaffOpenState.scan_problem.fn(desk, "camera_denied")
    assert "camera" in desk.open_problem


def test_another_units_officer_is_refused_by_code_and_by_address(engine: Engine) -> None:
    _, code = dossier(commune="00004")
    _, raw = sign_in("hai.trinh")
    desk = state(StaffOpenState, raw, "/vi/staff/open")
    assert StaffOpenState.open_code.fn(desk, {"code": code}) is None
    assert desk.open_problem == "Hồ sơ này do đơn vị khác tiếp nhận. Bạn không thể mở."
    page = state(StaffDossierState, raw, f"/vi/staff/dossiers/{code}")
    StaffDossierState.load.fn(page)
    assert page.dossier_status == "other_unit" and page.desk.applicant_name == "" and page.desk.answers == []
    # The core refuses both and logs each (its own action name for opening a dossier).
    assert [(e.action, e.actor_role) for e in denials()] == [("dossier.open", "counter_officer")] * 2


# ---- the workspace ------------------------------------------------------------------------------


def run(events: Any) -> list[Any]:
    """An event handler that yields (busy first, then the work): run it to the end, as Reflex does."""
    return [] if events is None else list(events)


def test_the_workspace_and_its_actions(engine: Engine) -> None:
    dossier_id, code = dossier(commune="00004", status="submitted")
    _, raw = sign_in("mai.ngo")
    page = state(StaffDossierState, raw, f"/vi/staff/dossiers/{code}")
    StaffDossierState.load.fn(page)
    desk = page.desk
    assert page.dossier_status == "ready" and desk.code == code and desk.status == "submitted"
    assert desk.actions == ["receive", "delay", "route", "refuse"] and desk.status_class == "tag"
    assert desk.applicant_pid == "•••• •••• 2345" and not desk.result_file

    # Receive; the same tap again changes nothing more; a tap meant for it cannot start processing.
    run(StaffDossierState.act.fn(page, "receive", "submitted"))
    assert page.notice.startswith("Đã tiếp nhận") and status_of(dossier_id) == "received"
    assert page.desk.status == "received" and page.form_key == 1 and not page.busy
    run(StaffDossierState.act.fn(page, "receive", "submitted"))
    assert page.problem == "" and status_of(dossier_id) == "received"
    run(StaffDossierState.act.fn(page, "start_processing", "submitted"))
    assert page.problem.startswith("Hồ sơ đã thay đổi") and status_of(dossier_id) == "received"
    run(StaffDossierState.act.fn(page, "start_processing", "received"))
    assert status_of(dossier_id) == "processing"
    # Approving needs a "yes": the first tap only asks; a confirmation-less "act" is ignored.
    run(StaffDossierState.act.fn(page, "approve", "processing"))
    assert status_of(dossier_id) == "processing"
    StaffDossierState.ask.fn(page, {"action": "approve", "expected": "processing"})
    assert page.confirming == "approve" and status_of(dossier_id) == "processing"
    StaffDossierState.cancel.fn(page)
    assert page.confirming == "" and status_of(dossier_id) == "processing"
    # A rejection's reason is checked before the question.
    StaffDossierState.ask.fn(page, {"action": "reject", "expected": "processing", "note": "   "})
    assert page.reason_error and page.confirming == ""
    # A delay: its date, then its apology.
    run(StaffDossierState.delay.fn(page, {"new_date": "", "apology": "x", "expected": "processing"}))
    assert page.delay_error == "Nhập ngày hẹn trả mới."
    later = (utcnow() + timedelta(days=30)).date().isoformat()
    run(StaffDossierState.delay.fn(page, {"new_date": later, "apology": "", "expected": "processing"}))
    assert page.delay_error
    run(StaffDossierState.delay.fn(page, {"new_date": later, "apology": "Xin lỗi ông/bà vì trễ hẹn.",
                                          "expected": "processing"}))
    assert page.delay_error == "" and page.desk.delayed_from != ""
    StaffDossierState.ask.fn(page, {"action": "approve", "expected": "processing"})
    run(StaffDossierState.confirm.fn(page, {}))
    assert status_of(dossier_id) == "approved" and page.desk.result_file and page.confirming == ""
    # Result ready with nothing for the applicant is refused in the question itself, which stays open.
    StaffDossierState.ask.fn(page, {"action": "result_ready", "expected": "approved"})
    run(StaffDossierState.confirm.fn(page, {"pickup_place": "", "pickup_hours": ""}))
    assert page.confirm_error.startswith("Hãy đính kèm văn bản kết quả") and page.confirming == "result_ready"
    assert status_of(dossier_id) == "approved"
    run(StaffDossierState.confirm.fn(page, {"pickup_place": "Bộ phận một cửa phường Ba Đình",
                                            "pickup_hours": "Thứ Hai đến Thứ Sáu, 8:00–17:00"}))
    assert status_of(dossier_id) == "result_ready" and page.desk.pickup_place == "Bộ phận một cửa phường Ba Đình"
    run(StaffDossierState.act.fn(page, "return", "result_ready"))
    assert status_of(dossier_id) == "returned" and page.desk.actions == [] and not page.desk.result_file
    with unit_of_work() as db:
        actions = list(db.scalars(select(DossierEvent.action).where(DossierEvent.dossier_id == dossier_id)))
        roles = set(db.scalars(select(DossierEvent.actor_role).where(DossierEvent.dossier_id == dossier_id)))
    assert actions == ["receive", "start_processing", "delay", "approve", "result_ready", "return"]
    assert roles == {"counter_officer"}
    assert page.desk.events[0].what == "Đã trả kết quả" and "Bộ phận một cửa" in page.desk.events[1].note


def test_a_refusal_at_reception_is_confirmed_with_its_reason(engine: Engine) -> None:
    dossier_id, code = dossier(commune="00004", status="submitted")
    _, raw = sign_in("mai.ngo")
    page = state(StaffDossierState, raw, f"/vi/staff/dossiers/{code}")
    StaffDossierState.load.fn(page)
    StaffDossierState.ask.fn(page, {"action": "refuse", "expected": "submitted", "note": " Sai thẩm quyền "})
    assert page.confirming == "refuse" and page.pending_note == "Sai thẩm quyền"
    assert status_of(dossier_id) == "submitted"
    run(StaffDossierState.confirm.fn(page, {}))
    assert status_of(dossier_id) == "rejected" and page.desk.rejection_reason == "Sai thẩm quyền"
    assert page.notice.startswith("Đã từ chối") and page.pending_note == ""


def test_a_handler_after_the_session_ended_does_nothing(engine: Engine) -> None:
    dossier_id, code = dossier(commune="00004", status="submitted")
    _, raw = sign_in("mai.ngo")
    page = state(StaffDossierState, raw, f"/vi/staff/dossiers/{code}")
    StaffDossierState.load.fn(page)
    page.router = RouterData.from_router_data({"headers": {"cookie": ""}, "pathname": page.router.url.path,
                                               "asPath": page.router.url.path})
    assert any(step is not None for step in run(StaffDossierState.act.fn(page, "receive", "submitted")))  # sign in
    assert status_of(dossier_id) == "submitted" and not page.busy


def test_a_citizen_cannot_drive_the_workspace(engine: Engine) -> None:
    dossier_id, code = dossier(commune="00004", status="submitted")
    _, raw = sign_in("an.nguyen")
    page = state(StaffDossierState, raw, f"/vi/staff/dossiers/{code}")
    StaffDossierState.load.fn(page)
    assert page.access == "denied" and page.desk.code == ""
    page._dossier_id = dossier_id  # as if a stale page of someone else sent the event
    run(StaffDossierState.act.fn(page, "receive", "submitted"))
    assert status_of(dossier_id) == "submitted"
    assert {e.action for e in denials()} == {"staff.dossier.view", "staff.dossier.receive"}


# ---- supervisors --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [StaffDashboardState, StaffAuditState])
def test_supervisor_pages_refuse_counter_officers_in_words_and_log_it(engine: Engine, kind: type[StaffState]) -> None:
    _, raw = sign_in("mai.ngo")
    page = state(kind, raw, f"/vi/staff/{'dashboard' if kind is StaffDashboardState else 'audit'}")
    kind.load.fn(page)  # type: ignore[attr-defined]
    assert page.access == "denied" and page.denied_message == "Trang này chỉ dành cho lãnh đạo giám sát."
    assert not page.loaded  # type: ignore[attr-defined]
    assert [e.details["required"] for e in denials()] == ["supervisor"]


def test_the_supervisor_dashboard_and_audit_log(engine: Engine) -> None:
    _, code = dossier(commune="00004", channel="online")
    dossier(commune="00008", channel="counter")
    dossier(commune="26734", province="79")
    _, officer = sign_in("mai.ngo")
    open_page = state(StaffOpenState, officer, "/vi/staff/open")
    StaffOpenState.open_code.fn(open_page, {"code": code})
    _, raw = sign_in("tung.phan")
    board = state(StaffDashboardState, raw, "/vi/staff/dashboard?days=30&by=month")
    StaffDashboardState.load.fn(board)
    assert board.loaded and board.tiles.area == "Thành phố Hà Nội" and board.granularity == "month"
    assert board.tiles.received == "2" and board.tiles.online_share == "50%" and board.period == "30"
    assert {row.key for row in board.by_commune} == {"00004", "00008"}
    StaffDashboardState.change_granularity.fn(board, "week")
    assert board.granularity == "week" and len(board.over_time) >= 5

    log = state(StaffAuditState, raw, "/vi/staff/audit")
    StaffAuditState.load.fn(log)
    assert log.loaded and [(e.who, e.action) for e in log.entries] == [("Ngô Thị Mai", "Mở hồ sơ (mã hoặc QR)")]
    StaffAuditState.change_filter.fn(log, "outcome", "denied")
    assert log.entries == [] and log.outcome == "denied"


# ---- assisted submission ------------------------------------------------------------------------


def test_assisted_submission_finds_the_citizen_and_starts_their_draft(engine: Engine) -> None:
    citizen_id, _ = sign_in("lan.bui")
    officer_id, raw = sign_in("mai.ngo")
    page = state(StaffAssistState, raw, "/vi/staff/assist")
    StaffAssistState.load.fn(page)
    assert page.procedures and all("(" in choice.label for choice in page.procedures)
    StaffAssistState.find.fn(page, {"personal_id": "0341 5500 0926"})
    assert page.found and page.citizen_name == "Bùi Thị Lan"
    # Reception without boundaries (issue 12): a commune desk takes province procedures in too (then hands
    # them to the province centre); a procedure that cannot be applied for is still refused.
    assert "3.000333" in {choice.value for choice in page.procedures}
    assert StaffAssistState.start.fn(page, {"procedure": "9.999999"}) is None
    assert page.start_error
    assert StaffAssistState.start.fn(page, {"procedure": "1.004194"}) is not None
    with unit_of_work() as db:
        draft = db.scalar(select(Dossier).where(Dossier.applicant_id == citizen_id))
        assert (draft.status, draft.registrar_id, draft.channel) == ("draft", officer_id, "counter")
        assert draft.answers["full_name"] == "Bùi Thị Lan"  # the citizen's profile, not the officer's
        found = db.scalars(select(AuditEvent).where(AuditEvent.action == "staff.assist.find")).one()
        assert found.details == {"pid_last4": "0926", "found": True}

    _, citizen_raw = sign_in("an.nguyen")
    refused = state(StaffAssistState, citizen_raw, "/vi/staff/assist")
    StaffAssistState.load.fn(refused)
    assert refused.access == "denied"


def test_the_desk_hands_an_application_to_the_competent_unit(engine: Engine) -> None:
    """Reception without boundaries (issue 12): Ba Đình sends a dossier to Ngọc Hà and no longer holds it."""
    dossier_id, code = dossier(commune="00004", status="received")
    _, raw = sign_in("mai.ngo")
    page = state(StaffDossierState, raw, f"/vi/staff/dossiers/{code}")
    StaffDossierState.load.fn(page)
    choices = {choice.value: choice.label for choice in page.desk.route_choices}
    assert choices.get("008.00.20.H01") == "Ủy ban nhân dân Phường Ngọc Hà" and "004.00.20.H01" not in choices
    # Another province: refused next to the form, nothing moves.
    run(StaffDossierState.route.fn(page, {"to_unit": "734.26.20.H79", "expected": "received", "note": ""}))
    assert page.route_error.startswith("Đơn vị có thẩm quyền phải ở cùng tỉnh") and page.dossier_status == "ready"
    run(StaffDossierState.route.fn(page, {"to_unit": "008.00.20.H01", "expected": "received", "note": "Sai nơi"}))
    assert page.dossier_status == "handed_over" and page.notice.startswith("Đã chuyển đến đơn vị có thẩm quyền")
    assert page.desk.code == "" and page.route_error == ""
    with unit_of_work() as db:
        moved = db.get(Dossier, dossier_id)
        assert (moved.agency_code, moved.code, moved.status) == ("008.00.20.H01", code, "received")
    # No refusal was written for the desk that let it go (it is not read again), and a resent tap does nothing.
    assert denials("staff.dossier.view") == []
    run(StaffDossierState.route.fn(page, {"to_unit": "008.00.20.H01", "expected": "received", "note": "Sai nơi"}))
    assert page.problem == "" and page.dossier_status == "handed_over"


def test_a_fee_paid_at_the_counter_is_recorded_once(engine: Engine) -> None:
    dossier_id, code = dossier(commune="00004", status="awaiting_payment")
    with unit_of_work() as db:
        db.get(Dossier, dossier_id).fee_due_vnd = 8_000
    _, raw = sign_in("mai.ngo")
    page = state(StaffDossierState, raw, f"/vi/staff/dossiers/{code}")
    StaffDossierState.load.fn(page)
    assert page.desk.counter_payment and page.desk.fee_due_vnd == 8_000
    assert [c.value for c in page.desk.counter_methods] == ["cash", "card_terminal"]

    # A malformed number is said next to the field; nothing is recorded, the form stays.
    run(StaffDossierState.record_payment.fn(page, {"method": "cash", "counter_receipt": "abc", "amount": "8000"}))
    assert page.payment_error.startswith("Số biên lai gồm chữ và số") and page.problem == ""
    assert status_of(dossier_id) == "awaiting_payment" and page.desk.counter_payment and not page.busy

    run(StaffDossierState.record_payment.fn(page, {"method": "cash", "counter_receipt": "0001234", "amount": "8000"}))
    assert page.notice.startswith("Đã ghi nhận khoản nộp") and page.payment_error == ""
    assert status_of(dossier_id) == "submitted" and not page.desk.counter_payment

    # A second tab that still shows the form: told at the top that the fee is paid; nothing credited twice.
    again = state(StaffDossierState, raw, f"/vi/staff/dossiers/{code}")
    StaffDossierState.load.fn(again)
    again.desk.counter_payment = True  # as it was drawn before the first tab recorded the payment
    run(StaffDossierState.record_payment.fn(again, {"method": "cash", "counter_receipt": "0001235", "amount": "8000"}))
    assert again.problem.startswith("Phí, lệ phí của hồ sơ này đã được nộp") and again.payment_error == ""
    with unit_of_work() as db:
        events = db.scalars(select(DossierEvent.action).where(DossierEvent.dossier_id == dossier_id)).all()
    assert events.count("pay") == 1
