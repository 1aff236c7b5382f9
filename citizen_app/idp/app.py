"""The sandbox provider as a Starlette app: mount it at ``/idp`` or run it on its own.

    app = create_idp_app(issuer="http://localhost:3000/idp", data_dir=settings.data_dir)
    Mount("/idp", app=app)                      # on the app's own server
    python -m citizen_app idp serve --port 8090  # or as a separate process

Handlers read the request once (async), then do the blocking work (SQLite,
RSA signing, PBKDF2) in a worker thread through the sync :class:`SandboxProvider`.
Every page carries the SANDBOX banner and is rendered in Vietnamese or English
(``ui_locales``; Vietnamese by default).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oidc.core.errors import ConsentRequiredError
from jinja2 import Environment, FileSystemLoader, select_autoescape
from joserfc.jwk import ECKey, RSAKey
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from citizen_app.core.i18n import LOCALES, N_, get_translator, other_locale
from citizen_app.core.identity.oidc import load_client_private_key
from citizen_app.idp.accounts import ACCOUNTS, DEMO_PASSWORD, DemoAccount, authenticate, find_by_subject
from citizen_app.idp.keys import KeyStore
from citizen_app.idp.server import (
    SCOPES_SUPPORTED,
    EndUser,
    RegisteredClient,
    RequestSnapshot,
    SandboxAuthorizationServer,
)
from citizen_app.idp.store import IdpStore
from citizen_app.settings import OidcProviderSettings, Settings, get_settings

log = logging.getLogger(__name__)

SESSION_COOKIE = "vneid_sandbox_session"
CSRF_COOKIE = "vneid_sandbox_csrf"
SESSION_TTL_SECONDS = 8 * 3600
MAX_FORM_BYTES = 64 * 1024

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

# What each scope releases, as the consent screen lists it.
SCOPE_LABELS: dict[str, tuple[str, ...]] = {
    "openid": (N_("An identifier for your account (not your ID number)"),),
    "profile": (N_("Full name"), N_("Role and work unit (staff accounts only)")),
    "vneid_identity": (
        N_("Personal identification number"),
        N_("Date of birth"),
        N_("Sex"),
        N_("Place of origin"),
        N_("Permanent address"),
        N_("Identity level (1 or 2)"),
    ),
    "phone": (N_("Mobile phone number"),),
    "email": (N_("Email address"),),
    "address": (N_("Address"),),
}
ROLE_LABELS = {
    "citizen": N_("Citizen"),
    "counter_officer": N_("Counter officer"),
    "supervisor": N_("Supervisor"),
}


def clients_from_settings(settings: Settings, issuer: str | None = None) -> list[RegisteredClient]:
    """Every client the app has at this sandbox: the citizen provider's and, when a configured
    provider (e.g. the staff sign-on) names the same issuer, that one's too."""
    issuer = (issuer or settings.oidc_issuer).rstrip("/")
    citizen, *others = settings.oidc_providers
    clients = [_registered(citizen, settings)]
    clients += [_registered(p, settings) for p in others if p.issuer.rstrip("/") == issuer]
    return clients


def _registered(provider: OidcProviderSettings, settings: Settings) -> RegisteredClient:
    public_key: RSAKey | ECKey | None = None
    if provider.private_key_path and provider.private_key_path.exists():
        private = load_client_private_key(provider.private_key_path)
        public_key = type(private).import_key(private.as_dict(private=False))
    return RegisteredClient(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        redirect_uris=(provider.redirect_uri, *settings.sandbox_idp_extra_redirect_uris),
        post_logout_redirect_uris=(
            provider.post_logout_redirect_uri,
            *settings.sandbox_idp_extra_post_logout_uris,
        ),
        public_key=public_key,
    )


def create_idp_app(
    issuer: str,
    data_dir: Path,
    *,
    settings: Settings | None = None,
    clients: Sequence[RegisteredClient] | None = None,
) -> Starlette:
    """The sandbox provider for ``issuer``, keeping keys and its database under ``data_dir/idp``."""
    settings = settings or get_settings()
    provider = SandboxProvider(
        issuer=issuer,
        data_dir=data_dir / "idp",
        clients=clients if clients is not None else clients_from_settings(settings, issuer),
        key_alg=settings.sandbox_idp_key_alg,
        code_ttl_seconds=settings.sandbox_idp_code_ttl_seconds,
    )
    return provider.starlette_app()


