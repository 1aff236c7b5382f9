"""The state registries that prefill forms, over their JSON API (``REGISTRY_API_URL``).

One small client for the population & residence registry, the civil-status registry and the
social-insurance registry (issue 12). The prefill sources (``core/prefill/sources``) call it on a
worker thread with their own timeout; any failure is :class:`SourceUnavailable` to them, so a
registry that is down leaves its fields empty and editable. Records are plain dicts:

* ``GET /population/people/{id}`` → ``{full_name, date_of_birth, sex, permanent_address, household_head}``
* ``GET /civil-status/marriages/{id}`` → ``{married: bool, spouse: {full_name, personal_id, date_of_birth}}``
* ``GET /social-insurance/people/{id}`` → ``{insurance_number, insured: bool}``

404 means "no record" (an empty answer, not a failure). Sandbox: ``citizen_app/registry_sandbox``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from citizen_app.core.prefill.source import SourceUnavailable

_ID = re.compile(r"^\d{12}$")

# Tests replace the transport (no network); None: plain httpx.
Transport = Callable[[str, float], tuple[int, Any]]
_transport: Transport | None = None


def use_transport(transport: Transport | None) -> None:
    """Answer registry calls with ``transport(path, timeout) -> (status, json)`` (tests); None resets."""
    global _transport
    _transport = transport


def _http(path: str, timeout: float) -> tuple[int, Any]:
    from citizen_app.settings import get_settings

    settings = get_settings()
    response = httpx.get(
        settings.registry_api_url + path,
        headers={"Authorization": f"Bearer {settings.registry_api_key}"},
        timeout=timeout,
    )
    return response.status_code, (response.json() if response.status_code == 200 else None)


def fetch_record(path: str, personal_id: Any, timeout: float) -> dict[str, Any] | None:
    """The record at ``path/<id>``; None when the registry has none; SourceUnavailable when it cannot answer."""
    pid = "".join(str(personal_id or "").split())
    if not _ID.match(pid):
        return None
    try:
        status, body = (_transport or _http)(f"{path}/{pid}", timeout)
    except (httpx.HTTPError, ValueError) as problem:
        raise SourceUnavailable(str(problem)) from problem
    if status == 404:
        return None
    if status != 200 or not isinstance(body, dict):
        raise SourceUnavailable(f"registry answered {status}")
    return body
