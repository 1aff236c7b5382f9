"""The first HTML response of the results page and of the national index's entries (issue 14, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from citizen_app.core.catalog import Catalog, get_catalog
from citizen_app.core.catalog.index_import import IndexRow, procedures_from_rows
from citizen_app.core.i18n import get_translator
from citizen_app.ui.catalog_view import PAGE_SIZE, SearchParams, results_page
from citizen_app.web import first_paint
from citizen_app.web.first_paint import (
    TEMPLATE_CODE,
    FirstPaint,
    FirstPaintMiddleware,
    fill,
    first_paint_for,
    prerender_template_pages,
    render_search_count,
    render_search_results,
    render_service,
)

INFORMATION_ONLY = "1.000294"  # "Bãi bỏ đường ngang", from the national index
CURATED = "1.001193"  # birth registration: a prerendered page of its own

# What React Router's prerendered pages hold around the slots (attribute order as React writes it).
PAGE = (
    "<html><head><title>{title}</title></head><body><header>"
    '<a class="lang-switch" data-testid="lang-switch" href="/lang/{other}?next=%2F{other}%2F{route}%2F">x</a>'
    '<a data-testid="header-sign-in" href="/auth/login?next=%2F{locale}%2F{route}%2F">in</a></header>'
    '<input class="input" data-testid="search-input" id="search-q" name="q" type="search"/>'
    '<section class="results"><div class="results-bar"><div class="rx-Html first-paint" id="first-paint-count"></div>'
    '<select class="select" data-testid="sort" id="search-sort" name="sort"><option value="relevance" selected="">'
    'Best</option><option value="name">Name</option></select></div>'
    '<div class="rx-Html first-paint" id="{slot}">{default}</div>'
    '<button class="button show-more" data-testid="search-more" hidden="" type="button">More</button></section>'
    "<footer><div>after</div></footer></body></html>"
)


def template(locale: str, route: str, slot: str, default: str = "") -> str:
    other = "en" if locale == "vi" else "vi"
    return PAGE.format(title="Template", locale=locale, other=other, route=route, slot=slot, default=default)


@pytest.fixture(autouse=True)
def catalog(monkeypatch: pytest.MonkeyPatch) -> Catalog:
    """The curated catalogue and one entry of the national index (unit tests seed no database)."""
    curated = get_catalog()
    row = IndexRow(INFORMATION_ONLY, "Bãi bỏ đường ngang", "province", "Cấp tỉnh", "Đường sắt", "Bộ Xây dựng")
    catalog = Catalog(curated.taxonomy, curated.curated(), procedures_from_rows([row], curated.taxonomy))
    monkeypatch.setattr(first_paint, "get_catalog", lambda: catalog)
    return catalog


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    for locale in ("vi", "en"):
        search = tmp_path / locale / "search"
        search.mkdir(parents=True)
        (search / "index.html").write_text(template(locale, "search", "first-paint-search"), encoding="utf-8")
        service = tmp_path / locale / "services" / TEMPLATE_CODE
        service.mkdir(parents=True)
        loading = '<p class="loading" data-testid="service-loading">Loading…</p>'
        (service / "index.html").write_text(
            template(locale, f"services/{TEMPLATE_CODE}", "first-paint-service", loading), encoding="utf-8"
        )
        curated = tmp_path / locale / "services" / CURATED
        curated.mkdir(parents=True)
        (curated / "index.html").write_text("<html>curated</html>", encoding="utf-8")
    return tmp_path


# ---- the renderers --------------------------------------------------------------------------------


def test_search_results_show_the_first_page_with_the_pages_test_ids() -> None:
    t = get_translator("vi")
    page = results_page(SearchParams(q="khai sinh"), t)
    html = render_search_results(page, t)

    assert len(page.cards) == min(PAGE_SIZE, page.total) > 0
    for index, card in enumerate(page.cards):
        assert f'data-testid="search-result-{index}" data-code="{card.code}" href="/vi/services/{card.code}"' in html
    assert 'data-code="1.001193"' in html
    assert 'data-testid="search-empty"' not in html
    assert render_search_count(page) == (
        f'<p class="result-count" data-testid="search-count" role="status">{page.count_text}</p>'
    )


def test_search_results_say_when_nothing_matches_and_escape_the_query() -> None:
    t = get_translator("en")
    page = results_page(SearchParams(q="<script>alert(1)</script>"), t)
    html = render_search_count(page) + render_search_results(page, t, query="<script>alert(1)</script>")

    assert page.total == 0
    assert "<script>" not in html  # the query comes back escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'data-testid="search-empty"' in html
    assert 'href="/en/fields"' in html
    # As on the page itself, empty results offer the assistant with the words searched.
    assert 'href="/en/assistant?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in html


def test_search_results_point_to_linked_groups_below_the_results_as_the_page_does() -> None:
    t = get_translator("vi")
    page = results_page(SearchParams(q="khai sinh"), t)
    html = render_search_results(page, t)
    assert [link.slug for link in page.groups] == ["birth"]
    groups = html.index('<div class="notice stack" data-testid="search-groups"><p class="notice-title">')
    assert groups > html.index("</ul>")  # below the results: they must not move when the page takes over
    assert f'<a data-testid="search-group-birth" href="/vi/life-events/birth">{page.groups[0].name}</a></div>' in html

    # A life event with no matching results still points to its group, below "try this".
    en = get_translator("en")
    nothing = results_page(SearchParams(q="zzzzqqq", event="death-in-the-family"), en)
    html = render_search_results(nothing, en)
    assert html.index('data-testid="search-empty"') < html.index('data-testid="search-groups"')
    assert "Apply for all of it at once:" in html and 'href="/en/life-events/death"' in html

    # No group, no block.
    assert "search-groups" not in render_search_results(results_page(SearchParams(q="đất đai"), t), t)


def test_an_information_only_entry_shows_its_facts_in_both_languages() -> None:
    vi = render_service(INFORMATION_ONLY, get_translator("vi"))
    en = render_service(INFORMATION_ONLY, get_translator("en"))
    assert vi is not None and en is not None
    title_vi, article_vi = vi
    title_en, article_en = en

    assert title_vi == "Bãi bỏ đường ngang"
    assert '<h1 data-testid="service-name">Bãi bỏ đường ngang</h1>' in article_vi
    assert f'<span data-testid="service-code">{INFORMATION_ONLY}</span>' in article_vi
    for testid in ("service", "service-where", "service-online", "service-apply", "service-apply-reason"):
        assert f'data-testid="{testid}"' in article_vi
    assert 'data-testid="service-info-only"' in article_vi
    assert "disabled" in article_vi  # nothing to apply for here

    assert title_en != title_vi
    assert "Official name (Vietnamese): Bãi bỏ đường ngang" in article_en
    assert 'data-testid="service-name-note"' in article_en
    assert "Where to apply" in article_en


def test_an_unknown_code_is_not_rendered() -> None:
    assert render_service("9.999999", get_translator("vi")) is None


# ---- filling the prerendered page --------------------------------------------------------------------


def test_fill_puts_the_content_in_the_slots_and_points_the_links_here() -> None:
    page = template("vi", "search", "first-paint-search")
    slots = {"first-paint-count": "<p>C</p>", "first-paint-search": "<ul>R</ul>"}
    html = fill(
        page,
        FirstPaint(slots, "/vi/search", "q=khai+sinh&sort=name", search_query='a"b', sort="name", has_more=True),
    )
    assert html is not None
    assert '<div class="rx-Html first-paint" id="first-paint-search"><ul>R</ul></div>' in html
    assert '<div class="rx-Html first-paint" id="first-paint-count"><p>C</p></div>' in html
    assert 'id="search-q" value="a&#34;b"' in html
    assert '<option value="relevance">Best</option><option value="name" selected="">Name</option>' in html
    assert '<button class="button show-more" data-testid="search-more" type="button">' in html
    assert 'href="/lang/en?next=%2Fen%2Fsearch%3Fq%3Dkhai%2Bsinh%26sort%3Dname"' in html
    assert 'href="/auth/login?next=%2Fvi%2Fsearch%3Fq%3Dkhai%2Bsinh%26sort%3Dname"' in html
    assert "<footer><div>after</div></footer>" in html

    nothing_more = fill(page, FirstPaint(slots, "/vi/search"))
    assert nothing_more is not None and 'hidden=""' in nothing_more


def test_fill_replaces_the_default_content_and_the_title() -> None:
    page = template("en", f"services/{TEMPLATE_CODE}", "first-paint-service", "<p>Loading…</p>")
    html = fill(page, FirstPaint({"first-paint-service": "<article>A</article>"}, "/en/services/1.2", title="A & B"))
    assert html is not None
    assert "Loading…" not in html
    assert "<title>A &amp; B</title>" in html
    assert 'href="/lang/vi?next=%2Fvi%2Fservices%2F1.2"' in html


def test_fill_without_a_slot_gives_nothing() -> None:
    assert fill("<html><body>no slot</body></html>", FirstPaint({"first-paint-search": "x"}, "/vi/search")) is None


def test_first_paint_for_answers_only_its_two_kinds_of_page(build_dir: Path) -> None:
    search = first_paint_for("/vi/search", "q=khai%20sinh&sort=name&level=nonsense", build_dir)
    assert search is not None and 'data-code="1.001193"' in search
    assert '<option value="name" selected="">' in search
    assert 'data-testid="search-count" role="status">Tìm thấy' in search
    assert 'value="khai sinh"' in search
    # Marked with the address it answers, as the browser will read it back (ui/first_paint.py).
    assert 'data-drawn-for="/vi/search?q=khai%20sinh&amp;sort=name&amp;level=nonsense"' in search

    entry = first_paint_for(f"/en/services/{INFORMATION_ONLY}", "", build_dir)
    assert entry is not None and f'<span data-testid="service-code">{INFORMATION_ONLY}</span>' in entry
    assert "Loading…" not in entry
    assert f'<article class="service" data-drawn-for="/en/services/{INFORMATION_ONLY}" data-testid="service">' in entry

    assert first_paint_for(f"/vi/services/{CURATED}", "", build_dir) is None  # its own prerendered page
    assert first_paint_for("/vi/services/9.999999", "", build_dir) is None  # unknown: the 404 page
    assert first_paint_for(f"/vi/services/{TEMPLATE_CODE}", "", build_dir) is None
    assert first_paint_for("/vi/fields", "", build_dir) is None
    assert first_paint_for("/vi/search", "", build_dir / "missing") is None  # no production build


def test_the_middleware_serves_the_page_compressed_and_passes_everything_else_on(build_dir: Path) -> None:
    async def fallback(_request: object) -> PlainTextResponse:
        return PlainTextResponse("reflex")

    app = Starlette(routes=[Route("/{path:path}", fallback, methods=["GET", "HEAD", "POST"])])
    client = TestClient(FirstPaintMiddleware(app, build_dir=build_dir))

    response = client.get("/vi/search?q=khai+sinh", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "no-cache"
    assert 'data-testid="search-result-0"' in response.text  # httpx decompresses

    raw = client.get(f"/vi/services/{INFORMATION_ONLY}", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert 'data-testid="service-name"' in raw.text

    assert client.head("/vi/search").text == ""
    assert client.post("/vi/search").text == "reflex"
    assert client.get("/vi/services/9.999999").text == "reflex"
    assert client.get("/vi/fields").text == "reflex"


def test_the_build_prerenders_the_template_page_of_the_dynamic_service_route() -> None:
    config = 'export default {"ssr": false, "prerender": true, "build": "build"};'
    rewritten = prerender_template_pages(config)
    assert '"prerender": ({getStaticPaths}) => [...getStaticPaths(), ' in rewritten
    assert f'"/vi/services/{TEMPLATE_CODE}", "/en/services/{TEMPLATE_CODE}"]' in rewritten
    # Development builds do not prerender: nothing to add.
    assert prerender_template_pages('export default {"ssr": false};') == 'export default {"ssr": false};'


def test_the_slots_are_on_the_pages() -> None:
    """The Reflex pages carry the slots the server fills, under the ids it looks for."""
    from citizen_app.pages.catalog import search, service

    searched = str(search.build(get_translator("vi")).render())
    served = str(service.build(get_translator("vi")).render())
    for rendered, slot in ((searched, "first-paint-count"), (searched, "first-paint-search"), (served, "first-paint-service")):
        assert slot in rendered
    assert "dangerouslySetInnerHTML" in served


def test_the_page_keeps_the_servers_content_only_at_the_address_it_was_drawn_for() -> None:
    from citizen_app.ui.first_paint import SERVER_DREW_RESULTS, SERVER_DREW_SERVICE

    for script, slot in ((SERVER_DREW_RESULTS, "first-paint-search"), (SERVER_DREW_SERVICE, "first-paint-service")):
        assert f"#{slot} [data-drawn-for]" in script
        assert "el.dataset.drawnFor === window.location.pathname + window.location.search" in script
