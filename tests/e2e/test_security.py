"""The production app, hardened (web/security.py): every route's headers, uploads, the websocket, sign-out, CSP.

The header walk visits every page in both languages, every HTTP route, the sandbox provider's
pages, static files and error answers, and checks the headers each must carry. Every flow in
this suite also fails on a Content-Security-Policy violation reported in the browser console
(``tests/e2e/conftest.py``), so the policy is checked against what the app really runs.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from citizen_app.core.i18n import LOCALES
from citizen_app.pages import all_pages
from tests.e2e.kit import AppPage, sign_in

MB = 1024 * 1024
SAMPLE_PARAMS = {"code": "1.001193", "draft_id": "1", "step": "1"}
HTTP_ROUTES = [
    "/",
    "/lang/en?next=/en/",
    "/vi/offline",
    "/en/offline",
    "/vi/manifest.webmanifest",
    "/sw.js",
    "/healthz",
    "/robots.txt",
    "/auth/login?next=/vi/",
    "/auth/logout?next=/vi/",
    "/auth/logged-out",
    "/auth/error?reason=state_missing&lang=en",
    "/auth/callback?state=x&code=y",
    "/files/1",
    "/files/1/thumbnail",
    "/v/not-a-token",
    "/vi/receipts/000.00.20.H01-261116-0001",
    "/vi/no-such-page",
    "/no-such-file.js",
    "/" + "a" * 4500,
    "/vi/services/" + "b" * 4500,
]
SANDBOX_ROUTES = [
    "/idp/",
    "/idp/?ui_locales=en",
    "/idp/.well-known/openid-configuration",
    "/idp/jwks.json",
    "/idp/authorize?client_id=nobody",
    "/idp/end_session",
]
STATIC_FILES = ["/css/app.css", "/js/apply.js", "/icons/icon-192.png", "/favicon.ico", "/404.html"]


def page_routes() -> list[str]:
    routes = set()
    for locale in LOCALES:
        for page in all_pages():
            route = page.localized_route(locale)
            routes.add(re.sub(r"\[(\w+)\]", lambda match: SAMPLE_PARAMS.get(match.group(1), "1"), route))
    return sorted(routes)


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def check_headers(response: httpx.Response, path: str) -> None:
    headers = response.headers
    where = f"{path[:80]} ({response.status_code})"
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("referrer-policy") in ("strict-origin-when-cross-origin", "no-referrer"), where
    assert "microphone=()" in headers.get("permissions-policy", ""), where
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, where
    # The test server is plain http: HSTS there would be meaningless (the unit tests check https).
    assert "strict-transport-security" not in headers, where
    if path.startswith("/files/"):
        assert policy.startswith("sandbox;") and "script-src" not in policy, where  # nothing runs there
    elif headers.get("content-type", "").startswith("text/html") and not path.startswith("/idp"):
        script_src = re.search(r"script-src ([^;]+)", policy)
        assert script_src, where
        sources = script_src.group(1).split()
        assert "'unsafe-inline'" not in sources and "'self'" in sources, where
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S):
            if "src=" not in attrs:
                assert _sha256(body) in sources, f"{where}: an inline script without its hash"


@pytest.fixture(scope="module")
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        yield client


def test_every_route_carries_the_security_headers(http: httpx.Client) -> None:
    pages = page_routes()
    assert len(pages) > 100 and "/en/services/1.001193" in pages and "/vi/staff/queue" in pages
    home = http.get("/vi/")
    assets = sorted(set(re.findall(r'"(/assets/[^"]+\.(?:js|css))"', home.text)))[:5]
    assert assets, "the home page names its JavaScript and CSS"
    walked = 0
    for path in [*pages, *HTTP_ROUTES, *SANDBOX_ROUTES, *STATIC_FILES, *assets]:
        response = http.get(path)
        assert response.status_code < 500, f"{path[:80]}: {response.status_code}"
        check_headers(response, path)
        walked += 1
    # Precompressed pages, as browsers fetch them, get the same policy with the same hashes.
    zipped = http.get("/vi/search", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers.get("content-encoding") == "gzip"
    check_headers(zipped, "/vi/search")
    # Paths longer than a file name can be are "not found", not a server error.
    for path in HTTP_ROUTES[-2:]:
        assert http.get(path).status_code == 404
    # The upload and websocket endpoints answer with the headers too.
    check_headers(http.post("/_upload", content=b"x"), "/_upload")
    check_headers(http.get("/_event/?EIO=4&transport=polling"), "/_event/")
    assert walked > 130


def test_pages_state_the_policy_reflex_needs(http: httpx.Client) -> None:
    policy = http.get("/vi/").headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    # Reflex runs rx.call_script and string callbacks with eval; Emotion writes <style> at run time.
    assert "'unsafe-eval'" in directives["script-src"]
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["connect-src"] == "'self'" and directives["default-src"] == "'self'"


BOUNDARY = "----citizen-security-test"
FILE_PART = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n'
    "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
).encode()


def _stream(total: int, sent: list[int]) -> Iterator[bytes]:
    """A well-formed multipart upload of one huge file, so Reflex's parser would spool all of it."""
    yield FILE_PART
    chunk = b"x" * MB
    while sent[0] < total:
        sent[0] += len(chunk)
        yield chunk


