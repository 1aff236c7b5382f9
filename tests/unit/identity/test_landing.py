"""Where sign-in lands: the page that asked, except that staff sent to the bare home page go to their workspace."""

from __future__ import annotations

import pytest

from citizen_app.core.identity.landing import landing_path


@pytest.mark.parametrize(
    ("roles", "next_path", "locale", "landing"),
    [
        (("counter_officer",), "/vi/", "vi", "/vi/staff"),
        (("supervisor",), "/en/", "en", "/en/staff"),
        (("citizen", "counter_officer"), "/vi", "vi", "/vi/staff"),
        (("counter_officer",), "/vi/?utm=x", "vi", "/vi/staff"),
        # A page they asked for is kept.
        (("counter_officer",), "/vi/services/1.004222", "vi", "/vi/services/1.004222"),
        (("supervisor",), "/vi/staff/dashboard?days=30", "vi", "/vi/staff/dashboard?days=30"),
        # Citizens land on the home page.
        (("citizen",), "/vi/", "vi", "/vi/"),
        ((), "/en/", "en", "/en/"),
    ],
)
def test_landing_page(roles: tuple[str, ...], next_path: str, locale: str, landing: str) -> None:
    assert landing_path(next_path, roles=roles, locale=locale) == landing
