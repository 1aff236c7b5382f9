"""HTTP hardening around everything the app serves (OWASP ASVS level 2).

:class:`SecurityMiddleware` wraps the whole ASGI app Reflex runs (our routes, Reflex's
upload and websocket endpoints, the compiled pages and static files; see
``citizen_app.py``), so no response can miss it:

* **Headers on every response**: a Content-Security-Policy, ``X-Content-Type-Options``,
  ``X-Frame-Options`` and ``frame-ancestors``, ``Referrer-Policy``, ``Permissions-Policy``,
  and HSTS when the app is served over https. Served attachments (``/files/…``) get
  ``Content-Security-Policy: sandbox``: a file is shown, never run as part of the app.
* **The policy** (:func:`page_policy`) is as strict as Reflex allows:
  - ``script-src 'self'`` plus a SHA-256 hash of each inline script of the HTML page being
    served, computed here from the page itself (the prerendered pages hold React Router's
    and React's inline bootstrap scripts, our two ``<head>`` scripts, and the deferred
    module loader of ``web/defer_hydration.py``, whose module text is hashed too);
  - ``'unsafe-eval'``: forced by Reflex. ``rx.call_script`` and every event callback given
    as a string are run with ``eval`` by Reflex's ``state.js``;
  - ``style-src 'unsafe-inline'``: forced by Reflex's styling (Emotion writes ``<style>``
    elements at run time, with no nonce or hash support in Reflex's build);
  - everything else from the app's own origin only (``'self'``, which covers its
    websocket), images also from ``data:`` and ``blob:`` (the receipt QR code, camera
    previews), no plugins, no ``<base>``, forms only to the app and its identity provider,
    never framed.
  A response that already carries a policy (the sandbox provider's pages, which need no
  script at all) keeps its own.
* **Uploads** (``POST /_upload``): refused unless a valid session comes with them, before
  a byte of the body is read, and refused as soon as the body is over the dossier limit,
  whether ``Content-Length`` says so or the bytes counted while streaming do. Reflex's
  upload route would otherwise parse (and spool to disk) any body first. Every other
  request body is capped at ``MAX_BODY_BYTES``.
* **The websocket** (``/_event``): a browser connecting from another origin is refused
  (cross-site websocket hijacking). Clients that send no ``Origin`` (not browsers) pass.
* **Absurd paths** (longer than the file system can name) answer 404, not 500.
* **Refused events** (a forged or stale websocket event) are logged on one line, without a
  traceback (:func:`event_exception_handler`, :class:`OneLineRefusals`).

:func:`refuse_sandbox_in_production` stops the app when a sandbox would be served on a
public https address, unless ``ALLOW_SANDBOX_IN_PRODUCTION`` says it is on purpose.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citizen_app.core.identity.sessions import AuthenticatedUser, check_cookie_header
from citizen_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

UPLOAD_PATH = "/_upload"
# The one upload a person may make without signing in: a photo with feedback (anyone may send feedback).
# Its own, smaller cap (FEEDBACK_MAX_PHOTO_MB); every other upload handler needs a session. A unit test
# checks the name against the state's.
ANONYMOUS_FEEDBACK_PHOTO_HANDLER = (
    "reflex___state____state.citizen_app___states___base____app_state."
    "citizen_app___states___feedback___flow____feedback_flow_state.upload_photo"
)
EVENT_PATH = "/_event"
ATTACHMENT_PREFIX = "/files/"
# Bodies of every other request: sign-out forms, the sandbox provider's forms (which cap at 64 KB).
MAX_BODY_BYTES = 1024 * 1024
# Longer than any address the app makes; file systems refuse names over 255 bytes.
MAX_PATH_LENGTH = 2048
MAX_SEGMENT_BYTES = 255

PERMISSIONS_POLICY = (
    # The camera for the counter's QR scanner; nothing else a public-service page needs.
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"
)
ATTACHMENT_POLICY = (
    # Shown by the browser (image, PDF viewer) with no script, no form, no same-origin access.
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"

SessionChecker = Callable[[str | None], AuthenticatedUser | None]


class SandboxInProductionError(RuntimeError):
    """A sandbox (e.g. the identity provider with its published staff accounts) on a public address."""


# The variable that turns each sandbox off.
SANDBOX_SWITCHES = {"idp": "SANDBOX_IDP=false", "sms": "SANDBOX_SMS=false", "registries": "SANDBOX_REGISTRIES=false"}
SANDBOX_SWITCHES["payments"] = "SANDBOX_PAYMENTS=false"  # issue 11
SANDBOX_SWITCHES["signing"] = "SIGNING_AUTHORITY=pkcs12"  # issue 13: results signed by the app's own authority


def refuse_sandbox_in_production(settings: Settings) -> None:
    """Refuse to start with an https ``PUBLIC_BASE_URL`` while any sandbox is mounted, unless forced."""
    if not settings.uses_https or not settings.enabled_sandboxes:
        return
    names = ", ".join(settings.enabled_sandboxes)
    if settings.allow_sandbox_in_production:
        log.warning("sandbox (%s) served at %s on purpose (ALLOW_SANDBOX_IN_PRODUCTION)", names,
                    settings.public_base_url)
        return
    switches = ", ".join(SANDBOX_SWITCHES.get(name, name) for name in settings.enabled_sandboxes)
    raise SandboxInProductionError(
        f"the sandbox ({names}) would be served at {settings.public_base_url}: the identity sandbox's public "
        "page lists staff and supervisor accounts and their password, and the others accept anything. "
        f"Set {switches} and point the providers at the real systems, or set "
        "ALLOW_SANDBOX_IN_PRODUCTION=true if this https server is a test system."
    )


# --- the policy -----------------------------------------------------------------------------------------


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def page_policy(settings: Settings, script_hashes: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy of the app's pages, with the hashes of one page's inline scripts."""
    form_targets = ["'self'"]
    # Sign-in and sign-out forms end at the identity provider (redirects after a POST are checked too).
    provider = _origin(settings.oidc_issuer)
    if provider and provider != _origin(settings.public_base_url):
        form_targets.append(provider)
    scripts = " ".join(["'self'", "'unsafe-eval'", *(f"'{digest}'" for digest in script_hashes)])
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "worker-src 'self'",
        "manifest-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        f"form-action {' '.join(form_targets)}",
        "frame-ancestors 'none'",
    ]
    if settings.uses_https:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.S | re.I)
