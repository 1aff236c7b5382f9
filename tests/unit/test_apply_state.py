"""The apply-online states against a real database and the real catalogue (permanent residence, 1.004222).

Handlers are called the way Reflex calls them (``Handler.fn(state, ...)``), with the session cookie
in the router's headers, as the websocket carries it.
"""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import reflex as rx
from PIL import Image
from reflex.istate.data import RouterData
from sqlalchemy import Engine, func, select, update
from starlette.datastructures import Headers

from citizen_app.core.identity.sessions import create_session
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.identity import AuthSession, UserProfile
from citizen_app.idp.accounts import ACCOUNTS
from citizen_app.states.apply import ApplyStartState, ApplyState

SCOPES = {"openid", "profile", "vneid_identity", "phone", "email", "address"}
CODE = "1.004222"
KEY = "6f1c2b9e-3d4a-4b5c-8d6e-7f8091a2b3c4"


def sign_in(username: str) -> tuple[int, str]:
    account = next(a for a in ACCOUNTS if a.username == username)
    now = utcnow()
    with unit_of_work() as db:
        user = upsert_user(db, "https://sandbox.example/idp", identity_from_claims(account.claims_for(SCOPES)), now)
        raw, _ = create_session(db, user, now)
        return user.id, raw


def route(state: rx.State, raw: str | None, path: str) -> None:
    cookie = f"citizen_session={raw}" if raw else ""
    state.router = RouterData.from_router_data({"headers": {"cookie": cookie}, "pathname": path, "asPath": path})


def state_of(cls: type, raw: str | None, path: str) -> Any:
    root = rx.State()
    route(root, raw, path)
    return root.get_substate(cls.get_full_name().split("."))


def events_text(result: Any) -> str:
    return str(result)


def start(username: str) -> tuple[ApplyState, int, str]:
    """Start now on the start page, then open the first step: (state, draft id, raw cookie)."""
    _user_id, raw = sign_in(username)
    starter = state_of(ApplyStartState, raw, f"/vi/services/{CODE}/apply")
    ApplyStartState.load.fn(starter)
    redirect = events_text(ApplyStartState.start.fn(starter))
    draft_id = int(redirect.split("/vi/apply/")[1].split("/")[0])
    state = state_of(ApplyState, raw, f"/vi/apply/{draft_id}/applicant")
    asyncio.run(ApplyState.load.fn(state))
    assert state.status == "ready"
    return state, draft_id, raw


def go(state: ApplyState, raw: str, page: str) -> Any:
    route(state, raw, f"/vi/apply/{state.draft_id}/{page}")
    return asyncio.run(ApplyState.load.fn(state))


def stored(draft_id: int) -> Dossier:
    with unit_of_work() as db:
        dossier = db.get(Dossier, draft_id)
        assert dossier is not None
        db.expunge(dossier)
        return dossier


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "green").save(out, "JPEG")
    return out.getvalue()


def upload(state: ApplyState, name: str, data: bytes, content_type: str = "image/jpeg", slot: int = 0) -> Any:
    file = rx.UploadFile(file=io.BytesIO(data), path=Path(name), headers=Headers({"content-type": content_type}))
    return asyncio.run(ApplyState.upload.fn(state, [file], slot))


def fill_to_send(state: ApplyState, raw: str) -> None:
    ApplyState.save_step.fn(state, {"phone": "0912345678"})
    go(state, raw, "new_home")
    ApplyState.save_step.fn(
        state,
        {"new_address.province_code": "01", "new_address.commune_code": "00004",
         "new_address.street": "12 Đội Cấn", "residence_basis": "own_home"},
    )
    go(state, raw, "household")
    ApplyState.save_step.fn(state, {"members.__count": "0", "declaration": "on"})
    go(state, raw, "add-documents")
    upload(state, "so-do.jpg", jpeg())
    go(state, raw, "send-application")


def submitted(draft_id: int) -> int:
    with unit_of_work() as db:
        applicant = db.scalar(select(Dossier.applicant_id).where(Dossier.id == draft_id))
        return db.scalar(
            select(func.count(Dossier.id)).where(Dossier.applicant_id == applicant, Dossier.status != "draft")
        ) or 0


# ---- the start page -------------------------------------------------------------------------------------


