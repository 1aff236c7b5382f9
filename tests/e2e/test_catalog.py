"""The catalogue screens on a phone: home, results (search, filters, sorting), the service page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in

BIRTH = "1.001193"
CRIMINAL_RECORD = "3.000333"  # needs VNeID level 2
INFORMATION_ONLY = "1.000300"  # "Cấp Giấy chứng nhận thợ hàn", a ministry's, from the national index only

SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, input, select, textarea, summary')]
    .filter(el => el.offsetParent !== null && !el.classList.contains('skip-link'))
    .map(el => [el.dataset.testid || el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
    .filter(([, r]) => r.height < 44 || r.width < 44)
    .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def result_codes(app: AppPage) -> list[str]:
    return app.page.eval_on_selector_all(
        '[data-testid="search-results"] [data-code]', "els => els.map(el => el.dataset.code)"
    )


def wait_for_search(app: AppPage, pattern: str) -> None:
    """The results page replaces its address once a search has run."""
    app.page.wait_for_url(re.compile(pattern))
    expect(app.get("search-count")).not_to_be_empty()


def test_type_open_and_read_in_english(phone: AppPage) -> None:
    """The issue's "Done when": search unaccented, open the first result, switch to English."""
    phone.goto("/vi/search")
    phone.get("search-input").press_sequentially("dang ky khai sinh", delay=40)
    wait_for_search(phone, r"/vi/search\?q=dang\+ky\+khai\+sinh$")
    first = phone.get("search-result-0")
    expect(first).to_have_attribute("data-code", BIRTH)
    expect(first.locator(".card-title")).to_have_text("Thủ tục đăng ký khai sinh")
    expect(first).to_contain_text("Cấp xã")
    expect(first).to_contain_text("Miễn phí")

    first.click()
    phone.page.wait_for_url(f"**/vi/services/{BIRTH}")
    expect(phone.get("service-name")).to_have_text("Thủ tục đăng ký khai sinh")
    phone.settle()
    expect(phone.page).to_have_title("Thủ tục đăng ký khai sinh")
    expect(phone.get("service-code")).to_have_text(BIRTH)
    expect(phone.get("service-fee")).to_contain_text("Miễn phí")
    expect(phone.get("service-time")).to_contain_text("1 ngày làm việc")
    expect(phone.get("service-documents")).to_contain_text("Giấy chứng sinh")
    expect(phone.get("service-where")).to_contain_text("Ủy ban nhân dân cấp xã")
    expect(phone.get("service-apply")).to_have_attribute("href", f"/vi/services/{BIRTH}/apply")

    phone.switch_language()
    assert phone.path == f"/en/services/{BIRTH}"
    assert phone.html_lang == "en"
    expect(phone.get("service-name")).to_have_text("Birth registration")
    expect(phone.page).to_have_title("Birth registration")
    expect(phone.get("service-fee")).to_contain_text("Free")
    expect(phone.get("service-time")).to_contain_text("1 working day")
    expect(phone.get("service-documents")).to_contain_text("Medical birth certificate")
    expect(phone.get("service-apply")).to_have_attribute("href", f"/en/services/{BIRTH}/apply")


def test_home_shows_fields_life_events_and_popular_services(phone: AppPage) -> None:
    phone.goto("/vi/")
    expect(phone.get("home-field-civil-status")).to_contain_text("Hộ tịch")
    expect(phone.get("home-event-having-a-baby")).to_be_visible()
    expect(phone.get("home-popular-0")).to_have_attribute("data-code", BIRTH)
    small = phone.page.evaluate(SMALL_TARGETS)
    assert small == []

    phone.click("home-event-having-a-baby")
    phone.page.wait_for_url(re.compile(r"/vi/search\?event=having-a-baby$"))
    phone.settle()
    expect(phone.get("search-event")).to_have_text("Sinh con")
    expect(phone.get("search-result-0")).to_be_visible()
    assert BIRTH in result_codes(phone)

    phone.click("search-event-clear")
    wait_for_search(phone, r"/vi/search$")
    expect(phone.get("search-event")).to_have_count(0)


def test_home_search_form_lands_on_the_results(phone: AppPage) -> None:
    phone.goto("/vi/")
    phone.fill("home-search-input", "khai sinh")
    phone.get("home-search-input").press("Enter")
    phone.page.wait_for_url(re.compile(r"/vi/search/?\?q=khai(\+|%20)sinh$"))
    phone.settle()
    expect(phone.get("search-input")).to_have_value("khai sinh")
    expect(phone.get("search-result-0")).to_have_attribute("data-code", BIRTH)


