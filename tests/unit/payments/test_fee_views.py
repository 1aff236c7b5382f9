"""The fee and payment texts people read: catalogue rows, the staff desk, reductions."""

from __future__ import annotations

from datetime import date

from citizen_app.core.catalog import get_catalog
from citizen_app.core.fees import Fee, FeeReduction, FeeSchedule, compute_fee
from citizen_app.core.i18n import get_translator
from citizen_app.ui.catalog_view import service_view
from citizen_app.ui.fee_view import fee_lines
from citizen_app.ui.staff_view import payment_summary


def test_a_reduction_is_a_negative_line_with_its_percentage() -> None:
    schedule = FeeSchedule(
        fees=(Fee("online", 50_000),),
        reductions=(FeeReduction({"vi": "Giảm theo Thông tư 64", "en": "Circular 64 reduction"}, 50),),
    )
    lines = fee_lines(compute_fee(schedule, "online", date(2026, 12, 4)), get_translator("en"))
    assert [(line.kind, line.label, line.amount) for line in lines] == [
        ("fee", "Fee", "VND\xa050,000"),
        ("reduction", "Circular 64 reduction (−50%)", "−VND\xa025,000"),
    ]


def test_the_staff_desk_says_where_the_payment_stands() -> None:
    vi, en = get_translator("vi"), get_translator("en")
    assert payment_summary((), "awaiting_payment", vi) == "Chờ thanh toán"
    assert payment_summary((), "submitted", en) == ""
    paid = (("vnpay", "cancelled", None), ("vietqr", "paid", "BL26-X-000001"))
    assert payment_summary(paid, "submitted", en) == "Paid · Bank transfer by VietQR · BL26-X-000001"


def test_the_service_page_shows_the_per_copy_fee() -> None:
    catalog = get_catalog()
    rows = service_view(catalog.get("1.001193"), catalog, get_translator("vi")).fees
    assert rows and all(row.value == "Miễn phí" and "8.000\xa0đ" in row.note for row in rows)