_DEFERRED_MODULE = re.compile(r"s\.textContent=(\"(?:[^\"\\]|\\.)*\");")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def inline_script_hashes(html: str) -> tuple[str, ...]:
    """CSP hashes of every inline script in ``html``, and of the module the deferred loader inserts."""
    hashes: list[str] = []
    for match in _INLINE_SCRIPT.finditer(html):
        if re.search(r"\ssrc\s*=", match.group("attrs")):
            continue
        body = match.group("body")
        hashes.append(_sha256(body))
        # web/defer_hydration.py inserts the page's module script from a JSON string at load time.
        for module in _DEFERRED_MODULE.finditer(body):
            hashes.append(_sha256(json.loads(module.group(1))))
    return tuple(dict.fromkeys(hashes))


_POLICIES: dict[tuple[bytes, str, Settings], str] = {}
_MAX_POLICIES = 4096


def _html_policy(body: bytes, encoding: str, settings: Settings) -> str:
    """Pages are static: the same bytes always get the same policy, computed once (keyed by a digest)."""
    key = (hashlib.blake2b(body, digest_size=16).digest(), encoding, settings)
    policy = _POLICIES.get(key)
    if policy is None:
        if len(_POLICIES) >= _MAX_POLICIES:
            _POLICIES.pop(next(iter(_POLICIES)))
        policy = _POLICIES[key] = _read_policy(body, encoding, settings)
    return policy


def _read_policy(body: bytes, encoding: str, settings: Settings) -> str:
    try:
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding not in ("", "identity"):
            # Brotli or zstd would need a decoder here: such a page runs none of its inline scripts.
            log.warning("cannot read a %s page to hash its scripts", encoding)
            return page_policy(settings)
    except (OSError, zlib.error, EOFError):
        return page_policy(settings)
    return page_policy(settings, inline_script_hashes(body.decode("utf-8", "replace")))


# --- the middleware -------------------------------------------------------------------------------------


def _session_user(cookie_header: str | None) -> AuthenticatedUser | None:
    return check_cookie_header(cookie_header).user


def _same_origin(origin: str, headers: Headers, settings: Settings) -> bool:
    """The page that opened the socket is the app itself: its origin names this host, or the public address."""
    if origin == _origin(settings.public_base_url):
        return True
    parts = urlsplit(origin)
    host = headers.get("host", "")
    if not parts.netloc or not host:
        return False
    default = {"http": "80", "https": "443"}.get(parts.scheme, "")

    def with_port(netloc: str) -> str:
        netloc = netloc.lower()
        return netloc if re.search(r":\d+$", netloc) else f"{netloc}:{default}"

    return with_port(parts.netloc) == with_port(host)


