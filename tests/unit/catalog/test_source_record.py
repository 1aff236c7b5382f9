"""Reading a portal record's flattened cells as a person would, and finding where a curated entry differs."""

from __future__ import annotations

import dataclasses

from citizen_app.core.catalog import Document, Fee, Localized, ProcessingTime
from citizen_app.core.catalog.loader import load_catalog
from citizen_app.core.catalog.source_record import (
    SourceTime,
    compare,
    read_documents,
    read_limits_in_steps,
    read_record,
    read_rows,
)
from citizen_app.settings import PROJECT_ROOT

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"


def test_rows_of_the_channels_table() -> None:
    rows = read_rows(
        HEADER
        + "Trực tuyến8 Ngày làm việc160,000 Việt Nam Đồng(+ 160.000/hộ chiếu; cấp lại: 320.000đ/hộ chiếu)"
        + "Dịch vụ bưu chính10 NgàyMiễn phí"
        + "Trực tiếp3Không có thông tin- Nộp hồ sơ Trực tuyến qua Cổng dịch vụ công quốc gia."
        + "Trực tiếpKhông có thông tin10 USD(/bản)"
    )
    assert [(r.channel, r.time) for r in rows] == [
        ("online", SourceTime(8, "working")),
        ("post", SourceTime(10, "calendar")),
        ("counter", SourceTime(3, None)),  # the unit was lost in the crawl
        ("counter", None),
    ]
    # "Trực tuyến" inside a description is not a row: no time and fee cells follow it.
    assert len(rows) == 4
    assert rows[0].fee_cell_vnd == 160_000 and rows[0].fees_vnd == {160_000, 320_000}
    assert rows[1].fees_vnd == {0}
    assert rows[2].fees_vnd == frozenset() and rows[3].fees_vnd == frozenset()  # not stated; not dong


def test_a_free_cell_whose_description_names_a_fee() -> None:
    (row,) = read_rows(HEADER + "Trực tuyến5 Ngày làm việcMiễn phí(- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)")
    assert row.fees_vnd == {0, 135_000}


def test_documents_with_their_counts_and_notes_left_out() -> None:
    documents = read_documents(
        "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Tờ khai đăng ký thường trú (Mẫu CT01).1 bản chính"
        "Trường hợp đã có dữ liệu thì không phải nộp.0 bản chính"
        "- Giấy tờ chứng minh chỗ ở hợp pháp.1 bản chính,1 bản sao"
    )
    assert [(d.name, d.originals, d.copies) for d in documents] == [
        ("Tờ khai đăng ký thường trú (Mẫu CT01)", 1, 0),
        ("Giấy tờ chứng minh chỗ ở hợp pháp", 1, 1),
    ]


def test_limits_the_steps_state_in_words() -> None:
    steps = "Trong thời hạn 05 ngày làm việc kể từ ngày nhận hồ sơ … Thời hạn giải quyết: Không quá 02 ngày làm việc; trong thời hạn 20 ngày (hoặc 15 ngày)"
    assert read_limits_in_steps(steps) == {SourceTime(5, "working"), SourceTime(2, "working"), SourceTime(20, "calendar")}


def _birth():  # type: ignore[no-untyped-def]
    return next(p for p in load_catalog(PROJECT_ROOT / "services_catalog").procedures if p.code == "1.001193")


RECORD = {
    "ma_thu_tuc": "1.001193",
    "cach_thuc_thuc_hien": HEADER + "Trực tuyến10 NgàyMiễn phíTrực tiếp10 Ngày8,000 VNĐ",
    "thanh_phan_ho_so": "Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký khai sinh theo mẫu1 bản chính",
    "trinh_tu_thuc_hien": "",
}


def test_a_working_day_limit_where_the_record_counts_calendar_days_is_a_drift() -> None:
    procedure = dataclasses.replace(
        _birth(),
        processing_time=(ProcessingTime("online", 10), ProcessingTime("counter", 10, "calendar")),
        fees=(Fee("online", 0), Fee("counter", 8000)),
        documents=(Document(Localized("Tờ khai đăng ký khai sinh", "Form"), 1, 0, True),),
    )
    drifts = compare(procedure, read_record(RECORD))
    assert [(d.fact, d.curated, d.source) for d in drifts] == [
        ("time.online", "10 working days", "10 calendar days")
    ]


def test_steps_that_state_the_limit_in_working_days_settle_a_terse_cell() -> None:
    record = dict(RECORD, trinh_tu_thuc_hien="Thời hạn giải quyết: Không quá 10 ngày làm việc.")
    procedure = dataclasses.replace(_birth(), processing_time=(ProcessingTime("online", 10),), fees=(), documents=())
    assert compare(procedure, read_record(record)) == []


def test_fees_and_document_counts_that_differ_are_drifts() -> None:
    procedure = dataclasses.replace(
        _birth(),
        processing_time=(),
        fees=(Fee("online", 0), Fee("counter", 10_000), Fee("post", 5_000)),
        documents=(Document(Localized("Tờ khai đăng ký khai sinh", "Form"), 1, 1, True),),
    )
    drifts = {d.fact: d for d in compare(procedure, read_record(RECORD))}
    assert set(drifts) == {"fee.counter", "documents[0]"}  # no post row in the record: nothing to compare
    assert drifts["fee.counter"].source == "one of 8000"
    assert drifts["documents[0]"].source.startswith("1 originals, 0 copies")


def test_a_document_the_record_does_not_name_is_not_compared() -> None:
    procedure = dataclasses.replace(
        _birth(),
        processing_time=(),
        fees=(),
        documents=(Document(Localized("Giấy chứng sinh", "Birth certificate from the hospital"), 2, 0, True),),
    )
    assert compare(procedure, read_record(RECORD)) == []
