"""Where a person lands after signing in.

Sign-in returns to the page that asked for it. When nothing in particular asked (the header's
sign-in link on the home page, a bare ``/auth/login``), the next page is the language's home
page, which is the citizen's. Staff, who come to work, land on their workspace instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from citizen_app.core.identity.claims import ROLE_COUNTER_OFFICER, ROLE_SUPERVISOR

_STAFF_ROLES = frozenset({ROLE_COUNTER_OFFICER, ROLE_SUPERVISOR})


def landing_path(next_path: str, *, roles: Iterable[str], locale: str) -> str:
    """``next_path``, except that staff who were only on the home page go to their workspace.

    A sign-in started from a particular page (mid-form, a staff queue link) returns there.
    Staff signing in from the home page came to work, not to apply for a service.
    """
    path = next_path.split("?", 1)[0].split("#", 1)[0]
    if path in {"/", f"/{locale}", f"/{locale}/"} and _STAFF_ROLES.intersection(roles):
        return f"/{locale}/staff"
    return next_path
