"""View models of the catalogue screens: URL parameters, result cards and the service page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from citizen_app.core.catalog import Catalog, Fee, ProcessingTime, load_catalog
from citizen_app.core.catalog.index_import import IndexRow, procedures_from_rows
from citizen_app.core.catalog.loader import load_catalog as load_real
from citizen_app.core.i18n import get_translator
from citizen_app.core.search import SearchIndex
from citizen_app.settings import PROJECT_ROOT
from citizen_app.ui.catalog_view import (
    GROUPS_FROM_FIRST_RESULTS,
    PAGE_SIZE,
    ResultCard,
    SearchParams,
    clean_query,
    code_from_path,
    fee_summary,
    quantity,
    result_card,
    result_count,
    results_page,
    search_groups,
    service_view,
    status_tag_class,
    time_summary,
)
from tests.unit.catalog.helpers import procedure, write_catalog

vi, en = get_translator("vi"), get_translator("en")


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    directory = write_catalog(
        tmp_path / "services_catalog",
        [
            procedure(popular=1),
            procedure(
                code="1.004222",
                name_vi="Đăng ký thường trú",
                name_en="Permanent residence registration",
                field="residence",
                assurance_level=2,
                fees=[{"channel": "online", "amount_vnd": 10000}, {"channel": "counter", "amount_vnd": 20000}],
                processing_time=[{"channel": "online", "working_days": 7}, {"channel": "counter", "working_days": 7}],
                form={
                    "version": 1,
                    "steps": [
                        {
                            "id": "a",
                            "title": {"vi": "A", "en": "A"},
                            "fields": [{"id": "x", "type": "text", "label": {"vi": "X", "en": "X"}}],
                        }
                    ],
                },
            ),
        ],
    )
    loaded = load_catalog(directory)
    rows = [IndexRow("1.000005", "Thủ tục hải quan", "ministry", "Cấp bộ", "Hải quan", "bo-tai-chinh")]
    return Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows(rows, loaded.taxonomy))


# --- search parameters ----------------------------------------------------------------------------


def test_parameters_round_trip_through_the_url(catalog: Catalog) -> None:
    params = SearchParams(q="khai sinh", level="commune", online="full", field="civil-status",
                          event="having-a-baby", sort="fee")
    assert params.href("vi") == (
        "/vi/search?q=khai+sinh&level=commune&online=full&field=civil-status&event=having-a-baby&sort=fee"
    )
    query = dict(pair.split("=") for pair in params.query_string()[1:].split("&"))
    query["q"] = "khai sinh"
    assert SearchParams.from_query(query, catalog) == params
    assert params.active_filters == 3
    filters = params.filters()
    assert (filters.level, filters.online_level, filters.field, filters.life_event) == (
        "commune", "full", "civil-status", "having-a-baby"
    )


def test_defaults_are_left_out_of_the_url() -> None:
    assert SearchParams().href("en") == "/en/search"
    assert SearchParams(q="x", sort="relevance").query_string() == "?q=x"
    assert not SearchParams().filters().active


def test_unknown_or_hostile_values_are_dropped(catalog: Catalog) -> None:
    params = SearchParams.from_query(
        {"q": "a\x00b\nc", "level": "district", "online": "FULL", "field": "nope", "event": "../x",
         "sort": "drop table"},
        catalog,
    )
    assert params == SearchParams(q="a b c")


def test_queries_are_capped_at_200_characters() -> None:
    assert len(clean_query("khai sinh " * 50)) == 200
    assert clean_query(None) == "" and clean_query(42) == ""
    assert clean_query("👶 '; DROP TABLE x; -- .*[(") == "👶 '; DROP TABLE x; -- .*[("


def test_code_from_path() -> None:
    assert code_from_path("/vi/services/1.001193") == "1.001193"
    assert code_from_path("/en/services/1.001193/") == "1.001193"
    assert code_from_path("/vi/search") == ""
    assert code_from_path("") == ""


# --- result cards ---------------------------------------------------------------------------------


def test_result_cards_in_both_languages(catalog: Catalog) -> None:
    birth = result_card(catalog.get("1.001193"), vi)
    assert (birth.name, birth.href, birth.level) == ("Thủ tục đăng ký khai sinh", "/vi/services/1.001193", "Cấp xã")
    # The test catalogue's entry has no form of its own: it is served with the generic partial-online one.
    assert (birth.status_kind, birth.status) == ("partial", "Dịch vụ công trực tuyến một phần")
    assert (birth.time, birth.fee) == ("Tối đa 1 ngày làm việc", "Miễn phí hoặc tối đa 8.000\xa0đ")
    english = result_card(catalog.get("1.001193"), en)
    assert (english.name, english.time, english.fee) == ("Birth registration", "Up to 1 working day",
                                                         "Free or up to VND\xa08,000")
    customs = result_card(catalog.get("1.000005"), en)
    assert customs.status_kind == "info" and customs.status == "Information only: apply at the agency"
    assert (customs.time, customs.fee, customs.level) == ("", "", "Ministry level")


def test_time_and_fee_summaries() -> None:
    base = load_real(PROJECT_ROOT / "services_catalog").procedures[0]
    same = replace(base, processing_time=(), fees=())
    assert time_summary(same, en) == "" and fee_summary(same, en) == "Free"
    ranged = replace(
        base,
        processing_time=(ProcessingTime("online", 15), ProcessingTime("counter", 20)),
        fees=(Fee("online", 7000), Fee("counter", 10000)),
    )
    assert time_summary(ranged, vi) == "15–20 ngày làm việc"
    assert fee_summary(ranged, vi) == "Từ 7.000\xa0đ"
    assert fee_summary(ranged, en) == "From VND\xa07,000"
    flat = replace(base, processing_time=(ProcessingTime("online", 1),), fees=(Fee("online", 200000),))
    assert (time_summary(flat, en), fee_summary(flat, vi)) == ("1 working day", "200.000\xa0đ")


def test_result_count_wording(catalog: Catalog) -> None:
    index = SearchIndex(catalog.all(), catalog)
    assert result_count(index.search("thuong tru"), vi) == "Tìm thấy 1 thủ tục"
    assert result_count(index.search(""), en) == "3 services found"
    assert result_count(index.search("zzzz"), vi) == "Không tìm thấy thủ tục nào phù hợp với “zzzz”."
    assert result_count(index.search("👶"), en) == "No services match “👶”."


# --- the service page -----------------------------------------------------------------------------


def test_service_view_of_a_curated_entry(catalog: Catalog) -> None:
    view = service_view(catalog.get("1.001193"), catalog, vi)
    assert view.name == "Thủ tục đăng ký khai sinh"
    assert (view.field_name, view.field_href) == ("Hộ tịch", "/vi/search?field=civil-status")
    assert (view.level, view.agency) == ("Cấp xã", "Ủy ban nhân dân cấp xã")
    assert [(row.channel, row.value) for row in view.fees] == [
        ("Trực tuyến", "Miễn phí"),
        ("Trực tiếp tại bộ phận một cửa", "8.000\xa0đ"),
    ]
    assert [(row.channel, row.value) for row in view.times] == [
        ("Trực tuyến", "Trong ngày"),
        ("Trực tiếp tại bộ phận một cửa", "1 ngày làm việc"),
    ]
    document = view.documents[0]
    assert (document.name, document.quantity, document.required, document.requirement) == (
        "Tờ khai", "1 bản chính", True, "Bắt buộc"
    )
    assert view.legal_basis[0].number == "123/2015/NĐ-CP"
    # The test catalogue's entry has no form of its own: the generic form serves it, and the page
    # says what "partial" means and where the application goes.
    assert view.can_apply and view.apply_blocked_reason == ""
    assert view.partial_means.startswith("Đây là dịch vụ công trực tuyến một phần")
    assert "bản chính" in view.partial_means and "bộ phận một cửa" in view.partial_means
    assert view.partial_goes_to.startswith("Hồ sơ của bạn được gửi đến Ủy ban nhân dân xã, phường nơi bạn sinh sống")
    assert view.apply_elsewhere == ""


def test_service_view_apply_button_and_level_2(catalog: Catalog) -> None:
    view = service_view(catalog.get("1.004222"), catalog, en)
    assert view.can_apply and view.apply_blocked_reason == ""
    assert view.apply_href == "/en/services/1.004222/apply"
    assert view.needs_level_2


def test_service_view_of_an_information_only_entry(catalog: Catalog) -> None:
    view = service_view(catalog.get("1.000005"), catalog, en)
    assert view.information_only and not view.can_apply
    assert view.apply_blocked_reason.startswith("You cannot apply for this here: a ministry")
    assert view.apply_elsewhere.startswith("A ministry or a central agency handles this procedure")
    assert "dichvucong.gov.vn" in view.apply_elsewhere and view.partial_means == ""
    assert (view.status_kind, view.level, view.fees, view.documents) == ("info", "Ministry level", [], [])
    assert view.field_name == "Hải quan"


def test_document_quantities() -> None:
    assert quantity(1, 0, en) == "1 original"
    assert quantity(2, 3, en) == "2 originals, 3 copies"
    assert quantity(0, 1, vi) == "1 bản sao"
    assert quantity(0, 0, vi) == ""


# ---- linked groups the results point to (issue 12) -----------------------------------------------


def test_the_first_page_of_a_search_points_to_the_linked_group_of_a_first_result() -> None:
    page = results_page(SearchParams(q="khai sinh"), vi)
    assert page.cards[0].code == "1.001193"
    assert [(link.slug, link.href) for link in page.groups] == [("birth", "/vi/life-events/birth")]
    assert page.groups[0].name.startswith("Liên thông đăng ký khai sinh")
    # The next pages carry the results only: the groups are the first page's.
    assert results_page(SearchParams(q="khai sinh"), vi, offset=PAGE_SIZE).groups == []


def test_a_life_event_points_to_its_group_even_when_nothing_matches() -> None:
    page = results_page(SearchParams(q="zzzzqqq", event="death-in-the-family"), en)
    assert page.total == 0
    assert [(link.slug, link.href) for link in page.groups] == [("death", "/en/life-events/death")]
    assert page.groups[0].name.startswith("A death:")


def test_only_the_first_few_results_point_to_a_group() -> None:
    others = [ResultCard(code=f"9.{index:06d}") for index in range(GROUPS_FROM_FIRST_RESULTS)]
    assert search_groups([*others, ResultCard(code="1.001193")], "", vi) == []
    assert [g.slug for g in search_groups([*others[1:], ResultCard(code="1.001193")], "", vi)] == ["birth"]
    assert search_groups([], "", vi) == []


def test_the_online_level_tag_is_one_table_for_the_page_and_the_first_paint() -> None:
    assert status_tag_class("full") == "tag tag-success"
    assert status_tag_class("info") == "tag tag-warning"
    assert status_tag_class("partial") == status_tag_class("") == "tag"
