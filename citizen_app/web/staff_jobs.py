"""Background jobs for supervisors: how many wait, and those that failed every attempt.

    GET  /{locale}/staff/jobs                   the queue's depth and the failed jobs (supervisors)
    POST /{locale}/staff/jobs/{job_id}/retry    send one failed job round again (audited)

Server-rendered (no tab state): the page is small and read rarely. Anyone not a supervisor
gets the staff 403 page (the staff guard has already sent others to sign in or refused them).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core import jobs
from citizen_app.core.i18n import N_, normalize_locale, other_locale
from citizen_app.core.identity.denials import record_denial
from citizen_app.core.identity.permissions import PermissionDenied, require_role
from citizen_app.core.identity.sessions import AuthenticatedUser, check_cookie_header
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.web.templating import render

TASK_LABELS = {
    "notifications.email": N_("Email to a citizen"),
    "notifications.sms": N_("Text message to a citizen"),
    "housekeeping.purge_drafts": N_("Delete old drafts"),
    "housekeeping.purge_jobs": N_("Delete finished jobs"),
    "dashboard.rollup": N_("Dashboard figures"),
    "payments.reconcile": N_("Payment reconciliation"),
}
STATUS_LABELS = {
    "queued": N_("Waiting"),
    "running": N_("Running"),
    "done": N_("Done"),
    "failed": N_("Failed"),
}


def _supervisor(request: Request, locale: str) -> tuple[AuthenticatedUser | None, Response | None]:
    user = check_cookie_header(request.headers.get("cookie")).user
    try:
        return require_role(user, "supervisor"), None
    except PermissionDenied as denied:
        if denied.user is not None:
            with unit_of_work() as db:
                record_denial(db, denied, action="staff.jobs", target_type="page", target_id=request.url.path)
        other = other_locale(locale)
        response = render(
            "staff/forbidden.html",
            locale,
            status_code=403,
            name=denied.user.display_name if denied.user else "",
            home_url=f"/{locale}/",
            sign_out_url=f"/auth/logout?next=/{locale}/",
            other_locale=other,
            other_url=f"/{other}/staff/jobs",
        )
        response.headers["Cache-Control"] = "no-store"
        return None, response


def _page(request: Request) -> Response:
    locale = normalize_locale(request.path_params["locale"])
    _user, refusal = _supervisor(request, locale)
    if refusal is not None:
        return refusal
    with unit_of_work() as db:
        depth = jobs.depth(db)
        failed = jobs.failed_jobs(db)
    other = other_locale(locale)
    response = render(
        "staff/jobs.html",
        locale,
        depth=depth,
        failed=failed,
        task_labels=TASK_LABELS,
        status_labels=STATUS_LABELS,
        retried=request.query_params.get("retried"),
        other_locale=other,
        other_url=f"/{other}/staff/jobs",
        staff_url=f"/{locale}/staff",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _same_origin(request: Request) -> bool:
    """A form post from our own pages: the browser says so (Origin, or Sec-Fetch-Site)."""
    origin = request.headers.get("origin")
    if origin:
        ours = urlsplit(get_settings().public_base_url)
        theirs = urlsplit(origin)
        return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc) or theirs.netloc == request.url.netloc
    return request.headers.get("sec-fetch-site") in (None, "same-origin")


def _retry(request: Request) -> Response:
    locale = normalize_locale(request.path_params["locale"])
    user, refusal = _supervisor(request, locale)
    if refusal is not None or user is None:
        return refusal or Response(status_code=403)
    if not _same_origin(request):
        return Response("cross-site request refused", status_code=403)
    job_id: int = request.path_params["job_id"]
    with unit_of_work() as db:
        jobs.retry_as_supervisor(
            db, job_id, actor_id=str(user.user_id), actor_role=user.actor_role, now=utcnow()
        )
    return RedirectResponse(f"/{locale}/staff/jobs?retried={job_id}", status_code=303)


async def jobs_page(request: Request) -> Response:
    return await run_in_threadpool(_page, request)


async def retry_job(request: Request) -> Response:
    return await run_in_threadpool(_retry, request)


routes: list[BaseRoute] = [
    Route("/{locale:str}/staff/jobs", jobs_page, methods=["GET"]),
    Route("/{locale:str}/staff/jobs/{job_id:int}/retry", retry_job, methods=["POST"]),
]
