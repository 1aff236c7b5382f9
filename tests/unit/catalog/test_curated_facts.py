"""Every curated fact agrees with its record on the National Public Service Portal, where one exists.

``core/catalog/source_record.py`` reads the record's flattened cells as a person would (a row of
the channels table, the steps, the documents with their counts) and ``compare`` lists every time
limit, fee and document quantity of ``services_catalog/*.yaml`` that says something else.

A difference is allowed only when it was looked at and explained below: either the record
contradicts itself or the law it cites (REVIEWED), or the fix belongs to work in progress
elsewhere (PENDING). Both lists are checked both ways: an entry whose drift has gone must be
removed, so the lists never hide a new drift behind an old excuse.
"""

from __future__ import annotations

import json

import pytest

from citizen_app.core.catalog import check_catalog
from citizen_app.core.catalog.source_record import Comparison, compare_catalogue, load_record
from citizen_app.settings import get_settings

DESIGN_BUNDLE = (
    "The record counts this inside the design bundle ('02 bộ bản vẽ thiết kế xây dựng kèm theo; kết quả "
    "thực hiện thủ tục … phòng cháy, chữa cháy; báo cáo kết quả thẩm tra …; bản cam kết …'): its two sets are "
    "the drawings'. The form asks for one of this document."
)
REVIEWED: dict[tuple[str, str], str] = {
    ("1.013225", "documents[3]"): DESIGN_BUNDLE,
    ("1.013225", "documents[4]"): DESIGN_BUNDLE,
    ("1.013229", "documents[4]"): DESIGN_BUNDLE,
    **{
        ("3.000333", f"fee.{channel}"): (
            "The record's fee cell says 'Miễn phí' but refers to Circular 244/2016/TT-BTC, which sets "
            "200.000 đ a request (100.000 đ for students and people with meritorious service); the "
            "curated note says so."
        )
        for channel in ("online", "post", "counter")
    },
    ("3.000333", "documents[2]"): (
        "The record calls it 'Bản sao Thẻ Căn cước …' (a copy) yet counts '1 bản chính': the original is "
        "only shown, to compare. A copy is what is handed in."
    ),
}
# Nothing is waiting on other work: the ID card fees (1.014063, 1.014064) now state the full rate
# the record gives, with the 50 % reduction of Circular 64/2025/TT-BTC as a dated fee reduction (issue 11).
PENDING: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    settings = get_settings()
    records = settings.shared_data_dir / "procedures_raw"
    if not records.is_dir():
        pytest.skip(f"no records of the national portal in {records}")
    loaded = check_catalog(settings.catalog_dir)
    assert [str(p) for p in loaded.problems] == []
    return compare_catalogue(loaded.procedures, records)


def test_every_curated_procedure_with_a_record_is_compared(comparison: Comparison) -> None:
    records = get_settings().shared_data_dir / "procedures_raw"
    have_record = {path.stem for path in records.glob("*.json")}
    curated = set(comparison.compared) | set(comparison.without_record)
    assert set(comparison.compared) == have_record & curated
    assert len(comparison.compared) >= 32


def test_the_records_are_read_not_skipped(comparison: Comparison) -> None:
    """Each record gives rows with facts: a reader that found nothing would agree with everything."""
    records = get_settings().shared_data_dir / "procedures_raw"
    for code in comparison.compared:
        record = load_record(records, code)
        assert record is not None and record.rows, f"{code}: no row of the channels table was read"
        assert any(row.time is not None or row.fees_vnd for row in record.rows), f"{code}: rows without facts"
        counted = "bản chính" in json.loads((records / f"{code}.json").read_text(encoding="utf-8"))["thanh_phan_ho_so"]
        assert bool(record.documents) == counted, f"{code}: documents with counts were not read"


def test_curated_facts_agree_with_their_records(comparison: Comparison) -> None:
    unexplained = [
        str(drift) for drift in comparison.drifts if (drift.code, drift.fact) not in REVIEWED | PENDING
    ]
    assert unexplained == [], "curated facts that their record contradicts:\n" + "\n".join(unexplained)


def test_every_explained_difference_still_exists(comparison: Comparison) -> None:
    """An explanation whose drift has gone (fixed, or the record changed) must be removed."""
    found = {(drift.code, drift.fact) for drift in comparison.drifts}
    stale = sorted(set(REVIEWED) - found) + sorted(set(PENDING) - found)
    assert stale == [], f"remove these from REVIEWED/PENDING, they no longer differ: {stale}"


def test_the_criminal_record_certificate_takes_10_calendar_days() -> None:
    loaded = check_catalog(get_settings().catalog_dir)
    criminal_record = next(p for p in loaded.procedures if p.code == "3.000333")
    assert {(p.days, p.unit) for p in criminal_record.processing_time} == {(10, "calendar")}

