"""Sign-in, callback and sign-out over plain HTTP (the Reflex app mounts these routes).

    GET  /auth/login?next=/vi/...   start OpenID Connect sign-in with the default (citizen) provider,
                                    or the staff sign-on when ``next`` is a staff page
    GET  /auth/<key>/login?next=…   the same with another configured provider (e.g. staff sign-on)
    GET  /auth/callback             the default provider's redirect: validate, start a session, go on
    GET  /auth/<key>/callback       another provider's (the path of its registered redirect URI)
    POST /auth/logout               end the session here, then at the provider that signed it in;
                                    needs the session's sign-out token (GET shows the button)
    GET  /auth/logged-out           where the provider sends the browser after logout
    GET  /auth/error?reason=…       an error page again, e.g. in the other language

Which providers exist, and how each one's claims are read, is ``core.identity.providers``.

Every failure renders a page in the reader's language with a "try again" link,
creates no session, and is logged by reason only (never codes, tokens, state or
cookies). The handlers are synchronous: Starlette runs them in a worker thread,
so blocking database and provider calls never stall the event loop.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs, quote, unquote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core import audit
from citizen_app.core.i18n import (
    LOCALES,
    N_,
    normalize_locale,
    other_locale,
    switch_locale_in_path,
)
from citizen_app.core.identity.csrf import form_token, form_token_valid
from citizen_app.core.identity.landing import landing_path
from citizen_app.core.identity.oidc import (
    LoginError,
    LoginFailure,
    OidcClient,
    PendingLogin,
    consume_login_transaction,
)
from citizen_app.core.identity.providers import IdentityProvider, ProviderRegistry, identity_providers
from citizen_app.core.identity.sessions import create_session, end_session, session_cookie_options
from citizen_app.core.identity.users import primary_role, upsert_user
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.web.templating import render

log = logging.getLogger(__name__)

LANG_COOKIE = "lang"
LOGIN_STATE_COOKIE = "citizen_login_state"

_STATE = (N_("We could not finish signing you in"), N_(
    "This sign-in did not start in this browser, or it was already finished. For your safety we stopped it."
))
_TOKEN = (N_("We could not verify your identity"), N_(
    "The identity information we received could not be checked. For your safety you are not signed in."
))
# reason → (title, explanation, HTTP status)
_PAGES: dict[LoginFailure, tuple[str, str, int]] = {
    LoginFailure.STATE_MISSING: (*_STATE, 400),
    LoginFailure.STATE_MISMATCH: (*_STATE, 400),
    LoginFailure.LOGIN_EXPIRED: (
        N_("Your sign-in has expired"),
        N_("Signing in took too long, so we stopped it. Please start again."),
        400,
    ),
    LoginFailure.ACCESS_DENIED: (
        N_("Sign-in cancelled"),
        N_("You chose not to share your information with the portal, so you are not signed in."),
        403,
    ),
    LoginFailure.CODE_MISSING: (
        N_("We could not finish signing you in"),
        N_("The identity provider did not send back a sign-in code."),
        400,
    ),
    LoginFailure.CODE_REJECTED: (
        N_("We could not finish signing you in"),
        N_("This sign-in code was already used or has expired."),
        400,
    ),
    LoginFailure.NONCE_MISMATCH: (*_TOKEN, 400),
    LoginFailure.TOKEN_SIGNATURE: (*_TOKEN, 400),
    LoginFailure.TOKEN_ISSUER: (*_TOKEN, 400),
    LoginFailure.TOKEN_AUDIENCE: (*_TOKEN, 400),
    LoginFailure.TOKEN_EXPIRED: (*_TOKEN, 400),
    LoginFailure.TOKEN_INVALID: (*_TOKEN, 400),
    LoginFailure.PROVIDER_ERROR: (
        N_("The identity provider reported a problem"),
        N_("Signing in did not work this time. Please try again in a few minutes."),
        502,
    ),
    LoginFailure.PROVIDER_UNREACHABLE: (
        N_("The identity provider cannot be reached"),
        N_("We cannot contact the identity provider right now. Please try again in a few minutes."),
        502,
    ),
    LoginFailure.PROVIDER_TIMEOUT: (
        N_("The identity provider is not answering"),
        N_("The identity provider is taking too long to answer. Please try again in a few minutes."),
        504,
    ),
    LoginFailure.NOT_STAFF: (
        N_("This sign-in is for public service staff"),
        N_("Your account has no staff role, so you are not signed in here. Citizens sign in from the home page."),
        403,
    ),
}

Clock = Callable[[], datetime]
ClientFactory = Callable[[IdentityProvider], OidcClient]
STAFF_SIGN_IN = "staff"


def safe_next(raw: str | None, locale: str) -> str:
    """Only a same-site path may follow sign-in; anything else becomes this language's home page.

    Checked on what the path turns into, not on how it is written: percent-escapes are decoded
    (repeatedly, as a chain of servers might) and dot segments resolved first, so
    ``/%2F%2Fevil``, ``/vi/../..//evil``, ``/%09/evil`` or ``/%5Cevil`` cannot become a
    protocol-relative address. The path is returned with its dot segments resolved.
    """
    default = f"/{locale}/"
    if not raw or len(raw) > 1000 or not raw.startswith("/"):
        return default
    decoded = raw
    for _ in range(3):
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    # Browsers treat "\" like "/"; control characters (a tab is dropped by URL parsers) can split headers.
    if "\\" in decoded or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in decoded):
        return default
    path, query_sep, rest = raw.partition("?")
    if not query_sep:
        path, fragment_sep, fragment = raw.partition("#")
        rest = f"{fragment_sep}{fragment}" if fragment_sep else ""
    else:
        rest = f"?{rest}"
    path = _resolve_dot_segments(path)
    plain = unquote(unquote(path))
    if path.startswith("//") or plain.startswith("//") or plain.startswith("/auth/"):
        return default
    parts = urlsplit(path + rest)
    if parts.scheme or parts.netloc:
        return default
    return path + rest


def _resolve_dot_segments(path: str) -> str:
    """RFC 3986 remove_dot_segments, also for escaped dots (``%2e%2e``)."""
    kept: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        name = unquote(segment)
        last = index == len(segments) - 1
        if name == "..":
            if kept:
                kept.pop()
            if last:
                kept.append("")
        elif name == ".":
            if last:
                kept.append("")
        else:
            kept.append(segment)
    return "/" + "/".join(kept)


def locale_of(next_path: str | None, request: Request) -> str:
    """The language of the page being returned to, else the remembered choice, else Vietnamese."""
    if next_path:
        first = next_path.split("?", 1)[0].split("/")
        if len(first) > 1 and first[1] in LOCALES:
            return first[1]
    return normalize_locale(request.cookies.get(LANG_COOKIE))


def build_routes(
    client_factory: ClientFactory = OidcClient,
    clock: Clock = utcnow,
    providers: ProviderRegistry | None = None,
) -> list[BaseRoute]:
    """The auth routes for every configured provider.

    Tests pass their own client factory (e.g. with a fault-injecting transport), clock or providers.
    """
    registry = providers or identity_providers()

    def login_with(provider: IdentityProvider | None) -> Callable[[Request], Response]:
        """``None``: the provider for where the person is going (staff pages: the staff sign-on)."""

        def login(request: Request) -> Response:
            requested = request.query_params.get("next")
            locale = locale_of(requested, request)
            next_path = safe_next(requested, locale)
            chosen = provider or registry.for_next_path(next_path)
            client = client_factory(chosen)
            try:
                client.metadata()  # the network first, outside the database transaction
                with unit_of_work() as db:
                    url = client.begin_login(db, next_path=next_path, locale=locale, now=clock())
            except LoginError as error:
                return _failure(request, error, locale=locale, next_path=next_path, provider=chosen)
            state = _query_value(url, "state")
            response = _no_store(RedirectResponse(url, status_code=303))
            # Binds the sign-in to this browser: a callback URL planted in another browser fails here.
            response.set_cookie(
                LOGIN_STATE_COOKIE,
                state,
                max_age=get_settings().oidc_login_timeout_minutes * 60,
                path="/auth",
                httponly=True,
                samesite="lax",
                secure=get_settings().uses_https,
            )
            return response

        return login

    def callback_for(provider: IdentityProvider) -> Callable[[Request], Response]:
        def callback(request: Request) -> Response:
            return _callback(request, provider)

        return callback

    def _callback(request: Request, provider: IdentityProvider) -> Response:
        now = clock()
        params = dict(request.query_params)
        state = params.get("state")
        fallback_locale = locale_of(None, request)
        bound = request.cookies.get(LOGIN_STATE_COOKIE)
        if state and not (bound and hmac.compare_digest(bound.encode(), state.encode())):
            return _failure(
                request, LoginError(LoginFailure.STATE_MISMATCH, "state differs from this browser's sign-in"),
                locale=fallback_locale, provider=provider,
            )
        pending: PendingLogin | None = None
        failure: LoginError | None = None
        with unit_of_work() as db:
            try:
                pending = consume_login_transaction(db, state, now)
            except LoginError as error:
                failure = error  # caught inside, so the single-use delete still commits
        if pending is None:
            assert failure is not None
            locale = failure.locale or fallback_locale
            return _failure(request, failure, locale=locale, next_path=failure.next_path, provider=provider)
        try:
            verified = client_factory(provider).finish_login(pending, params, now=now)
        except LoginError as error:
            return _failure(request, error, locale=pending.locale, next_path=error.next_path, provider=provider)

        with unit_of_work() as db:
            user = upsert_user(db, verified.issuer, verified.identity, now)
            settings = get_settings()
            end_session(db, request.cookies.get(settings.session_cookie_name), now, reason="replaced")
            raw, session = create_session(
                db, user, now, locale=pending.locale, id_token=verified.id_token, provider=provider.key
            )
            audit.record(
                db,
                action="auth.login",
                target_type="user",
                target_id=str(user.id),
                actor_id=str(user.id),
                actor_role=primary_role(user.roles),
                details={
                    "session": session.id,
                    "assurance_level": user.assurance_level,
                    "provider": provider.key,
                },
            )
            roles = tuple(user.roles)
        log.info("user %s signed in with %s (session %s)", user.id, provider.key, session.id)
        target = landing_path(verified.next_path, roles=roles, locale=pending.locale)
        response = _no_store(RedirectResponse(target, status_code=303))
        response.set_cookie(value=raw, **session_cookie_options())
        response.delete_cookie(LOGIN_STATE_COOKIE, path="/auth")
        return response

    def end_here_and_at_provider(raw: str | None, locale: str) -> Response:
        with unit_of_work() as db:
            ended = end_session(db, raw, clock(), reason="logout")
            id_token = ended.id_token if ended else None
            signed_in_with = registry.find(ended.provider) if ended else None
            if ended is not None:
                audit.record(
                    db,
                    action="auth.logout",
                    target_type="user",
                    target_id=str(ended.user_id),
                    actor_id=str(ended.user_id),
                    details={"session": ended.id},
                )
        target = None
        # A provider removed from the configuration since sign-in: the session ends here only.
        if ended is not None and signed_in_with is not None:
            target = client_factory(signed_in_with).logout_url(id_token=id_token, locale=locale)
        response = _no_store(RedirectResponse(target or f"/{locale}/", status_code=303))
        options = session_cookie_options()
        response.delete_cookie(
            options["key"], path=options["path"], secure=options["secure"], httponly=True, samesite="lax"
        )
        return response

    async def logout(request: Request) -> Response:
        """POST with the session's sign-out token ends the session; GET only shows the sign-out button.

        A link or an image elsewhere must not sign anyone out (CSRF), so a sign-out is a form
        carrying ``core.identity.csrf.form_token`` of this session.
        """
        raw = request.cookies.get(get_settings().session_cookie_name)
        if request.method != "POST":
            requested = request.query_params.get("next")
            locale = locale_of(requested, request)
            return _sign_out_page(locale, safe_next(requested, locale), form_token(raw))
        async with request.form(max_files=0, max_fields=8, max_part_size=4096) as form:
            submitted, requested = form.get("csrf"), form.get("next")
        requested = requested if isinstance(requested, str) else None
        locale = locale_of(requested, request)
        if raw and not form_token_valid(raw, submitted if isinstance(submitted, str) else None):
            log.warning("sign-out refused: missing or wrong form token")
            return _sign_out_page(locale, safe_next(requested, locale), form_token(raw), expired=True)
        return await run_in_threadpool(end_here_and_at_provider, raw, locale)

    def logged_out(request: Request) -> Response:
        return RedirectResponse(f"/{locale_of(None, request)}/", status_code=303)

    def error_page(request: Request) -> Response:
        """The same error page in another language (the page's language switch links here)."""
        try:
            reason = LoginFailure(request.query_params.get("reason", ""))
        except ValueError:
            reason = LoginFailure.PROVIDER_ERROR
        locale = normalize_locale(request.query_params.get("lang"))
        next_path = safe_next(request.query_params.get("next"), locale)
        provider = registry.find(request.query_params.get("provider")) or registry.default
        return _render(reason, locale, next_path, provider)

    routes: list[BaseRoute] = []
    for provider in registry:
        routes.append(Route(f"/auth/{provider.key}/login", login_with(provider), methods=["GET"]))
        if provider.is_default:
            routes.append(Route("/auth/login", login_with(None), methods=["GET"]))
        routes.append(Route(provider.callback_path, callback_for(provider), methods=["GET"]))
    if registry.find(STAFF_SIGN_IN) is None:
        # The staff sign-in button's address works whatever the staff sign-on's key, or without one
        # (staff then sign in with the citizen provider, whose roles claim says who is staff).
        staff = registry.staff_sign_on or registry.default
        routes.append(Route(f"/auth/{STAFF_SIGN_IN}/login", login_with(staff), methods=["GET"]))
    return [
        *routes,
        Route("/auth/logout", logout, methods=["GET", "POST"]),  # GET: the sign-out button only
        Route("/auth/logged-out", logged_out, methods=["GET"]),
        Route("/auth/error", error_page, methods=["GET"]),
    ]


def _failure(
    request: Request,
    error: LoginError,
    *,
    locale: str,
    next_path: str | None = None,
    provider: IdentityProvider | None = None,
) -> Response:
    """Log by reason (no secrets) and show the page. No session is created.

    Not written to the audit trail: anyone can call the callback, and the trail must not be
    floodable by anonymous requests.
    """
    log.warning("sign-in failed: %s (%s)", error.reason.value, error.detail or "no detail")
    response = _render(error.reason, locale, safe_next(next_path, locale), provider)
    response.delete_cookie(LOGIN_STATE_COOKIE, path="/auth")
    return response


def _render(
    reason: LoginFailure, locale: str, next_path: str, provider: IdentityProvider | None = None
) -> HTMLResponse:
    title, explanation, status = _PAGES[reason]
    other = other_locale(locale)
    # Someone without a staff role tries again as a citizen, not at the staff sign-on once more.
    if reason is LoginFailure.NOT_STAFF or provider is None:
        login_path, provider_query = "/auth/login", ""
    else:
        login_path, provider_query = provider.login_path, f"&provider={provider.key}"
    response = render(
        "auth/error.html",
        locale,
        status_code=status,
        title=title,
        explanation=explanation,
        reason=reason.value,
        retry_url=f"{login_path}?next={quote(next_path, safe='/')}",
        home_url=f"/{locale}/",
        other_locale=other,
        other_url=(
            f"/auth/error?reason={reason.value}&lang={other}{provider_query}"
            f"&next={quote(switch_locale_in_path(next_path, other), safe='/')}"
        ),
    )
    return _no_store(response)


def _sign_out_page(locale: str, next_path: str, token: str, *, expired: bool = False) -> Response:
    other = other_locale(locale)
    response = render(
        "auth/sign_out.html",
        locale,
        status_code=400 if expired else 200,
        csrf=token,
        next_path=next_path,
        expired=expired,
        other_locale=other,
        other_url=f"/auth/logout?next={quote(switch_locale_in_path(next_path, other), safe='/')}",
    )
    return _no_store(response)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    # The callback URL carries the code: never leak it in a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _query_value(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query).get(name, [""])[0]


routes: list[BaseRoute] = build_routes()