def _path_too_long(path: str) -> bool:
    return len(path) > MAX_PATH_LENGTH or any(
        len(segment.encode("utf-8", "surrogatepass")) > MAX_SEGMENT_BYTES for segment in path.split("/")
    )


def _not_found_page() -> Response:
    from citizen_app.web.page_paths import frontend_build_dir

    try:
        page = frontend_build_dir() / "404.html"
        return HTMLResponse(page.read_text(encoding="utf-8"), status_code=404)
    except (OSError, ImportError, RuntimeError):
        return PlainTextResponse("Không tìm thấy trang · Page not found", status_code=404)


def _upload_limit(headers: Headers, settings: Settings) -> int:
    """A whole dossier's files; a feedback photo (the only upload allowed without a session) much less."""
    if headers.get("reflex-event-handler") == ANONYMOUS_FEEDBACK_PHOTO_HANDLER:
        return settings.feedback_max_photo_mb * 1024 * 1024 + 64 * 1024
    return settings.max_upload_body_bytes


class SecurityMiddleware:
    """Pure ASGI, so streamed responses and the websocket pass through untouched but for their headers."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings | None = None,
        session_user: SessionChecker = _session_user,
    ) -> None:
        self.app = app
        self._settings = settings
        self._session_user = session_user

    @property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = self.settings
        path: str = scope.get("path", "")
        headers = Headers(scope=scope)
        send = self._with_headers(scope, send, settings)

        if _path_too_long(path):
            await _not_found_page()(scope, receive, send)
            return
        if path.startswith(EVENT_PATH) and not self._origin_allowed(headers, settings):
            log.warning("refused a websocket poll from another origin")
            await PlainTextResponse("Cross-origin requests are refused", status_code=403)(scope, receive, send)
            return

        limit = MAX_BODY_BYTES
        if path.rstrip("/") == UPLOAD_PATH and scope.get("method") == "POST":
            limit = _upload_limit(headers, settings)
            refusal = await self._upload_refusal(headers, limit)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(limit)(scope, receive, send)
            return
        await self._counted(scope, receive, send, limit)

    # --- request bodies ---------------------------------------------------------------------------------

    async def _upload_refusal(self, headers: Headers, limit: int) -> Response | None:
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            # Known too large before any session lookup: nothing is read, nothing is asked of the database.
            return _too_large(limit)
        user = await run_in_threadpool(self._session_user, headers.get("cookie"))
        if user is None and headers.get("reflex-event-handler") == ANONYMOUS_FEEDBACK_PHOTO_HANDLER:
            return None  # capped by _upload_limit to one feedback photo
        if user is None:
            log.info("refused an upload without a valid session")
            return JSONResponse({"detail": "Sign in to upload files."}, status_code=401)
        return None

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Pass the request on, cutting its body off (413) once more than ``limit`` bytes have come."""
        received = 0
        overflow = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, overflow
            if overflow:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflow = True
                    # The app sees a client that went away: no parser keeps spooling the rest to disk.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if overflow and not started:
                started = True
                await _too_large(limit)(scope, _no_body, send)
                return
            if overflow:
                return  # whatever the app answered after the cut-off is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not overflow:
                raise
            log.info("a request body over %d bytes was cut off", limit)
        if overflow and not started:
            await _too_large(limit)(scope, _no_body, send)

    # --- websocket --------------------------------------------------------------------------------------

    def _origin_allowed(self, headers: Headers, settings: Settings) -> bool:
        origin = headers.get("origin")
        return origin is None or _same_origin(origin, headers, settings)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        settings = self.settings
        if _path_too_long(scope.get("path", "")) or not self._origin_allowed(headers, settings):
            log.warning("refused a websocket from another origin")
            message = await receive()
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.close", "code": 1008})
            return
        await self.app(scope, receive, send)

    # --- response headers -------------------------------------------------------------------------------

    def _with_headers(self, scope: Scope, send: Send, settings: Settings) -> Send:
        path: str = scope.get("path", "")
        https = settings.uses_https or scope.get("scheme") == "https"
        start: Message | None = None
        buffered: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                _add_common(headers, https)
                if message.get("status") == 304:
                    # The browser keeps the cached page with its policy (and its hashes); a policy here
                    # would replace that one, without the hashes the page needs.
                    pass
                elif path.startswith(ATTACHMENT_PREFIX):
                    headers["Content-Security-Policy"] = ATTACHMENT_POLICY
                elif "content-security-policy" in headers:
                    headers.setdefault("X-Frame-Options", "DENY")
                elif headers.get("content-type", "").startswith("text/html"):
                    start = message  # the policy needs the page's inline scripts: wait for its body
                    return
                else:
                    headers["Content-Security-Policy"] = page_policy(settings)
                await send(message)
                return
            if start is not None and message["type"] == "http.response.pathsend":
                # The server sends the file itself (Starlette's FileResponse under Granian): read it to hash.
                headers = MutableHeaders(scope=start)
                encoding = headers.get("content-encoding", "").strip().lower()
                body = await run_in_threadpool(Path(message["path"]).read_bytes)
                headers["Content-Security-Policy"] = _html_policy(body, encoding, settings)
                await send(start)
                start = None
                await send(message)
                return
            if start is not None and message["type"] == "http.response.body":
                buffered.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(buffered)
                headers = MutableHeaders(scope=start)
                encoding = headers.get("content-encoding", "").strip().lower()
                headers["Content-Security-Policy"] = _html_policy(body, encoding, settings)
                await send(start)
                start = None
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        return send_with_headers