def _upload_handler() -> str:
    """The apply flow's real upload handler, so Reflex would read (and spool) the body if we let it."""
    from citizen_app.states.apply.flow import ApplyState

    return f"{ApplyState.get_full_name()}.upload"


def _post_upload(base_url: str, body: Iterator[bytes] | bytes, headers: dict[str, str]) -> int | None:
    """The status the server answered with, or None when it closed the connection on the rest of the body."""
    try:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            return client.post(
                "/_upload",
                content=body,
                headers={
                    "Reflex-Client-Token": "t",
                    "Reflex-Event-Handler": _upload_handler(),
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    **headers,
                },
            ).status_code
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        return None


def test_a_150_mb_upload_without_a_session_is_refused_before_it_is_read(base_url: str) -> None:
    sent = [0]
    started = time.monotonic()
    status = _post_upload(base_url, _stream(150 * MB, sent), {"Content-Length": str(150 * MB)})
    assert status in (413, None)
    assert sent[0] < 150 * MB and time.monotonic() - started < 20
    # Small, but still no session: refused before Reflex parses anything.
    with httpx.Client(base_url=base_url) as client:
        small = client.post("/_upload", files={"files": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert small.status_code == 401


def test_a_too_large_upload_with_a_session_is_refused(phone: AppPage, base_url: str) -> None:
    sign_in(phone, "binh.tran", next_path="/vi/account")
    cookies = {cookie["name"]: cookie["value"] for cookie in phone.page.context.cookies()}
    cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    # Announced: refused at once.
    status = _post_upload(base_url, FILE_PART + b"x" * (40 * MB), {"Cookie": cookie_header})
    assert status in (413, None)
    # Not announced (chunked): counted while streaming and cut off at the dossier limit.
    sent = [0]
    status = _post_upload(base_url, _stream(150 * MB, sent), {"Cookie": cookie_header})
    assert status in (413, None) and sent[0] < 150 * MB


def test_the_websocket_refuses_another_origin(base_url: str) -> None:
    from simple_websocket import Client, ConnectionError  # Reflex's own socket stack brings it

    with httpx.Client(base_url=base_url) as client:
        # Reflex speaks websocket only (400 "Invalid transport" to polling); another origin is refused first.
        polling = "/_event/?EIO=4&transport=polling"
        assert client.get(polling, headers={"Origin": base_url}).status_code == 400
        assert client.get(polling, headers={"Origin": "https://evil.example"}).status_code == 403
    socket_url = base_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    own = Client.connect(socket_url, headers={"Origin": base_url})
    try:
        assert own.connected  # the app's own pages connect
    finally:
        own.close()
    with pytest.raises(ConnectionError, match="403"):
        Client.connect(socket_url, headers={"Origin": "https://evil.example"})


def test_sign_out_is_a_form_and_a_link_elsewhere_cannot_sign_anyone_out(phone: AppPage) -> None:
    sign_in(phone, "cuong.le", next_path="/vi/account")
    # A page elsewhere linking (or an <img> pointing) to the logout route only shows the button.
    phone.page.goto(phone.base_url + "/auth/logout?next=/vi/account")
    expect(phone.get("sign-out-confirm")).to_be_visible()
    phone.page.goto(phone.base_url + "/vi/account")
    phone.settle()
    expect(phone.get("account-phone")).to_be_visible()  # still signed in
    # The account page's button posts the token; the provider's session ends too (RP-initiated logout).
    with phone.page.expect_navigation():
        phone.click("account-sign-out")
    phone.page.wait_for_url(re.compile(r"/vi/$"))
    phone.settle()
    expect(phone.get("header-sign-in")).to_be_visible()
    phone.page.goto(phone.base_url + "/auth/login?next=/vi/account")
    expect(phone.get("idp-login")).to_be_visible()  # the provider asks for the password again


def test_the_sandbox_banner_shows_on_every_page_in_both_languages(phone: AppPage) -> None:
    phone.goto("/vi/")
    expect(phone.get("sandbox-banner")).to_contain_text("THỬ NGHIỆM")
    phone.goto("/en/track")
    expect(phone.get("sandbox-banner")).to_contain_text("SANDBOX")
    expect(phone.get("sandbox-banner")).to_contain_text("Never enter real personal data")


def test_main_flows_run_under_the_policy(phone: AppPage) -> None:
    """Search, a service, the track lookup and the account page: hydrated and working, no CSP report."""
    violations: list[str] = []
    phone.page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    phone.goto("/vi/")
    phone.fill("home-search-input", "khai sinh")
    phone.click("home-search-submit")
    phone.settle()
    expect(phone.get("search-result-0")).to_be_visible()
    phone.goto("/vi/services/1.001193")
    phone.goto("/vi/track")
    sign_in(phone, "an.nguyen", next_path="/vi/account")
    expect(phone.get("account-phone")).to_have_value(re.compile(r"\d{10}"))
    phone.goto("/en/applications")
    assert violations == []
