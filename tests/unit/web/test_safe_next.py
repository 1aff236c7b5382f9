"""``safe_next`` decides where a person goes after signing in (or switching language): same site only."""

from __future__ import annotations

import pytest

from citizen_app.web.auth import safe_next


@pytest.mark.parametrize(
    "requested",
    [
        "https://evil.example/steal",
        "//evil.example",
        "/%2F%2Fevil.example",  # decoded, a protocol-relative address
        "/%252F%252Fevil.example",  # encoded twice
        "/vi/../..//evil.example",  # dot segments resolve to //evil.example
        "/%2e%2e/%2e%2e//evil.example",
        "/vi/%2e%2e/%2e%2e//evil.example",
        "/%09/evil.example",  # a tab, which URL parsers drop
        "/%0d%0aSet-Cookie:x=1",
        "/\\evil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
        "/auth/logout",
        "/vi/../auth/logout",
        "/%61uth/logout",
        "vi/",
        "",
        None,
        "/" + "a" * 1001,
    ],
)
def test_anything_that_could_leave_the_site_becomes_the_home_page(requested: str | None) -> None:
    assert safe_next(requested, "vi") == "/vi/"


@pytest.mark.parametrize(
    ("requested", "kept"),
    [
        ("/en/search?q=khai+sinh", "/en/search?q=khai+sinh"),
        ("/vi/account#phone", "/vi/account#phone"),
        ("/vi/./services/../search?q=a#b", "/vi/search?q=a#b"),
        ("/vi/track?code=000.00.20.H01-261116-0001&next=//x", "/vi/track?code=000.00.20.H01-261116-0001&next=//x"),
        ("/files/12", "/files/12"),
        ("/vi/..", "/"),
    ],
)
def test_same_site_paths_are_kept_resolved(requested: str, kept: str) -> None:
    assert safe_next(requested, "en") == kept