def app_from_settings() -> Starlette:
    """Factory for ``idp serve``: the issuer is OIDC_ISSUER, the directory DATA_DIR."""
    settings = get_settings()
    return create_idp_app(settings.oidc_issuer, settings.data_dir, settings=settings)


class SandboxProvider:
    """The provider's behaviour, synchronous and framework-free apart from the response types."""

    def __init__(
        self,
        *,
        issuer: str,
        data_dir: Path,
        clients: Sequence[RegisteredClient],
        key_alg: str = "RS256",
        code_ttl_seconds: int = 300,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.keys = KeyStore(data_dir / "keys", alg=key_alg)
        self.keys.ensure()
        self.store = IdpStore(data_dir / "idp.db")
        self.store.purge()
        self.server = SandboxAuthorizationServer(
            issuer=self.issuer,
            store=self.store,
            keys=self.keys,
            clients=clients,
            code_ttl_seconds=code_ttl_seconds,
        )
        self.cookie_path = urlsplit(self.issuer).path or "/"
        self.secure_cookies = self.issuer.startswith("https://")

    # --- the app -----------------------------------------------------------------------------------

    def starlette_app(self) -> Starlette:
        Handler = Callable[[RequestSnapshot], Response]

        def run(name: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                snapshot = await self._snapshot(request, name)
                if snapshot is None:
                    return Response("Request too large", status_code=413)
                return await run_in_threadpool(handler, snapshot)

            return endpoint

        return Starlette(
            routes=[
                Route("/", run("", self.index)),
                Route("/.well-known/openid-configuration", run("discovery", self.discovery)),
                Route("/jwks.json", run("jwks.json", self.jwks)),
                Route("/authorize", run("authorize", self.authorize), methods=["GET", "POST"]),
                Route("/token", run("token", self.token), methods=["POST"]),
                Route("/userinfo", run("userinfo", self.userinfo), methods=["GET", "POST"]),
                Route("/end_session", run("end_session", self.end_session), methods=["GET", "POST"]),
            ]
        )

    async def _snapshot(self, request: Request, name: str) -> RequestSnapshot | None:
        body = b""
        form: list[tuple[str, str]] = []
        if request.method == "POST":
            body = await request.body()
            if len(body) > MAX_FORM_BYTES:
                return None
            if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=100)
        query = parse_qsl(request.url.query, keep_blank_values=True, max_num_fields=100)
        # authlib sees the URL built from the issuer, never from the Host header.
        url = self.server.endpoint(name) if name else self.issuer
        if request.url.query:
            url = f"{url}?{request.url.query}"
        return RequestSnapshot(
            method=request.method,
            url=url,
            headers=request.headers,
            query=query,
            form=form,
            cookies=dict(request.cookies),
            body=body,
        )

    # --- metadata ----------------------------------------------------------------------------------

    def discovery(self, _snapshot: RequestSnapshot) -> Response:
        endpoint = self.server.endpoint
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": endpoint("authorize"),
            "token_endpoint": endpoint("token"),
            "userinfo_endpoint": endpoint("userinfo"),
            "jwks_uri": endpoint("jwks.json"),
            "end_session_endpoint": endpoint("end_session"),
            "scopes_supported": list(SCOPES_SUPPORTED),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "private_key_jwt",
            ],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
            "code_challenge_methods_supported": ["S256"],
            "ui_locales_supported": list(LOCALES),
            "acr_values_supported": ["urn:vneid:loa:1", "urn:vneid:loa:2"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp",
                "name", "family_name", "middle_name", "given_name", "preferred_username", "locale",
                "roles", "unit_level", "unit_code", "unit_name",
                "personal_id", "birthdate", "gender", "place_of_origin", "permanent_address", "vneid_level",
                "phone_number", "phone_number_verified", "email", "email_verified", "address",
            ],
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
        }
        return JSONResponse(document, headers={"Cache-Control": "public, max-age=300"})

    def jwks(self, _snapshot: RequestSnapshot) -> Response:
        # Short cache: clients refetch on an unknown kid anyway, and rotation should show up quickly.
        return JSONResponse(self.keys.public_jwks(), headers={"Cache-Control": "public, max-age=60"})

    # --- token and userinfo ------------------------------------------------------------------------

    def token(self, snapshot: RequestSnapshot) -> Response:
        response = self.server.create_token_response(snapshot)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        if response.status_code != 200:
            log.info("token request refused: HTTP %s", response.status_code)
        return response

    def userinfo(self, snapshot: RequestSnapshot) -> Response:
        return self.server.userinfo_response(snapshot)

    # --- authorization: login, consent, code ---------------------------------------------------------

    def authorize(self, snapshot: RequestSnapshot) -> Response:
        form = dict(snapshot.form)
        if snapshot.method == "POST":
            params = parse_qsl(form.get("authorize_query", ""), keep_blank_values=True, max_num_fields=100)
        else:
            params = list(snapshot.query)
        locale = _locale(dict(params).get("ui_locales"))
        page = _Page(self, snapshot, locale, params)
        request = RequestSnapshot("GET", self.server.endpoint("authorize"), snapshot.headers, query=params)
        session = self.store.find_session(snapshot.cookies.get(SESSION_COOKIE))
        account = find_by_subject(session.subject) if session else None
        end_user = EndUser(account, session.auth_time) if account and session else None

        try:
            grant = self.server.get_consent_grant(request, end_user=end_user)
        except OAuth2Error as error:
            return self._authorization_error(request, error, page)

        if snapshot.method == "POST":
            if not page.csrf_ok(form.get("csrf")):
                return page.message(N_("This form has expired. Please try again."), status=400)
            action = form.get("action")
            if action == "login":
                account = authenticate(form.get("login", ""), form.get("password", ""))
                if account is None:
                    log.info("sandbox sign-in refused: wrong login or password")
                    return page.login(error=N_("Wrong ID number, username or password."), status=400)
                self.store.end_session(snapshot.cookies.get(SESSION_COOKIE))  # no fixation, no leftovers
                raw = self.store.start_session(account.subject, SESSION_TTL_SECONDS)
                end_user = EndUser(account, int(time.time()))
                grant = self.server.get_consent_grant(request, end_user=end_user)
                response = self._after_login(request, grant, end_user, page)
                self._set_cookie(response, SESSION_COOKIE, raw)
                return response
            if action in ("allow", "deny") and end_user is not None:
                if action == "deny":
                    log.info("sandbox consent declined")
                    return self.server.create_authorization_response(request, grant_user=None, grant=grant)
                scopes = set(grant.request.scope.split())
                self.store.grant(end_user.account.subject, grant.client.get_client_id(), scopes)
                return self.server.create_authorization_response(request, grant_user=end_user, grant=grant)
            return page.login()

        if end_user is None or grant.prompt == "login":
            return page.login()
        return self._after_login(request, grant, end_user, page)

    def _after_login(self, request: RequestSnapshot, grant: Any, end_user: EndUser, page: _Page) -> Response:
        """Issue the code at once when this client already has consent for these scopes; else ask."""
        requested = set(grant.request.scope.split())
        prompts = set((dict(request.query).get("prompt") or "").split())
        granted = self.store.granted_scopes(end_user.account.subject, grant.client.get_client_id())
        if requested <= granted and "consent" not in prompts:
            return self.server.create_authorization_response(request, grant_user=end_user, grant=grant)
        if "none" in prompts:
            error = ConsentRequiredError(redirect_uri=grant.redirect_uri)
            error.state = dict(request.query).get("state")
            return self.server.handle_error_response(request, error)
        return page.consent(grant, end_user.account)

    def _authorization_error(self, request: RequestSnapshot, error: OAuth2Error, page: _Page) -> Response:
        # Only a redirect URI that authlib validated against the client may receive the error.
        if error.redirect_uri:
            return self.server.handle_error_response(request, error)
        log.info("sandbox authorization request refused: %s", error.error)
        return page.message(
            N_("This sign-in request is not valid. Go back to the service and try again."),
            status=400,
            detail=f"{error.error}: {error.description}" if error.description else error.error,
        )

    # --- logout ------------------------------------------------------------------------------------

    def end_session(self, snapshot: RequestSnapshot) -> Response:
        locale = _locale(dict([*snapshot.query, *snapshot.form]).get("ui_locales"))
        page = _Page(self, snapshot, locale, list(snapshot.query))
        try:
            validated = self.server.validate_endpoint_request("end_session", snapshot)
        except OAuth2Error as error:
            log.info("sandbox end_session refused: %s", error.error)
            return page.message(N_("This sign-out request is not valid."), status=400, detail=error.error)
        confirmed = snapshot.method == "POST" and page.csrf_ok(dict(snapshot.form).get("csrf"))
        if validated.needs_confirmation and not confirmed:
            return page.confirm_logout()
        response = self.server.create_endpoint_response("end_session", validated)
        self.store.end_session(snapshot.cookies.get(SESSION_COOKIE))
        if response is None:
            asked = dict([*snapshot.query, *snapshot.form]).get("post_logout_redirect_uri")
            note = N_("The return address is not registered for this service, so you stay here.")
            note = note if asked else None
            response = page.message(N_("You are signed out of the sandbox identity provider."), note=note)
        response.delete_cookie(SESSION_COOKIE, path=self.cookie_path)
        return response

    # --- landing page ------------------------------------------------------------------------------

    def index(self, snapshot: RequestSnapshot) -> Response:
        locale = _locale(dict(snapshot.query).get("ui_locales"))
        return _Page(self, snapshot, locale, list(snapshot.query)).render("index.html")

    # --- helpers -----------------------------------------------------------------------------------

    def _set_cookie(self, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name, value, httponly=True, samesite="lax", secure=self.secure_cookies, path=self.cookie_path
        )


