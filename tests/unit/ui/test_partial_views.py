"""What the start page, the send page and the tracking page say for an entry served with the generic form."""

from __future__ import annotations

from pathlib import Path

import pytest

from citizen_app.core.catalog import Catalog, load_catalog
from citizen_app.core.catalog.index_import import IndexRow, procedures_from_rows
from citizen_app.core.dossiers import ProcedureTerms
from citizen_app.core.i18n import get_translator
from citizen_app.ui import start_view
from citizen_app.ui.apply_view import fee_text
from citizen_app.ui.catalog_view import service_view
from tests.unit.catalog.helpers import procedure, write_catalog

vi, en = get_translator("vi"), get_translator("en")


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    loaded = load_catalog(write_catalog(tmp_path / "services_catalog", [procedure()]))
    rows = [
        IndexRow("1.013978", "Cấp Giấy chứng nhận lần đầu đối với hộ gia đình, cá nhân", "commune", "Cấp xã", "Đất đai", "x"),
        IndexRow("1.000016", "Thông báo tăng vốn (cấp tỉnh)", "province", "Cấp bộ, Cấp tỉnh", "Đầu tư", "x"),
    ]
    return Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows(rows, loaded.taxonomy))


def test_the_start_page_says_what_partial_means_and_invents_no_fee_or_time(catalog: Catalog) -> None:
    land = catalog.get("1.013978")
    page = start_view.start_page(land, ProcedureTerms.from_procedure(land), en)
    assert page.fee == "Set by the agency, if there is one: you pay it at the counter"
    assert page.time.startswith("Not stated in the national list")
    assert page.partial.startswith("This is a partial online service") and "People's Committee of the commune" in page.partial
    province = catalog.get("1.000016")
    assert "Public Administration Service Centre" in start_view.start_page(
        province, ProcedureTerms.from_procedure(province), en
    ).partial


def test_a_curated_entry_states_its_fee_and_time_and_is_not_partial(catalog: Catalog) -> None:
    curated = catalog.get("1.001193")
    terms = ProcedureTerms.from_procedure(curated)
    page = start_view.start_page(curated, terms, vi)
    assert page.fee == "Miễn phí" and page.time.startswith("Trong ngày")
    # Served with the generic form (no form of its own), yet its facts are curated: they are stated.
    assert page.partial.startswith("Đây là dịch vụ công trực tuyến một phần")


def test_the_send_page_never_calls_an_unknown_fee_free() -> None:
    assert fee_text(None, en).startswith("The agency tells you the fee, if there is one")
    assert fee_text(0, en) == "There is no fee for this application."
    assert fee_text(160_000, vi).startswith("Lệ phí: 160.000\xa0đ")


def test_the_service_page_of_an_index_entry(catalog: Catalog) -> None:
    view = service_view(catalog.get("1.013978"), catalog, vi)
    assert view.can_apply and view.information_only and view.status_kind == "partial"
    assert view.apply_href == "/vi/services/1.013978/apply"
    assert "xuất trình bản chính" in view.partial_means and "nhận kết quả tại bộ phận một cửa" in view.partial_means