def test_home_search_form_works_without_javascript(open_app) -> None:  # type: ignore[no-untyped-def]
    app = open_app("Pixel 7", java_script_enabled=False)
    app.page.goto(app.base_url + "/vi/")
    app.get("home-search-input").fill("ho chieu")
    app.get("home-search-submit").click()
    app.page.wait_for_url(re.compile(r"/vi/search/?\?q=ho\+chieu$"))
    app.page.close()  # a page without JavaScript never hydrates: nothing for the kit to check


def test_a_shared_service_address_is_readable_before_any_script_runs(open_app) -> None:  # type: ignore[no-untyped-def]
    """Curated service pages are prerendered: a slow phone shows the facts at first paint."""
    app = open_app("Pixel 7", java_script_enabled=False)
    for locale, name in (("vi", "Thủ tục đăng ký khai sinh"), ("en", "Birth registration")):
        response = app.page.goto(f"{app.base_url}/{locale}/services/{BIRTH}")
        assert response is not None and response.status == 200
        assert response.request.redirected_from is None  # no 307 to a trailing slash on the way
        expect(app.get("service-name")).to_have_text(name)
        expect(app.get("service-fee")).to_be_visible()
        expect(app.get("service-documents")).to_be_visible()
        expect(app.page.locator("html")).to_have_attribute("lang", locale)
    app.page.close()  # a page without JavaScript never hydrates: nothing for the kit to check


def test_field_links_filter_the_results(phone: AppPage) -> None:
    phone.goto("/vi/fields")
    phone.click("fields-field-residence")
    phone.page.wait_for_url(re.compile(r"/vi/search\?field=residence$"))
    phone.settle()
    expect(phone.get("filter-field")).to_have_value("residence")
    expect(phone.get("search-filters-toggle")).to_contain_text("1")
    expect(phone.get("search-result-0")).to_contain_text("thường trú")


def test_filters_and_sorting_change_the_results(phone: AppPage) -> None:
    phone.goto("/vi/search?q=khai+sinh")
    expect(phone.get("search-result-0")).to_have_attribute("data-code", BIRTH)
    everything = phone.get("search-count").inner_text()

    phone.click("search-filters-toggle")
    assert phone.page.evaluate(SMALL_TARGETS) == []
    phone.get("filter-online").select_option("full")
    wait_for_search(phone, r"/vi/search\?q=khai\+sinh&online=full$")
    expect(phone.get("search-count")).not_to_have_text(everything)
    for card in phone.page.locator('[data-testid="search-results"] [data-code]').all():
        expect(card).to_contain_text("toàn trình")
    filtered = result_codes(phone)

    phone.get("sort").select_option("name")
    wait_for_search(phone, r"&sort=name$")
    names = phone.page.locator('[data-testid="search-results"] .card-title').all_inner_texts()
    assert sorted(result_codes(phone)) == sorted(filtered)
    assert names != [] and result_codes(phone) != filtered

    phone.get("filter-level").select_option("province")
    wait_for_search(phone, r"level=province")
    expect(phone.get("search-empty")).to_be_visible()
    expect(phone.get("search-count")).to_have_text("Không tìm thấy thủ tục nào phù hợp với “khai sinh”.")

    # The address is the whole search: reopening it shows the same filters.
    phone.page.reload()
    phone.settle()
    expect(phone.get("filter-level")).to_have_value("province")
    expect(phone.get("filter-online")).to_have_value("full")
    expect(phone.get("sort")).to_have_value("name")
    expect(phone.get("search-input")).to_have_value("khai sinh")

    phone.click("search-empty-clear")
    wait_for_search(phone, r"/vi/search\?q=khai\+sinh&sort=name$")
    expect(phone.get("search-result-0")).to_be_visible()


def test_sorting_by_fee_and_time_in_browse_mode(phone: AppPage) -> None:
    phone.goto("/vi/search?online=full&sort=fee")
    expect(phone.get("search-result-0")).to_contain_text("Miễn phí")
    phone.get("sort").select_option("processing_time")
    wait_for_search(phone, r"sort=processing_time$")
    expect(phone.get("search-result-0")).to_contain_text("1 ngày làm việc")


def test_show_more_adds_results(phone: AppPage) -> None:
    phone.goto("/vi/search")
    expect(phone.get("search-result-19")).to_be_visible()
    expect(phone.get("search-result-20")).to_have_count(0)
    phone.click("search-more")
    expect(phone.get("search-result-39")).to_be_visible()
    assert len(set(result_codes(phone))) == 40


