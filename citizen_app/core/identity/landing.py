"""Where someone lands after signing in."""

from __future__ import annotations

from collections.abc import Iterable

from citizen_app.core.identity.claims import ROLE_COUNTER_OFFICER, ROLE_SUPERVISOR

_STAFF_ROLES = frozenset({ROLE_COUNTER_OFFICER, ROLE_SUPERVISOR})


def landing_path(next_path: str, *, roles: Iterable[str], locale: str) -> str:
    """``next_path``, except that staff who were only on the home page go to their workspace.

    A sign-in started from a particular page (mid-form, a staff queue link) returns there.
    Staff signing in from the home page came to work, not to apply for a service.
    """
    home = f"/{locale}"
    if next_path.rstrip("/") == home and _STAFF_ROLES.intersection(roles):
        return f"/{locale}/staff"
    return next_path
