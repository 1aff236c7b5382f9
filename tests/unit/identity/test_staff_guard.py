"""Staff pages are guarded on the server: the Reflex state and the HTTP middleware, refusals audited."""

from __future__ import annotations

import warnings

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlalchemy import Engine, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from citizen_app.core.identity.sessions import create_session
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.audit import AuditEvent
from citizen_app.idp.accounts import ACCOUNTS
from citizen_app.states.staff import StaffState
from citizen_app.web.staff_guard import StaffGuardMiddleware, staff_locale

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from starlette.testclient import TestClient

SCOPES = {"openid", "profile", "vneid_identity", "phone", "email", "address"}


def sign_in(username: str) -> tuple[int, str]:
    account = next(a for a in ACCOUNTS if a.username == username)
    now = utcnow()
    with unit_of_work() as db:
        user = upsert_user(db, "https://sandbox.example/idp", identity_from_claims(account.claims_for(SCOPES)), now)
        raw, _ = create_session(db, user, now)
        return user.id, raw


def session_cookie(raw: str) -> dict[str, str]:
    return {"cookie": f"citizen_session={raw}"}


def denials() -> list[AuditEvent]:
    with unit_of_work() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)))


def staff_state(raw_token: str | None, path: str = "/vi/staff") -> StaffState:
    root = rx.State()
    cookie = f"citizen_session={raw_token}" if raw_token else ""
    root.router = RouterData.from_router_data({"headers": {"cookie": cookie}, "pathname": path, "asPath": path})
    return root.get_substate(StaffState.get_full_name().split("."))


# ---- the Reflex state --------------------------------------------------------------------------


def test_an_officer_is_let_in_and_sees_who_and_where(engine: Engine) -> None:
    _, raw = sign_in("mai.ngo")
    state = staff_state(raw)
    assert StaffState.guard.fn(state) is None
    assert state.access == "allowed"
    assert state.officer_name == "Ngô Thị Mai"
    assert state.officer_roles == "Cán bộ một cửa"
    assert state.officer_unit == "Phường Ba Đình, Thành phố Hà Nội"
    assert state.officer_unit_level == "Xã, phường"
    assert denials() == []


def test_a_province_centre_officer_and_a_supervisor(engine: Engine) -> None:
    _, raw = sign_in("hai.trinh")
    state = staff_state(raw, "/en/staff")
    StaffState.guard.fn(state)
    assert state.officer_unit_level == "Province or city" and "Hồ Chí Minh" in state.officer_unit
    _, raw = sign_in("tung.phan")
    state = staff_state(raw, "/en/staff")
    StaffState.guard.fn(state)
    assert state.officer_roles == "Counter officer, Supervisor"


def test_a_citizen_is_refused_told_why_and_the_refusal_audited(engine: Engine) -> None:
    user_id, raw = sign_in("an.nguyen")
    state = staff_state(raw)
    assert StaffState.guard.fn(state) is None  # stays: the page shows the notice
    assert state.access == "denied"
    assert state.denied_message == "Trang này chỉ dành cho cán bộ, công chức tiếp nhận và giải quyết hồ sơ."
    assert "Nguyễn Văn An" in state.denied_who
    assert state.officer_name == ""
    [event] = denials()
    assert (event.action, event.target_type, event.target_id) == ("staff.page", "page", "/vi/staff")
    assert (event.actor_id, event.actor_role) == (str(user_id), "citizen")
    assert event.details["required"] == "staff" and "session" in event.details


def test_handlers_can_require_one_role(engine: Engine) -> None:
    _, raw = sign_in("mai.ngo")  # a counter officer, not a supervisor
    state = staff_state(raw, "/vi/staff/reports")
    user = state._staff_user(action="staff.reports.view", role="supervisor", target_type="report")
    assert user is None and state.access == "denied" and state._refusal() is None
    [event] = denials()
    assert event.action == "staff.reports.view" and event.details["required"] == "supervisor"
    assert state._staff_user(action="staff.queue.call_next", role="counter_officer") is not None
    assert state.access == "allowed"


def test_nobody_signed_in_is_sent_to_sign_in_without_an_audit_row(engine: Engine) -> None:
    state = staff_state(None, "/vi/staff")
    event = StaffState.guard.fn(state)
    assert state.access == "signed_out"
    assert "/auth/login?next=/vi/staff" in str(event)  # the route picks the staff sign-on
    assert denials() == []


# ---- the HTTP middleware -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "locale"),
    [
        ("/vi/staff", "vi"),
        ("/en/staff/", "en"),
        ("/en/staff/queue", "en"),
        ("/vi/staff.html", "vi"),
        ("/vi/staff/index.html", "vi"),
        ("/vi//staff", "vi"),
        ("/vi/account/../staff", "vi"),
        ("/vi/staffing", None),
        ("/vi/account", None),
        ("/staff", None),
        ("/fr/staff", None),
    ],
)
def test_which_paths_are_staff_pages(path: str, locale: str | None) -> None:
    assert staff_locale(path) == locale


@pytest.fixture
def client(engine: Engine) -> TestClient:
    def page(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"page {request.url.path}")

    app = Starlette(
        routes=[Route("/{path:path}", page)],
        middleware=[Middleware(StaffGuardMiddleware)],
    )
    return TestClient(app, follow_redirects=False)


def test_http_staff_gets_the_page(client: TestClient) -> None:
    _, raw = sign_in("mai.ngo")
    response = client.get("/vi/staff", headers=session_cookie(raw))
    assert response.status_code == 200 and response.text == "page /vi/staff"


def test_http_citizen_gets_a_403_in_their_language_and_it_is_audited(client: TestClient) -> None:
    user_id, raw = sign_in("an.nguyen")
    response = client.get("/vi/staff", headers=session_cookie(raw))
    assert response.status_code == 403
    assert response.headers["cache-control"] == "no-store"
    assert '<html lang="vi">' in response.text and "Bạn không được mở trang này" in response.text
    assert "Nguyễn Văn An" in response.text and 'href="/en/staff"' in response.text
    english = client.get("/en/staff/queue", headers=session_cookie(raw))
    assert english.status_code == 403 and "You cannot open this page" in english.text
    assert [(e.target_id, e.actor_id) for e in denials()] == [
        ("/vi/staff", str(user_id)),
        ("/en/staff/queue", str(user_id)),
    ]


def test_http_nobody_is_sent_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/en/staff/queue?day=today")
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/login?next=/en/staff/queue%3Fday%3Dtoday"
    forged = client.get("/vi/staff", headers=session_cookie("x" * 43))
    assert forged.status_code == 303
    assert denials() == []


def test_http_other_pages_are_untouched(client: TestClient) -> None:
    assert client.get("/vi/account").text == "page /vi/account"
    assert client.get("/vi/staffing").text == "page /vi/staffing"
