"""Tracking on a phone: My applications, a dossier's page and timeline, withdrawing, answering a supplement
request, the result download and the rating; the public lookup and its rate limit; another citizen refused.

Dossiers are made through the UI (the server runs in its own process with its own database). What only
staff can do (request a supplement, mark the result ready) is set up directly in the server's SQLite
database, the way the staff side would leave it; those tests are skipped against ``--base-url``. The
full officer ↔ citizen journey, through both UIs, lives in the lead's two-browser test.

The public lookup is limited per client IP (10 a minute by default) and every test here comes from
127.0.0.1: the lookup test runs its lookups in one go and ends by hitting the limit, so no other test
should use /track within the following minute.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in
from tests.e2e.test_apply import PERMANENT_RESIDENCE, fill_new_home, jpeg, upload, wait_for_page

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")
# Demo accounts (docs/identity.md) and the last four digits of their personal ID numbers.
CITIZEN_A, A_LAST4 = "lan.bui", "0926"
CITIZEN_B = "duc.hoang"

SMALL_TARGETS = """() => [...document.querySelectorAll('main a, main button, main input, main select, main textarea')]
    .filter(el => el.offsetParent !== null && el.type !== 'hidden')
    .map(el => [el.dataset.testid || el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
    .filter(([, r]) => r.height < 44 || r.width < 44)
    .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
PDF = (  # the smallest PDF a reader opens: one blank page (pypdf finds the objects without an xref table)
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R/Size 4>>\n"
    b"startxref\n0\n%%EOF\n"
)


# ---- helpers ---------------------------------------------------------------------------------------


def submit_application(app: AppPage, username: str) -> str:
    """Sign in (if needed), apply for permanent residence with the shortest complete answers; the new code.

    Works from a fresh draft or one an earlier test left open (Start now resumes it).
    """
    path = f"/vi/services/{PERMANENT_RESIDENCE}/apply"
    if app.get("header-sign-in").count() or "/vi/" not in app.page.url:
        sign_in(app, username, next_path=path)
    else:
        app.goto(path)
    app.click("start-now")
    app.page.wait_for_url(re.compile(r"/vi/apply/\d+/"))
    draft_id = int(re.search(r"/apply/(\d+)/", app.path).group(1))  # type: ignore[union-attr]
    app.goto(f"/vi/apply/{draft_id}/applicant")
    wait_for_page(app, "applicant")
    app.click("continue")
    wait_for_page(app, "new_home")
    fill_new_home(app, basis="own_home")
    app.click("continue")
    wait_for_page(app, "household")
    app.get("field-declaration").check()
    app.click("continue")
    wait_for_page(app, "add-documents")
    if app.get("attachments-proof_of_residence").count() == 0:
        upload(app, "proof_of_residence", "so-ho-khau.jpg", jpeg())
        expect(app.get("attachments-proof_of_residence").locator("img")).to_be_visible()
    app.click("continue")
    wait_for_page(app, "check-answers")
    app.click("continue")
    wait_for_page(app, "send-application")
    app.click("submit")
    wait_for_page(app, "application-sent")
    code = app.get("confirmation-code").inner_text()
    assert CODE.match(code), code
    return code


def open_dossier(app: AppPage, code: str) -> None:
    app.goto(f"/vi/applications/{code}")
    expect(app.get("dossier")).to_be_visible()
    expect(app.get("dossier-code")).to_have_text(code)
    app.settle()


@pytest.fixture
def database(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """The test server's own SQLite database (only when the suite started the server itself)."""
    found = sorted(Path(tmp_path_factory.getbasetemp()).glob("app-data*/citizen_app.db"))
    if not found:
        pytest.skip("needs the server this suite starts (staff steps are set up in its database)")
    connection = sqlite3.connect(found[-1], timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def db_time(moment: datetime) -> str:
    """How SQLAlchemy's UtcDateTime stores a time in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def staff_step(
    database: sqlite3.Connection,
    code: str,
    *,
    status: str,
    action: str,
    note: str | None = None,
    request: dict | None = None,
    finished: bool = False,
) -> int:
    """What the lifecycle records when an officer moves the dossier: the status, the event, the notice."""
    now = datetime.now(UTC)
    with database:
        dossier_id, applicant_id, before = database.execute(
            "select id, applicant_id, status from dossiers where code = ?", (code,)
        ).fetchone()
        database.execute(
            "update dossiers set status = ?, status_changed_at = ?, supplement_request = ?,"
            " finished_at = coalesce(finished_at, ?) where id = ?",
            (status, db_time(now), json.dumps(request) if request else None, db_time(now) if finished else None,
             dossier_id),
        )
        database.execute(
            "insert into dossier_events (dossier_id, at, actor_role, action, from_status, to_status, note, details)"
            " values (?, ?, 'counter_officer', ?, ?, ?, ?, '{}')",
            (dossier_id, db_time(now), action, before, status, note),
        )
        database.execute(
            "insert into notifications (user_id, dossier_id, kind, status, created_at) values (?, ?, ?, ?, ?)",
            (applicant_id, dossier_id, action, status, db_time(now)),
        )
    return dossier_id


# ---- My applications, the dossier page, withdrawing ------------------------------------------------


def test_my_applications_lists_a_new_dossier_and_the_citizen_withdraws_it(phone: AppPage) -> None:
    code = submit_application(phone, CITIZEN_A)

    phone.goto("/vi/applications")
    item = phone.get(f"applications-item-{code}")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Đăng ký thường trú")
    expect(phone.get(f"applications-status-{code}")).to_have_text("Đã nộp")
    expect(phone.get("applications-in-progress")).to_contain_text(code)
    assert phone.page.evaluate(SMALL_TARGETS) == []

    item.click()
    phone.page.wait_for_url(f"**/vi/applications/{code}")
    expect(phone.get("dossier-code")).to_have_text(code)
    phone.settle()
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "submitted")
    expect(phone.get("dossier-status")).to_have_text("Đã nộp")
    expect(phone.get("dossier-unit")).to_contain_text("Ba Đình")
    # Sent, with the time it was sent; not "received" until the agency has received it.
    expect(phone.get("dossier-sent")).to_contain_text(re.compile(r"\d{2}:\d{2} ngày \d{2}/\d{2}/\d{4}"))
    expect(phone.get("dossier-received")).to_have_count(0)
    expect(phone.get("dossier")).not_to_contain_text("Đã tiếp nhận")
    expect(phone.get("dossier-due")).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4}"))
    expect(phone.get("dossier-fee")).to_contain_text("10.000")
    expect(phone.get("dossier-timeline").locator("li")).to_have_count(1)
    expect(phone.get("timeline-0")).to_contain_text("Đã gửi hồ sơ")
    expect(phone.get("dossier-files")).to_contain_text("so-ho-khau.jpg")
    expect(phone.get("dossier-receipt")).to_have_attribute("href", f"/vi/receipts/{code}")
    expect(phone.get("rating")).to_have_count(0)  # not finished: nothing to rate yet
    assert phone.page.evaluate(SMALL_TARGETS) == []

    # Withdraw asks first; "No" changes nothing.
    phone.click("withdraw")
    expect(phone.get("withdraw-confirm")).to_be_visible()
    phone.assert_accessible()
    phone.click("withdraw-cancel")
    expect(phone.get("withdraw-confirm")).to_have_count(0)
    phone.click("withdraw")
    phone.fill("withdraw-reason", "Tôi nộp nhầm thủ tục")
    phone.click("withdraw-confirm")
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "withdrawn")
    expect(phone.get("dossier-notice")).to_contain_text("đã được rút")
    expect(phone.get("timeline-0")).to_contain_text("Tôi nộp nhầm thủ tục")
    expect(phone.get("withdraw")).to_have_count(0)
    phone.assert_accessible()

    phone.get("back").click()
    phone.page.wait_for_url("**/vi/applications")
    phone.settle()
    expect(phone.get("applications-finished")).to_contain_text(code)
    expect(phone.get(f"applications-status-{code}")).to_have_text("Đã rút hồ sơ")


def test_drafts_continue_or_are_deleted_after_confirming(phone: AppPage) -> None:
    sign_in(phone, CITIZEN_B, next_path=f"/vi/services/{PERMANENT_RESIDENCE}/apply")
    phone.click("start-now")
    phone.page.wait_for_url(re.compile(r"/vi/apply/\d+/"))
    draft_id = int(re.search(r"/apply/(\d+)/", phone.path).group(1))  # type: ignore[union-attr]
    phone.goto("/vi/applications")
    drafts = phone.get("applications-drafts")
    expect(drafts).to_contain_text("Đăng ký thường trú")
    index = 0
    expect(phone.get(f"applications-draft-{index}-continue")).to_have_attribute("href", f"/vi/apply/{draft_id}")
    phone.click(f"applications-draft-{index}-discard")
    expect(phone.get(f"applications-draft-{index}-discard-confirm")).to_be_visible()
    phone.assert_accessible()
    phone.click(f"applications-draft-{index}-keep")
    expect(phone.get(f"applications-draft-{index}-continue")).to_be_visible()
    phone.click(f"applications-draft-{index}-discard")
    phone.click(f"applications-draft-{index}-discard-confirm")
    expect(phone.get("applications-message")).to_contain_text("Đã xoá bản nháp")
    expect(phone.get("applications-drafts")).to_have_count(0)


def unread_notifications(app: AppPage) -> int:
    """The number on My applications' new-notifications badge (absent when there are none)."""
    badge = app.get("notifications-count")
    if badge.count() == 0:
        return 0
    return int(re.match(r"\d+", badge.inner_text().strip()).group(0))  # type: ignore[union-attr]


# ---- the agency's side, seen by the citizen ----------------------------------------------------------


def test_the_citizen_sees_the_notification_answers_the_supplement_then_downloads_and_rates(
    phone: AppPage, database: sqlite3.Connection, tmp_path_factory: pytest.TempPathFactory
) -> None:
    code = submit_application(phone, CITIZEN_A)
    # Other flows in this run may have left lan.bui notifications: count what this one adds.
    phone.goto("/vi/applications")
    unread_before = unread_notifications(phone)
    requested_at = datetime.now(UTC).isoformat()
    staff_step(
        database, code, status="supplement_requested", action="request_supplement",
        note="Vui lòng bổ sung số điện thoại và giấy xác nhận của tổ dân phố.",
        request={"fields": ["phone"], "attachments": ["other_documents"],
                 "message": "Vui lòng bổ sung số điện thoại và giấy xác nhận của tổ dân phố.",
                 "requested_at": requested_at, "requested_by": None},
    )

    # The citizen sees it: a count on My applications, "new" on the dossier, the list of notifications.
    phone.goto("/vi/applications")
    expect(phone.get("notifications-count")).to_contain_text(f"{unread_before + 1} ")
    expect(phone.get(f"applications-new-{code}")).to_be_visible()
    expect(phone.get(f"applications-status-{code}")).to_have_text("Yêu cầu bổ sung")
    phone.click("applications-notifications")
    phone.page.wait_for_url("**/vi/notifications")
    phone.settle()
    first = phone.get("notification-0")
    expect(first).to_contain_text("Yêu cầu bổ sung")
    expect(first).to_contain_text(code)
    expect(first).to_have_attribute("data-unread", "true")
    first.click()
    phone.page.wait_for_url(f"**/vi/applications/{code}")
    expect(phone.get("dossier-code")).to_have_text(code)
    phone.settle()

    # Answer it: only the phone number is asked, and a document.
    expect(phone.get("supplement-message")).to_contain_text("tổ dân phố")
    expect(phone.get("field-phone")).to_be_visible()
    expect(phone.get("field-full_name")).to_have_count(0)
    phone.click("supplement-submit")  # the document is missing
    expect(phone.get("error-attachments.other_documents")).to_be_visible()
    phone.assert_accessible()
    phone.fill("field-phone", "0987 654 321")
    upload(phone, "other_documents", "xac-nhan-to-dan-pho.jpg", jpeg(color="green"))
    expect(phone.get("attachments-other_documents").locator("li")).to_have_count(1)
    phone.click("supplement-submit")
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "processing")
    expect(phone.get("dossier-notice")).to_contain_text("Cảm ơn")
    expect(phone.get("supplement")).to_have_count(0)
    expect(phone.get("timeline-0")).to_contain_text("Đã bổ sung thông tin")
    phone.assert_accessible()
    answers = database.execute("select answers from dossiers where code = ?", (code,)).fetchone()[0]
    assert json.loads(answers)["phone"] == "0987654321"

    # The notifications are read now that the dossier was opened.
    phone.goto("/vi/applications")
    expect(phone.get("notifications-count")).to_have_count(0)

    # The agency approves and issues the result: the citizen downloads it and rates the service.
    dossier_id = staff_step(database, code, status="approved", action="approve")
    data_dir = Path(str(database.execute("pragma database_list").fetchone()[2])).parent
    stored = secrets.token_hex(16)
    target = data_dir / "files" / stored[:2] / stored
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PDF)
    with database:
        database.execute(
            "insert into dossier_attachments (dossier_id, slot_id, stage, original_name, stored_name, content_type,"
            " size_bytes, sha256, uploaded_at) values (?, 'result', 'result', 'ket-qua.pdf', ?, 'application/pdf',"
            " ?, '', ?)",
            (dossier_id, stored, len(PDF), db_time(datetime.now(UTC))),
        )
    open_dossier(phone, code)
    expect(phone.get("result-download")).to_have_count(0)  # approved: not the citizen's to download yet
    staff_step(database, code, status="result_ready", action="result_ready", finished=True)
    open_dossier(phone, code)
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "result_ready")
    with phone.page.expect_download() as downloading:
        phone.click("result-download")
    download = downloading.value
    assert download.suggested_filename == "ket-qua.pdf"
    assert Path(download.path()).read_bytes() == PDF

    phone.click("rating-submit")  # no score chosen
    expect(phone.get("rating-error")).to_be_visible()
    phone.click("rating-4")
    expect(phone.get("rating-4")).to_have_attribute("aria-pressed", "true")
    phone.fill("rating-comment", "Cán bộ hướng dẫn tận tình")
    assert phone.page.evaluate(SMALL_TARGETS) == []
    phone.click("rating-submit")
    expect(phone.get("rating-done")).to_contain_text("4 / 5")
    expect(phone.get("rating")).to_have_count(0)  # once only
    phone.assert_accessible()
    score, comment = database.execute(
        "select score, comment from dossier_ratings where dossier_id = ?", (dossier_id,)
    ).fetchone()
    assert (score, comment) == (4, "Cán bộ hướng dẫn tận tình")


# ---- another citizen ------------------------------------------------------------------------------


def test_another_citizen_cannot_open_the_dossier_or_its_files(open_app) -> None:  # type: ignore[no-untyped-def]
    a = open_app("Pixel 7")
    code = submit_application(a, CITIZEN_A)
    open_dossier(a, code)
    file_href = a.get("dossier-files").locator("a").first.get_attribute("href")
    assert file_href and re.fullmatch(r"/files/\d+", file_href)
    assert a.page.request.get(a.base_url + file_href).status == 200

    b = open_app("Pixel 7")
    sign_in(b, CITIZEN_B, next_path=f"/vi/applications/{code}")
    expect(b.get("dossier-not-found")).to_be_visible()
    expect(b.page.locator("main")).not_to_contain_text("Bùi Thị Lan")
    expect(b.get("dossier-status")).to_have_count(0)
    b.assert_accessible()
    refused = b.page.request.get(b.base_url + file_href)
    assert refused.status == 404
    assert refused.headers.get("content-type", "").startswith("text/html")
    receipt = b.page.request.get(f"{b.base_url}/vi/receipts/{code}")
    assert receipt.status == 404
    b.goto("/vi/applications")
    expect(b.get(f"applications-item-{code}")).to_have_count(0)


# ---- the public lookup --------------------------------------------------------------------------------


def test_public_lookup_shows_the_status_without_personal_data_and_is_rate_limited(open_app, database) -> None:  # type: ignore[no-untyped-def]
    citizen = open_app("Pixel 7")
    code = submit_application(citizen, CITIZEN_A)

    stranger = open_app("Pixel 7")
    stranger.goto("/vi/track")
    assert stranger.get("header-sign-in").count() == 1  # nobody signed in
    stranger.fill("track-code", code)
    stranger.fill("track-pid", A_LAST4)
    stranger.click("track-submit")
    result = stranger.get("track-result")
    expect(result).to_be_visible()
    expect(stranger.get("track-result-code")).to_have_text(code)
    expect(stranger.get("track-status")).to_have_text("Đã nộp")
    expect(stranger.get("track-sent")).to_contain_text(re.compile(r"\d{2}:\d{2} ngày \d{2}/\d{2}/\d{4}"))
    expect(stranger.get("track-received")).to_have_count(0)  # sent, not yet received by the agency
    expect(stranger.get("track-unit")).to_contain_text("Ba Đình")
    expect(stranger.get("track-procedure")).to_have_text("Đăng ký thường trú")
    expect(stranger.get("track-due")).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    for private in ("Bùi Thị Lan", "034155000926", "12 Phố Đội Cấn", "so-ho-khau.jpg"):
        expect(stranger.page.locator("main")).not_to_contain_text(private)
    assert stranger.page.evaluate(SMALL_TARGETS) == []
    stranger.assert_accessible()

    # A wrong second factor, and a code that does not exist, read the same: nothing to learn from them.
    stranger.fill("track-pid", "0000" if A_LAST4 != "0000" else "1111")
    stranger.click("track-submit")
    expect(stranger.get("track-not-found")).to_be_visible()
    expect(stranger.get("track-result")).to_have_count(0)
    not_found = stranger.get("track-not-found").text_content() or ""
    stranger.fill("track-code", code[:-4] + ("9999" if not code.endswith("9999") else "9998"))
    stranger.fill("track-pid", A_LAST4)
    stranger.click("track-submit")
    expect(stranger.get("track-not-found")).to_have_text(not_found)
    stranger.assert_accessible()

    # Missing input is explained and costs nothing.
    stranger.fill("track-code", "")
    stranger.fill("track-pid", "12")
    stranger.click("track-submit")
    expect(stranger.get("track-code-error")).to_be_visible()
    expect(stranger.get("track-pid-error")).to_be_visible()

    # Many quick lookups: the limit (10 a minute per IP by default) stops them, in both languages.
    stranger.fill("track-code", code)
    stranger.fill("track-pid", A_LAST4)
    for _attempt in range(25):
        asked = stranger.get("track").get_attribute("data-lookups")
        stranger.click("track-submit")
        # Each answer replaces the last: wait for this one before asking again.
        expect(stranger.get("track")).not_to_have_attribute("data-lookups", asked or "")
        if stranger.get("track-limited").count():
            break
    limited = stranger.get("track-limited")
    expect(limited).to_be_visible()
    expect(limited).to_contain_text("quá nhiều lần")
    expect(stranger.get("track-message-other")).to_contain_text("Too many lookups")
    expect(stranger.get("track-message-other")).to_have_attribute("lang", "en")
    expect(stranger.get("track-result")).to_have_count(0)
    stranger.assert_accessible()

    # Every browser of the suite reaches the server from 127.0.0.1: forget this client's exhausted lookups, or
    # the next minute's feedback and dossier lookups of other test files on this server would be refused.
    with database:
        database.execute("DELETE FROM rate_limit_windows WHERE bucket LIKE 'lookup:%'")