def test_bad_queries_give_sensible_pages(phone: AppPage) -> None:
    phone.goto("/vi/search")
    search = phone.get("search-input")
    for query in (
        "'; DROP TABLE procedures; --",
        ".*[(?+\\",
        "👶🍼",
        "khai sinh 出生 рождение",
        "%00 <script>alert(1)</script>",
        "   ",
    ):
        search.fill(query)
        phone.page.wait_for_function(
            "q => new URLSearchParams(location.search).get('q') === (q || null) || location.search === ''",
            arg=query,
        )
        expect(phone.get("search-count")).not_to_be_empty()
        expect(phone.page.locator("h1")).to_have_text("Tìm dịch vụ công")
    # Mixed scripts still find what they can read.
    search.fill("khai sinh 出生")
    expect(phone.get("search-result-0")).to_have_attribute("data-code", BIRTH)
    # The box takes at most 200 characters, and so does the page from a hand-made address.
    search.fill("a" * 300)
    assert len(search.input_value()) == 200
    phone.goto("/vi/search?q=" + "khai%20sinh%20" * 30)
    expect(phone.get("search-count")).not_to_be_empty()
    assert len(phone.get("search-input").input_value()) == 200


def test_switching_language_keeps_the_search(phone: AppPage) -> None:
    phone.goto("/vi/search")
    phone.fill("search-input", "khai sinh")
    wait_for_search(phone, r"/vi/search\?q=khai\+sinh$")
    phone.switch_language()
    assert re.fullmatch(r"/en/search/?\?q=khai\+sinh", phone.path)
    expect(phone.get("search-input")).to_have_value("khai sinh")
    expect(phone.get("search-result-0").locator(".card-title")).to_have_text("Birth registration")
    expect(phone.get("search-result-0")).to_contain_text("Commune level")


def test_information_only_procedure_cannot_be_applied_for(phone: AppPage) -> None:
    phone.goto(f"/vi/services/{INFORMATION_ONLY}")
    expect(phone.get("service-name")).to_have_text("Cấp Giấy chứng nhận thợ hàn")
    apply = phone.get("service-apply")
    expect(apply).to_be_disabled()
    expect(apply).to_have_attribute("aria-describedby", "service-apply-reason")
    expect(phone.get("service-apply-reason")).to_contain_text("bộ hoặc cơ quan trung ương giải quyết")
    expect(phone.get("service-elsewhere")).to_contain_text("Cổng Dịch vụ công quốc gia")
    expect(phone.get("service-status")).to_have_text("Chỉ để tham khảo: nộp hồ sơ tại cơ quan có thẩm quyền")
    expect(phone.get("service-info-only")).to_be_visible()
    small = phone.page.evaluate(SMALL_TARGETS)
    assert small == []


def test_level_2_services_say_so(phone: AppPage) -> None:
    phone.goto(f"/en/services/{CRIMINAL_RECORD}")
    expect(phone.get("service-name")).to_have_text("Criminal record certificate")
    expect(phone.get("service-apply")).to_be_enabled()
    expect(phone.get("service-assurance")).to_contain_text("level 2 VNeID account")
    expect(phone.get("service-fee")).to_contain_text("VND\xa0200,000")
    small = phone.page.evaluate(SMALL_TARGETS)
    assert small == []


def test_level_2_notice_follows_the_signed_in_account(open_app) -> None:  # type: ignore[no-untyped-def]
    level_1 = open_app("Pixel 7")
    sign_in(level_1, "cuong.le", next_path=f"/vi/services/{CRIMINAL_RECORD}")
    assert level_1.path == f"/vi/services/{CRIMINAL_RECORD}"
    expect(level_1.get("service-assurance")).to_contain_text("Tài khoản của bạn đang ở mức độ 1")
    level_2 = open_app("Pixel 7")
    sign_in(level_2, "an.nguyen", next_path=f"/vi/services/{CRIMINAL_RECORD}")
    expect(level_2.get("service-name")).to_be_visible()
    expect(level_2.get("service-apply")).to_be_enabled()
    expect(level_2.get("service-assurance")).to_have_count(0)


def test_unknown_code_shows_not_found(phone: AppPage) -> None:
    phone.goto("/vi/services/9.999999")
    expect(phone.get("service-not-found")).to_be_visible()
    expect(phone.page.locator("h1")).to_have_text("Không tìm thấy thủ tục")
    expect(phone.get("service-not-found-text")).to_contain_text("9.999999")
    expect(phone.get("service-not-found")).to_contain_text("Service not found")
    phone.goto("/en/services/not-a-code")
    expect(phone.page.locator("h1")).to_have_text("Service not found")
    expect(phone.page).to_have_title("Service not found")