def test_the_start_page_says_what_it_takes_and_who_may_start(engine: Engine) -> None:
    anonymous = state_of(ApplyStartState, None, f"/vi/services/{CODE}/apply")
    ApplyStartState.load.fn(anonymous)
    assert anonymous.status == "ready" and anonymous.fee == "10.000\xa0đ"
    assert anonymous.time.startswith("7 ngày làm việc")
    assert any("CT01" in d.name for d in anonymous.documents)

    _, raw = sign_in("cuong.le")  # level 1
    gated = state_of(ApplyStartState, raw, "/en/services/1.001456/apply")
    ApplyStartState.load.fn(gated)
    assert "level 2" in gated.blocked and "chip-based citizen ID card" in gated.blocked
    # …and where to apply in person instead, with what it costs and takes there.
    assert gated.in_person.startswith("Apply at ") and gated.in_person_terms.startswith("At the counter: ")
    assert ApplyStartState.start.fn(gated) is None  # nothing started
    with unit_of_work() as db:
        assert db.scalar(select(func.count(Dossier.id))) == 0

    missing = state_of(ApplyStartState, None, "/vi/services/9.999999/apply")
    ApplyStartState.load.fn(missing)
    assert missing.status == "not_found"


def test_start_now_starts_once_then_resumes(engine: Engine) -> None:
    state, draft_id, raw = start("an.nguyen")
    assert state.procedure_name == "Đăng ký thường trú" and state.progress == "Bước 1 / 4"
    assert state.prefill_line.startswith("Chúng tôi đã điền sẵn 6 thông tin")
    fields = {f.name: f for f in state.fields}
    assert fields["full_name"].locked and fields["full_name"].provenance == "verified"
    assert not fields["phone"].locked and fields["phone"].provenance == "profile"

    again = state_of(ApplyStartState, raw, f"/vi/services/{CODE}/apply")
    ApplyStartState.load.fn(again)
    assert again.draft_notice.startswith("Bạn đang có một hồ sơ chưa gửi")
    assert f"/vi/apply/{draft_id}" in events_text(ApplyStartState.start.fn(again))


# ---- questions ----------------------------------------------------------------------------------------


def test_not_signed_in_goes_to_sign_in_and_someone_elses_draft_is_not_found(engine: Engine) -> None:
    _state, draft_id, _raw = start("an.nguyen")
    stranger = state_of(ApplyState, None, f"/vi/apply/{draft_id}/applicant")
    assert "/auth/login?next=/vi/apply/" in events_text(asyncio.run(ApplyState.load.fn(stranger)))
    assert stranger.status == "signed_out"
    _, other = sign_in("binh.tran")
    intruder = state_of(ApplyState, other, f"/vi/apply/{draft_id}/applicant")
    asyncio.run(ApplyState.load.fn(intruder))
    assert intruder.status == "not_found" and intruder.fields == []


def test_typing_is_saved_and_verified_answers_cannot_be_changed(engine: Engine) -> None:
    state, draft_id, _raw = start("an.nguyen")
    phone = next(f for f in state.fields if f.name == "phone")
    ApplyState.set_answer.fn(state, phone.key, "phone", "0987 000 111")
    assert stored(draft_id).answers["phone"] == "0987 000 111"
    name = next(f for f in state.fields if f.name == "full_name")
    ApplyState.set_answer.fn(state, name.key, "full_name", "Someone Else")
    assert stored(draft_id).answers["full_name"] == "Nguyễn Văn An"
    # A change drawn before the entries were renumbered is ignored (its value was posted then).
    ApplyState.set_answer.fn(state, "0-f-phone", "phone", "stale")
    assert stored(draft_id).answers["phone"] == "0987 000 111"


