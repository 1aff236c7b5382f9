"""Where a person lands after signing in.

Sign-in returns to the page that asked for it. When nothing in particular asked (the header's
sign-in link on the home page, a bare ``/auth/login``), the next page is the language's home
page, which is the citizen's. Staff, who come to work, land on their workspace instead.
"""

from __future__ import annotations

from collections.abc import Iterable

STAFF_ROLES: frozenset[str] = frozenset({"counter_officer", "supervisor"})


def landing_page(roles: Iterable[str], next_path: str, locale: str) -> str:
    """``next_path`` as asked for, except that staff sent to the bare home page go to ``/{locale}/staff``."""
    path = next_path.split("?", 1)[0].split("#", 1)[0]
    home = {f"/{locale}", f"/{locale}/", "/"}
    if path in home and STAFF_ROLES & set(roles):
        return f"/{locale}/staff"
    return next_path