def _add_common(headers: MutableHeaders, https: bool) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if https:
        headers["Strict-Transport-Security"] = HSTS


def _too_large(limit: int) -> Response:
    megabytes = max(1, limit // (1024 * 1024))
    return JSONResponse(
        {"detail": f"The request is larger than {megabytes} MB."},
        status_code=413,
        headers={"Connection": "close"},
    )


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def secure(app: ASGIApp) -> ASGIApp:
    """For ``rx.App(api_transformer=[..., secure])``: the outermost layer of everything Reflex serves."""
    quiet_refused_events()
    return SecurityMiddleware(app)



# --- refused events ---------------------------------------------------------------------------------------

# Exceptions that mean "refused", not "broken": a forged or stale event asked for something not allowed.
_REFUSALS: tuple[type[BaseException], ...] = ()
# A real error keeps its traceback, but one per kind and place a minute: a client replaying a
# crashing event cannot fill the disk with tracebacks.
TRACEBACK_INTERVAL_SECONDS = 60.0
_last_traceback: dict[tuple[str, str], float] = {}


def _refusal_types() -> tuple[type[BaseException], ...]:
    global _REFUSALS
    if not _REFUSALS:
        from citizen_app.core.dossiers.errors import DossierError
        from citizen_app.core.identity.permissions import PermissionDenied

        _REFUSALS = (DossierError, PermissionDenied)
    return _REFUSALS


def _where(exception: BaseException) -> str:
    trace = exception.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return f"{trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}" if trace else "?"


def event_exception_handler(exception: Exception) -> None:
    """Reflex's ``backend_exception_handler``: one line for a refusal, a throttled traceback for a bug.

    Nothing is sent to the browser (Reflex's default would send a toast the app does not show);
    each page already shows its own bilingual error notices.
    """
    import time

    if isinstance(exception, _refusal_types()):
        log.warning("event refused: %s: %s", type(exception).__name__, exception)
        return None
    key = (type(exception).__name__, _where(exception))
    now = time.monotonic()
    if now - _last_traceback.get(key, -TRACEBACK_INTERVAL_SECONDS) >= TRACEBACK_INTERVAL_SECONDS:
        _last_traceback[key] = now
        log.error("event failed: %s: %s", type(exception).__name__, exception, exc_info=exception)
    else:
        log.error("event failed again: %s: %s (at %s)", type(exception).__name__, exception, key[1])
    return None


class OneLineRefusals(logging.Filter):
    """Reflex logs an event naming no registered handler (what a forged event does) with a traceback.

    Anyone can send such events over the websocket; the record keeps its one-line message only.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and "No registered handler found" in str(record.exc_info[1]):
            record.msg = f"event refused: {record.exc_info[1]}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_refused_events() -> None:
    """Install :class:`OneLineRefusals` on Reflex's event processor logger (once)."""
    logger = logging.getLogger("reflex_base.event.processor.event_processor")
    if not any(isinstance(existing, OneLineRefusals) for existing in logger.filters):
        logger.addFilter(OneLineRefusals())