def test_continue_checks_the_step_and_explains_in_the_page_language(engine: Engine) -> None:
    state, draft_id, raw = start("binh.tran")
    result = ApplyState.save_step.fn(state, {"phone": "12345", "email": ""})
    assert "error-summary" in events_text(result)
    phone = next(f for f in state.fields if f.name == "phone")
    assert phone.error.startswith("Vui lòng nhập số điện thoại di động Việt Nam")
    assert [link.anchor for link in state.error_links] == ["f-phone"]
    assert stored(draft_id).answers["phone"] == "12345"  # kept as typed, to correct

    result = ApplyState.save_step.fn(state, {"phone": "0912 345 678", "email": ""})
    assert f"/vi/apply/{draft_id}/new_home" in events_text(result)
    assert stored(draft_id).answers["phone"] == "0912345678"  # cleaned once accepted

    go(state, raw, "new_home")
    ApplyState.set_answer.fn(state, state.fields[0].key, "new_address.province_code", "01")
    ApplyState.set_answer.fn(state, state.fields[0].key, "new_address.commune_code", "00004")
    ApplyState.set_answer.fn(state, state.fields[0].key, "new_address.province_code", "79")
    assert stored(draft_id).answers["new_address"] == {"province_code": "79", "commune_code": ""}
    address = next(f for f in state.fields if f.name == "new_address")
    assert address.communes and all(option.value != "00004" for option in address.communes)
    relation = next(f for f in state.fields if f.name == "relationship_to_head")
    assert relation.visible is False
    ApplyState.set_answer.fn(state, relation.key, "residence_basis", "relative")
    assert next(f for f in state.fields if f.name == "relationship_to_head").visible is True


def test_group_entries_are_added_and_removed_with_what_is_on_the_page(engine: Engine) -> None:
    state, draft_id, raw = start("dung.pham")
    go(state, raw, "household")
    ApplyState.step_action.fn(state, {"values": {"members.__count": "0"}, "intent": "add:members"})
    ApplyState.step_action.fn(
        state,
        {"values": {"members.__count": "1", "members.0.member_full_name": "A"}, "intent": "add:members"},
    )
    assert [e.index for e in next(f for f in state.fields if f.name == "members").group_entries] == [0, 1]
    ApplyState.step_action.fn(
        state,
        {"values": {"members.__count": "2", "members.0.member_full_name": "A", "members.1.member_full_name": "B"},
         "intent": "remove:members:0"},
    )
    assert stored(draft_id).answers["members"] == [{"member_full_name": "B"}]
    back = ApplyState.step_action.fn(state, {"values": {"members.__count": "1"}, "intent": "back"})
    assert f"/vi/apply/{draft_id}/new_home" in events_text(back)


# ---- documents -------------------------------------------------------------------------------------