class _Page:
    """Renders one HTML page of the provider in one language, with CSRF and security headers."""

    def __init__(
        self, provider: SandboxProvider, snapshot: RequestSnapshot, locale: str, params: list[tuple[str, str]]
    ) -> None:
        self.provider = provider
        self.snapshot = snapshot
        self.locale = locale
        self.params = params
        existing = snapshot.cookies.get(CSRF_COOKIE, "")
        self.csrf = existing if len(existing) == 43 else secrets.token_urlsafe(32)
        self._new_csrf = self.csrf != existing

    def csrf_ok(self, submitted: str | None) -> bool:
        existing = self.snapshot.cookies.get(CSRF_COOKIE, "")
        return bool(submitted and existing) and hmac.compare_digest(submitted or "", existing)

    def _query_with(self, name: str, value: str) -> str:
        kept = [(key, old) for key, old in self.params if key != name]
        return urlencode([*kept, (name, value)])

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        t = get_translator(self.locale)
        html = _TEMPLATES.get_template(template).render(
            t=t,
            _=t.gettext,
            locale=self.locale,
            other_locale=other_locale(self.locale),
            switch_query=self._query_with("ui_locales", other_locale(self.locale)),
            relogin_query=self._query_with("prompt", "login"),
            authorize_query=urlencode(self.params),
            csrf=self.csrf,
            accounts=ACCOUNTS,
            demo_password=DEMO_PASSWORD,
            role_labels=ROLE_LABELS,
            issuer=self.provider.issuer,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        response.headers.update(
            {
                "Cache-Control": "no-store",
                "Content-Security-Policy": (
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                    "frame-ancestors 'none'; base-uri 'none'"
                ),
                "X-Frame-Options": "DENY",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            }
        )
        if self._new_csrf:
            response.set_cookie(
                CSRF_COOKIE,
                self.csrf,
                httponly=True,
                samesite="strict",
                secure=self.provider.secure_cookies,
                path=self.provider.cookie_path,
            )
        return response

    def login(self, error: str | None = None, status: int = 200) -> HTMLResponse:
        return self.render("login.html", status=status, error=error)

    def consent(self, grant: Any, account: DemoAccount) -> HTMLResponse:
        scopes = [scope for scope in grant.request.scope.split() if scope in SCOPE_LABELS]
        items = [label for scope in scopes for label in SCOPE_LABELS[scope]]
        if not account.is_staff:
            items = [label for label in items if label != SCOPE_LABELS["profile"][1]]
        return self.render("consent.html", client=grant.client, account=account, items=items)

    def message(
        self, text: str, *, status: int = 200, detail: str | None = None, note: str | None = None
    ) -> HTMLResponse:
        return self.render("message.html", status=status, text=text, detail=detail, note=note)

    def confirm_logout(self) -> HTMLResponse:
        return self.render("confirm_logout.html", logout_fields=self.params)


def _locale(ui_locales: str | None) -> str:
    """The first supported language in ``ui_locales`` (space-separated, by preference)."""
    for tag in (ui_locales or "").split():
        primary = tag.split("-")[0].lower()
        if primary in LOCALES:
            return primary
    return "vi"
