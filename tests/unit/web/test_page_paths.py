"""A prerendered page answers at its address as shared: no 307 to a trailing slash."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from citizen_app.web.page_paths import PagePathMiddleware, _has_index

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from starlette.testclient import TestClient


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    build = tmp_path / "client"
    for page in ("vi/search", "vi/services/1.001193", "en/services/1.001193"):
        (build / page).mkdir(parents=True)
        (build / page / "index.html").write_text(f"<p>{page}</p>")
    (build / "assets").mkdir()
    (build / "assets" / "app.js").write_text("1")

    async def offline(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"offline {request.path_params['locale']}")

    app = Starlette(
        routes=[Route("/{locale}/offline", offline), Mount("/", StaticFiles(directory=build, html=True))],
        middleware=[Middleware(PagePathMiddleware, build_dir=build)],
    )
    return TestClient(app, follow_redirects=False)


@pytest.mark.parametrize("path", ["/vi/search", "/vi/services/1.001193", "/en/services/1.001193"])
def test_a_prerendered_page_is_served_without_a_redirect(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.text == f"<p>{path.lstrip('/')}</p>"


def test_the_query_string_is_kept(client: TestClient) -> None:
    assert client.get("/vi/search?q=khai+sinh").status_code == 200


@pytest.mark.parametrize("path", ["/vi/offline", "/assets/app.js", "/vi/search/"])
def test_other_addresses_pass_through_untouched(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200


def test_only_a_normalised_path_inside_the_build_counts_as_a_page(tmp_path: Path) -> None:
    build = tmp_path / "client"
    (build / "vi" / "search").mkdir(parents=True)
    (build / "vi" / "search" / "index.html").write_text("<p>search</p>")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "index.html").write_text("<p>outside</p>")
    assert _has_index(build, "/vi/search")
    assert not _has_index(build, "/vi/x/../search")  # dot segments are never resolved here
    assert not _has_index(build, "/vi/../../secret")
    assert not _has_index(build, "/vi//search")
    assert not _has_index(build, "/vi/nothing")


def test_a_post_is_never_rewritten(client: TestClient) -> None:
    assert client.post("/vi/search").status_code == 405
