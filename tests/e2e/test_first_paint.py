"""Search results and the national index's entries are in the first HTML response (issue 14, item 7).

The response is read with plain httpx (no JavaScript at all), then the same page is opened on a
phone: what the server drew is where the page draws it after hydration, and the page still works.
"""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import OpenApp
from tests.e2e.kit import AppPage

BIRTH = "1.001193"
INFORMATION_ONLY = "1.000294"  # "Bãi bỏ đường ngang": from the national index, a dynamic route


def first_html(base_url: str, path: str) -> str:
    response = httpx.get(base_url + path, headers={"accept-encoding": "gzip"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in response.headers
    return response.text


def test_the_first_response_holds_the_first_results_in_both_languages(base_url: str) -> None:
    vi = first_html(base_url, "/vi/search?q=khai%20sinh")
    assert re.search(r'data-testid="search-count" role="status">Tìm thấy \d+ thủ tục</p>', vi)
    assert f'data-testid="search-result-0" data-code="{BIRTH}" href="/vi/services/{BIRTH}"' in vi
    assert 'id="search-q" value="khai sinh"' in vi
    assert 'href="/lang/en?next=%2Fen%2Fsearch%3Fq%3Dkhai%2520sinh"' in vi
    # The birth group the first result belongs to, below the results (as the page draws it).
    assert vi.index('data-testid="search-result-0"') < vi.index('data-testid="search-group-birth"')

    en = first_html(base_url, "/en/search?q=birth&sort=name")
    assert re.search(r'data-testid="search-count" role="status">\d+ services? found</p>', en)
    assert '<option value="name" selected="">Name (A to Z)</option>' in en
    assert 'data-testid="search-result-0"' in en

    nothing = first_html(base_url, "/vi/search?q=%3Cscript%3Ezzzz")
    assert "<script>zzzz" not in nothing
    assert 'data-testid="search-empty"' in nothing


def test_the_first_response_holds_an_index_entrys_facts_in_both_languages(base_url: str) -> None:
    vi = first_html(base_url, f"/vi/services/{INFORMATION_ONLY}")
    assert "<title>Bãi bỏ đường ngang</title>" in vi
    assert '<h1 data-testid="service-name">Bãi bỏ đường ngang</h1>' in vi
    assert f'<span data-testid="service-code">{INFORMATION_ONLY}</span>' in vi
    for testid in ("service-where", "service-online", "service-apply-reason", "service-info-only"):
        assert f'data-testid="{testid}"' in vi
    assert 'data-testid="service-loading"' not in vi

    en = first_html(base_url, f"/en/services/{INFORMATION_ONLY}")
    assert "Official name (Vietnamese): Bãi bỏ đường ngang" in en
    assert 'data-testid="service-where"><dt>Where to apply</dt>' in en

    # A code nobody knows is still the page that says so, with a 404.
    assert httpx.get(f"{base_url}/vi/services/9.999999", timeout=30).status_code == 404


def box(app: AppPage, testid: str) -> tuple[float, float, float, float]:
    found = app.get(testid).bounding_box()
    assert found is not None
    return (found["x"], found["y"], found["width"], found["height"])


def test_results_stay_put_through_hydration_and_the_page_still_works(open_app: OpenApp) -> None:
    # Before any JavaScript: the server's results, where the page will draw them.
    before = open_app("Pixel 7", java_script_enabled=False)
    before.page.goto(before.base_url + "/vi/search?q=khai%20sinh")
    expect(before.get("search-result-0")).to_have_attribute("data-code", BIRTH)
    server_box = box(before, "search-result-0")
    server_count = before.get("search-count").inner_text()
    before.page.close()

    phone = open_app("Pixel 7")
    phone.goto("/vi/search?q=khai%20sinh")
    expect(phone.get("search-result-0")).to_have_attribute("data-code", BIRTH)
    assert box(phone, "search-result-0") == server_box
    expect(phone.get("search-count")).to_have_text(server_count)
    # Hydrated, the page keeps the server's results on screen (its state holds no result list)...
    expect(phone.page.locator("#first-paint-search [data-testid=search-result-0]")).to_have_count(1)
    expect(phone.get("search-more")).to_be_visible()
    # The linked group the server drew stays where it is, once: the page does not draw a second one.
    expect(phone.get("search-groups")).to_have_count(1)
    expect(phone.page.locator("#first-paint-search [data-testid=search-groups]")).to_have_count(1)

    # ... and "show more" draws them itself, with the next ones.
    phone.click("search-more")
    expect(phone.get("search-result-20")).to_be_visible()
    expect(phone.page.locator("#first-paint-search")).to_have_count(0)
    expect(phone.get("search-result-0")).to_have_attribute("data-code", BIRTH)
    expect(phone.get("search-group-birth")).to_have_count(1)

    # Within the app, to the same page without a query: not the results for "khai sinh".
    phone.click("bottom-nav-search")
    phone.page.wait_for_url(re.compile(r"/vi/search$"))
    expect(phone.get("search-count")).not_to_have_text(server_count)
    phone.page.go_back()
    phone.page.wait_for_url(re.compile(r"q=khai"))
    expect(phone.get("search-count")).to_have_text(server_count)

    # Refining the search still searches as one types, and keeps it in the address.
    phone.get("search-input").fill("")
    phone.get("search-input").press_sequentially("giấy chứng tử", delay=20)
    phone.page.wait_for_url(re.compile(r"q=gi"))
    expect(phone.get("search-result-0")).not_to_have_attribute("data-code", BIRTH)

    # The sort order and the language switch work; the query follows into English.
    phone.get("sort").select_option("name")
    phone.page.wait_for_url(re.compile(r"sort=name"))
    phone.switch_language()
    assert phone.path.startswith("/en/search?")
    expect(phone.get("search-input")).to_have_value("giấy chứng tử")
    expect(phone.get("search-result-0")).to_be_visible()

    # A result is a link to its service page.
    code = phone.get("search-result-0").get_attribute("data-code")
    phone.click("search-result-0")
    phone.page.wait_for_url(re.compile(rf"/en/services/{re.escape(code or '')}$"))
    expect(phone.get("service-code")).to_have_text(code or "")


def test_an_index_entry_stays_put_through_hydration_and_its_links_work(open_app: OpenApp) -> None:
    before = open_app("Pixel 7", java_script_enabled=False)
    before.page.goto(before.base_url + f"/vi/services/{INFORMATION_ONLY}")
    expect(before.get("service-name")).to_have_text("Bãi bỏ đường ngang")
    server_box = box(before, "service-apply-reason")
    before.page.close()

    phone = open_app("Pixel 7")
    phone.goto(f"/vi/services/{INFORMATION_ONLY}")
    expect(phone.get("service-name")).to_have_text("Bãi bỏ đường ngang")
    assert box(phone, "service-apply-reason") == server_box
    # The server's entry stays on screen (the state holds no copy of it).
    expect(phone.page.locator("#first-paint-service [data-testid=service]")).to_have_count(1)
    expect(phone.get("service-apply")).to_be_disabled()

    phone.switch_language()
    assert phone.path == f"/en/services/{INFORMATION_ONLY}"
    expect(phone.get("service-official-name")).to_have_text("Official name (Vietnamese): Bãi bỏ đường ngang")

    # The field link leads to that field's results, drawn by the page (reached within the app).
    phone.click("service-field")
    phone.page.wait_for_url(re.compile(r"/en/search\?field="))
    expect(phone.get("search-result-0")).to_be_visible()
    expect(phone.get("search-count")).to_have_text(re.compile(r"\d+ services? found"))
