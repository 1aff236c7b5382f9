"""Administrative-unit lookups for address pickers."""

from __future__ import annotations

from pathlib import Path

import pytest

from citizen_app.core import admin_units
from citizen_app.core.admin_units import AdminUnits, kind_label, read_units_csv
from citizen_app.core.i18n import get_translator
from citizen_app.settings import reset_settings_cache
from tests.unit.catalog.test_importers import UNITS_CSV


@pytest.fixture
def units(tmp_path: Path) -> AdminUnits:
    path = tmp_path / "admin_units_2025.csv"
    path.write_text(UNITS_CSV, encoding="utf-8")
    rows = read_units_csv(path)
    return AdminUnits(rows.provinces, rows.communes)


def test_provinces_sort_by_folded_name_without_the_kind_word(units: AdminUnits) -> None:
    assert [p.name for p in units.provinces()] == ["An Giang", "Thành phố Hà Nội", "Thành phố Hồ Chí Minh"]


def test_communes_of_a_province(units: AdminUnits) -> None:
    assert [c.name for c in units.communes("01")] == ["Phường Ba Đình", "Xã Ba Vì", "Phường Ngọc Hà"]
    assert units.communes("99") == ()
    assert units.communes(None) == ()
    assert units.communes(" 01 ")[0].code == "00004"


def test_names_and_membership(units: AdminUnits) -> None:
    assert units.province_name("79") == "Thành phố Hồ Chí Minh"
    assert units.commune_name("28789") == "Đặc khu Côn Đảo"
    assert units.commune("28789").kind == "dac_khu"
    assert units.province_name("00") is None and units.commune_name("") is None
    assert units.is_commune_in_province("01", "00004")
    assert not units.is_commune_in_province("79", "00004")
    assert not units.is_commune_in_province("01", "99999")
    assert not units.is_commune_in_province(None, None)
    assert units.describe("00004") == "Phường Ba Đình, Thành phố Hà Nội"
    assert units.describe("nope") is None


def test_bad_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(UNITS_CSV + "1,Tỉnh Lạ,12345,Xã Lạ,xa\n01,Thành phố Hà Nội,123,Xã Ngắn,xa\n"
                    "01,Thành phố Hà Nội,00100,Xã Mới,thon\n", encoding="utf-8")
    rows = read_units_csv(path)
    assert len(rows.communes) == 6 and len(rows.skipped) == 3


def test_kind_labels_in_both_languages() -> None:
    assert get_translator("vi").render(kind_label("phuong")) == "Phường"
    assert get_translator("en").render(kind_label("dac_khu")) == "Special zone"


def test_process_lookups_fall_back_to_the_shared_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "admin_units_2025.csv").write_text(UNITS_CSV, encoding="utf-8")
    monkeypatch.setenv("SHARED_DATA_DIR", str(shared))
    reset_settings_cache()
    admin_units.reset_admin_units()
    try:
        assert [p.code for p in admin_units.provinces()] == ["91", "01", "79"]
        assert [c.code for c in admin_units.communes("79")] == ["28789", "26734"]  # Côn Đảo, Sài Gòn
        assert admin_units.province_name("91") == "An Giang"
        assert admin_units.commune_name("30280") == "Phường Long Xuyên"
        assert admin_units.is_commune_in_province("91", "30280")
        assert admin_units.describe("30280") == "Phường Long Xuyên, An Giang"
        assert admin_units.get_admin_units() is admin_units.get_admin_units()  # cached
    finally:
        admin_units.reset_admin_units()


def test_real_units_file() -> None:
    from citizen_app.settings import get_settings

    path = get_settings().shared_data_dir / "admin_units_2025.csv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    rows = read_units_csv(path)
    units = AdminUnits(rows.provinces, rows.communes)
    assert len(units.provinces()) == 34 and len(rows.communes) == 3321
    assert len(units.communes("79")) == 168 and len(units.communes("01")) == 126
    assert units.provinces()[0].name == "An Giang"
