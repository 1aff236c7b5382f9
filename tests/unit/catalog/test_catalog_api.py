"""The catalogue API pages use: lookups, fields and life events with counts, popular entries."""

from __future__ import annotations

from pathlib import Path

from citizen_app.core.catalog import Catalog, load_catalog
from citizen_app.core.catalog.index_import import IndexRow, procedures_from_rows
from citizen_app.core.catalog.labels import channel_label, level_label, online_level_label, working_days_label
from citizen_app.core.i18n import get_translator
from tests.unit.catalog.helpers import procedure, write_catalog


def make_catalog(tmp_path: Path) -> Catalog:
    directory = write_catalog(
        tmp_path / "services_catalog",
        [
            procedure(popular=2),
            procedure(code="1.000894", name_vi="Thủ tục đăng ký kết hôn", name_en="Marriage registration",
                      life_events=[]),
            procedure(code="1.004222", name_vi="Đăng ký thường trú", name_en="Permanent residence",
                      field="residence", life_events=["moving-house", "having-a-baby"], popular=1),
        ],
    )
    loaded = load_catalog(directory)
    rows = [
        IndexRow("1.001193", "Thủ tục đăng ký khai sinh", "commune", "Cấp xã", "Hộ tịch", "bo-tu-phap"),
        IndexRow("1.004884", "Thủ tục đăng ký lại khai sinh", "commune", "Cấp xã", "Hộ tịch", "bo-tu-phap"),
        IndexRow("1.000005", "Thủ tục hải quan", "ministry", "Cấp bộ", "Hải quan", "bo-tai-chinh"),
    ]
    return Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows(rows, loaded.taxonomy))


def test_get_and_all(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    assert len(catalog) == 5
    assert catalog.get("1.001193").name.en == "Birth registration"  # curated wins over the index
    assert catalog.get(" 1.001193 ") is catalog.get("1.001193")
    assert catalog.get("9.999999") is None and "1.004884" in catalog
    assert [p.code for p in catalog.all()][:3] == ["1.004222", "1.001193", "1.000894"]  # popular, then name
    assert [p.code for p in catalog.curated()] == ["1.004222", "1.001193", "1.000894"]


def test_fields_with_counts(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    counts = {c.slug: (c.count, c.curated_count) for c in catalog.fields()}
    assert counts == {"civil-status": (3, 2), "residence": (1, 1), "hai-quan": (1, 0)}
    assert [c.slug for c in catalog.fields()] == ["civil-status", "residence", "hai-quan"]
    assert [c.slug for c in catalog.fields(include_information_only=False)] == ["civil-status", "residence"]
    assert catalog.field("civil-status").name.en == "Civil status"
    assert catalog.field("hai-quan").from_index


def test_life_events_with_counts(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    assert [(e.slug, e.count) for e in catalog.life_events()] == [("having-a-baby", 2), ("moving-house", 1)]
    assert [p.code for p in catalog.by_life_event("having-a-baby")] == ["1.004222", "1.001193"]
    assert catalog.by_life_event("nope") == []
    assert catalog.life_event("moving-house").name.vi == "Chuyển nơi ở"


def test_by_field_and_popular(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    assert [p.code for p in catalog.by_field("civil-status")] == ["1.001193", "1.000894", "1.004884"]
    assert [p.code for p in catalog.by_field("civil-status", include_information_only=False)] == [
        "1.001193", "1.000894"]
    assert [p.code for p in catalog.popular(2)] == ["1.004222", "1.001193"]
    assert [p.code for p in catalog.popular(10)] == ["1.004222", "1.001193", "1.000894"]  # curated only


def test_labels_render_in_both_languages() -> None:
    vi, en = get_translator("vi"), get_translator("en")
    assert vi.render(level_label("commune")) == "Cấp xã"
    assert en.render(level_label("ministry")) == "Ministry level"
    assert vi.render(channel_label("online")) == "Trực tuyến"
    assert en.render(online_level_label("full")) == "Full online service"
    assert online_level_label(None) is None
    assert vi.render(working_days_label(0)) == "Trong ngày"
    assert en.render(working_days_label(1)) == "1 working day"
    assert en.render(working_days_label(7)) == "7 working days"