def test_files_are_checked_by_content_with_clear_messages(engine: Engine) -> None:
    state, draft_id, raw = start("nhung.vo")
    go(state, raw, "add-documents")
    assert state.limits.startswith("Ảnh chụp hoặc bản quét") and "10 MB" in state.limits
    upload(state, "trong.jpg", b"")
    assert "không có nội dung" in state.slots[0].error
    upload(state, "hop-dong.pdf", jpeg(), "application/pdf")
    assert "không đúng như tên gọi" in state.slots[0].error
    upload(state, "to.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), "application/pdf")
    assert "lớn hơn 10 MB" in state.slots[0].error
    assert state.slots[0].files == [] and state.error_links[0].anchor == "slot-proof_of_residence"
    assert "error-summary" in events_text(ApplyState.documents_done.fn(state))

    upload(state, "so-do.jpg", jpeg())
    assert state.slots[0].error == "" and state.slots[0].files[0].kind == "thumbnail"
    file_id = state.slots[0].files[0].id
    assert f"/vi/apply/{draft_id}/check-answers" in events_text(ApplyState.documents_done.fn(state))
    go(state, raw, "add-documents")
    ApplyState.remove_file.fn(state, file_id)
    assert state.slots[0].files == []


# ---- sending ------------------------------------------------------------------------------------------


def test_send_twice_with_one_key_makes_one_dossier_with_its_fee(engine: Engine) -> None:
    state, draft_id, raw = start("lan.bui")
    fill_to_send(state, raw)
    assert state.fee_text.startswith("Lệ phí: 10.000")
    first = list(ApplyState.send.fn(state, KEY))
    assert any(f"/vi/apply/{draft_id}/application-sent" in str(event) for event in first)
    state.status, state.page = "ready", "send-application"  # a second tab, or a retry after a dropped line
    list(ApplyState.send.fn(state, KEY))
    assert submitted(draft_id) == 1
    dossier = stored(draft_id)
    assert dossier.fee_due_vnd == 10_000 and dossier.code is not None

    go(state, raw, "application-sent")
    assert state.code == dossier.code and state.receipt_href == f"/vi/receipts/{dossier.code}"
    assert state.appointment and state.what_next.startswith("Ủy ban nhân dân Phường Ba Đình sẽ xem xét")
    # The flow's other pages now show what was sent.
    assert "application-sent" in events_text(go(state, raw, "applicant"))


def test_a_send_after_the_session_timed_out_keeps_the_draft_and_works_after_signing_in(engine: Engine) -> None:
    state, draft_id, raw = start("duc.hoang")
    fill_to_send(state, raw)
    with unit_of_work() as db:
        db.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
    events = list(ApplyState.send.fn(state, KEY))
    assert state.session_expired and not state.submitting
    assert all("application-sent" not in str(event) for event in events)
    assert stored(draft_id).status == "draft"

    _, fresh = sign_in("duc.hoang")  # signing in again brings the browser back to this page
    route(state, fresh, f"/vi/apply/{draft_id}/send-application")
    asyncio.run(ApplyState.load.fn(state))
    assert state.status == "ready" and state.page == "send-application"
    list(ApplyState.send.fn(state, KEY))
    assert stored(draft_id).status == "submitted" and submitted(draft_id) == 1


def test_problems_found_at_the_end_link_to_their_step(engine: Engine) -> None:
    state, draft_id, raw = start("tung.phan")
    go(state, raw, "send-application")
    events = list(ApplyState.send.fn(state, KEY))
    assert "error-summary" in str(events) and stored(draft_id).status == "draft"
    hrefs = [link.anchor for link in state.error_links]
    assert f"/vi/apply/{draft_id}/new_home?return=check#f-new_address-province_code" in hrefs
    assert f"/vi/apply/{draft_id}/add-documents?return=check#slot-proof_of_residence" in hrefs


def test_a_form_changed_while_the_page_was_open_reopens_it_with_notices(engine: Engine) -> None:
    state, draft_id, _raw = start("cuong.le")
    with unit_of_work() as db:
        db.execute(update(Dossier).where(Dossier.id == draft_id).values(form_version=0))
        answers = dict(stored(draft_id).answers)
        answers["old_question"] = "cũ"
        db.execute(update(Dossier).where(Dossier.id == draft_id).values(answers=answers))
    phone = next(f for f in state.fields if f.name == "phone")
    ApplyState.set_answer.fn(state, phone.key, "phone", "0977000111")
    assert any("1 câu trả lời không còn phù hợp" in notice for notice in state.notices)
    assert stored(draft_id).form_version == 1 and "old_question" not in stored(draft_id).answers


def test_new_contact_details_can_be_saved_to_the_profile(engine: Engine) -> None:
    state, draft_id, raw = start("mai.ngo")
    ApplyState.save_step.fn(state, {"phone": "0977 123 456", "email": "mai.moi@example.vn"})
    for page, posted in (
        ("new_home", {"new_address.province_code": "01", "new_address.commune_code": "00004",
                      "new_address.street": "1 Hàng Bạc", "residence_basis": "own_home"}),
        ("household", {"members.__count": "0", "declaration": "on"}),
    ):
        go(state, raw, page)
        ApplyState.save_step.fn(state, posted)
    go(state, raw, "add-documents")
    upload(state, "so-do.jpg", jpeg())
    go(state, raw, "send-application")
    list(ApplyState.send.fn(state, KEY))
    go(state, raw, "application-sent")
    assert {row["label"] for row in state.reusable} == {"Số điện thoại di động", "Địa chỉ thư điện tử"}
    ApplyState.save_to_profile.fn(state)
    assert state.profile_saved.startswith("Đã lưu vào hồ sơ cá nhân") and state.reusable == []
    with unit_of_work() as db:
        profile = db.scalar(select(UserProfile).where(UserProfile.user_id == stored(draft_id).applicant_id))
        assert profile is not None and (profile.phone, profile.email) == ("0977123456", "mai.moi@example.vn")


@pytest.mark.parametrize("key", ["", "not-a-uuid", None])
def test_without_a_key_from_the_browser_the_server_keeps_one_per_draft(engine: Engine, key: Any) -> None:
    state, draft_id, raw = start("hai.trinh")
    made = ApplyState._submission_key(state, key)
    assert made == ApplyState._submission_key(state, "also bad") and len(made) == 36
    assert ApplyState._submission_key(state, KEY) == KEY
    _ = (draft_id, raw)
