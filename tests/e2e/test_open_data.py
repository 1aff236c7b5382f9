"""The public indicators page on a phone: charts with a table behind each, and the same numbers as the
CSV download the page offers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.kit import AppPage


def percent(value: str) -> str:
    """The CSV's rate as the English page shows it (one decimal)."""
    return "—" if value == "" else f"{float(value) * 100:.1f}%"


def test_the_page_shows_the_numbers_of_its_csv_download(phone: AppPage) -> None:
    phone.goto("/en/open-data")
    expect(phone.get("open-data-chart")).to_be_visible()
    phone.get("open-data-province").select_option("01")
    expect(phone.get("open-data-area")).to_contain_text("Hà Nội")
    phone.click("open-data-time-table-toggle")
    rows = phone.page.locator('[data-testid^="open-data-month-"]')
    expect(rows.first).to_be_visible()

    with phone.page.expect_download() as downloading:
        phone.click("open-data-csv")
    records = list(csv.DictReader(io.StringIO(Path(downloading.value.path()).read_text(encoding="utf-8"))))
    assert records and {r["province_code"] for r in records} == {"01"}
    assert sum(int(r["received"]) for r in records) > 0  # the demo data has applications in Hà Nội
    assert rows.count() == len(records)
    for record in records:
        row = phone.get(f"open-data-month-{record['month']}")
        assert row.get_by_test_id("cell-received").inner_text() == f"{int(record['received']):,}"
        assert row.get_by_test_id("cell-online").inner_text() == percent(record["online_share"])
        assert row.get_by_test_id("cell-on-time").inner_text() == percent(record["on_time_rate"])
        assert row.get_by_test_id("cell-satisfaction").inner_text() == percent(record["satisfaction_rate"])
    expect(phone.get("open-data-licence")).to_have_attribute("href", "https://creativecommons.org/licenses/by/4.0/")
