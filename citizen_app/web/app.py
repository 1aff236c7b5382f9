"""The HTTP side of the app: language negotiation, PWA files, and each area's routes.

Reflex mounts its own app (pages, websocket) underneath this one, so these
routes are matched first.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from citizen_app.core.documents.authority import check_configuration
from citizen_app.core.i18n import LOCALES, get_translator, negotiate_locale, normalize_locale
from citizen_app.settings import get_settings
from citizen_app.web import (
    api,
    auth,
    documents,
    feedback_files,
    files,
    ops,
    payments,
    pwa,
    receipts,
    staff_jobs,
    staff_results,
)
from citizen_app.web.auth import LANG_COOKIE, safe_next
from citizen_app.web.first_paint import FirstPaintMiddleware
from citizen_app.web.page_paths import PagePathMiddleware
from citizen_app.web.security import refuse_sandbox_in_production
from citizen_app.web.service_codes import UnknownServiceMiddleware
from citizen_app.web.staff_guard import StaffGuardMiddleware
from citizen_app.web.templating import render

ONE_YEAR = 365 * 24 * 3600


async def root(request: Request) -> Response:
    """``/`` → ``/vi`` or ``/en``: the saved choice first, then the browser's languages."""
    locale = negotiate_locale(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    response = RedirectResponse(f"/{locale}/", status_code=307)
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


async def choose_language(request: Request) -> Response:
    """Remember the language and return to the same page in it."""
    locale = normalize_locale(request.path_params["locale"])
    target = safe_next(request.query_params.get("next"), locale)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, locale, max_age=ONE_YEAR, samesite="lax", path="/")
    return response


async def offline_page(request: Request) -> Response:
    locale = normalize_locale(request.path_params["locale"])
    return render("offline.html", locale, other_locales=[code for code in LOCALES if code != locale])


async def manifest(request: Request) -> Response:
    locale = normalize_locale(request.path_params["locale"])
    body = json.dumps(pwa.manifest(get_translator(locale)), ensure_ascii=False, indent=1)
    return Response(body, media_type="application/manifest+json", headers={"Cache-Control": "no-cache"})


async def service_worker(_request: Request) -> Response:
    return Response(
        pwa.service_worker_source(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


async def robots(_request: Request) -> Response:
    return PlainTextResponse("User-agent: *\nAllow: /\n")


def foundation_routes() -> list[BaseRoute]:
    return [
        Route("/", root),
        Route("/lang/{locale}", choose_language),
        Route("/{locale:str}/offline", offline_page),
        Route("/{locale:str}/manifest.webmanifest", manifest),
        Route("/sw.js", service_worker),
        Route("/robots.txt", robots),
    ]


def build_http_app() -> Starlette:
    settings = get_settings()
    # Before anything is mounted: a forgotten SANDBOX_IDP=false on a public server stops here.
    refuse_sandbox_in_production(settings)
    # A signing authority that cannot sign (a missing PKCS#12 file, a wrong password) stops the app here too.
    check_configuration(settings)
    routes: list[BaseRoute] = [*foundation_routes(), *auth.routes]
    routes += [*files.routes, *receipts.routes]  # apply online: attachments, receipts, public verification
    routes += [*ops.routes, *staff_jobs.routes]  # health, readiness, metrics; background jobs for supervisors
    routes += [*api.routes, *feedback_files.routes]  # the open API, /api/v1; feedback photos (issue 15)
    routes += payments.routes  # paying fees, providers' notifications, fee receipts (issue 11)
    routes += [*documents.routes, *staff_results.routes]  # issue 13: signed results, the citizen's documents
    if settings.sandbox_sms_enabled:
        from citizen_app.sms_sandbox.app import create_sms_sandbox_app

        # The sandbox SMS gateway (SMS_API_URL points here by default): shows what would have been sent.
        routes.append(Mount("/sandbox/sms", app=create_sms_sandbox_app(settings.data_dir, settings.sms_api_key)))
    if settings.sandbox_payments_enabled:
        from citizen_app.payment_sandbox.app import create_bank_sandbox_app, create_gateway_sandbox_app

        # Issue 11: the sandbox card gateway and the sandbox bank (VietQR transfers), on the app's own server.
        routes.append(Mount("/sandbox/gateway", app=create_gateway_sandbox_app(settings)))
        routes.append(Mount("/sandbox/bank", app=create_bank_sandbox_app(settings)))
    if settings.sandbox_registries_enabled:
        # issue 12: the population, civil-status and social-insurance registries that prefill forms.
        from citizen_app.registry_sandbox.app import create_registry_sandbox_app

        routes.append(Mount("/sandbox/registries", app=create_registry_sandbox_app(settings.registry_api_key)))
    if settings.sandbox_idp_enabled:
        from citizen_app.idp.app import create_idp_app

        # The sandbox provider on the app's own server, so `make run` needs one process only.
        routes.append(Mount("/idp", app=create_idp_app(settings.oidc_issuer, settings.data_dir)))
    middleware = [
        # A request id for every request and log line; request metrics (outermost, so it sees every answer).
        Middleware(ops.RequestContextMiddleware),
        # Staff pages: a 403 (or sign-in) before any of their HTML is served; the Reflex state guards them too.
        Middleware(StaffGuardMiddleware),
        # Search results and the national index's entries in the first HTML response (issue 14).
        Middleware(FirstPaintMiddleware),
        # Prerendered pages at their shared address, with no redirect to a trailing slash.
        Middleware(PagePathMiddleware),
        # /vi/services/<a code nobody knows> is the same page, answered with 404.
        Middleware(UnknownServiceMiddleware),
    ]
    return Starlette(routes=routes, middleware=middleware)
