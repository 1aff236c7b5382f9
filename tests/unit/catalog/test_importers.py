"""Importers of the shared national data: idempotent, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core.admin_units import import_units, load_units
from citizen_app.core.catalog import get_catalog, reset_catalog
from citizen_app.core.catalog.index_import import import_index, load_index_procedures, map_level
from citizen_app.core.catalog.taxonomy import parse_taxonomy
from citizen_app.db.models.catalog import Commune, IndexedProcedure, Province
from tests.unit.catalog.helpers import TAXONOMY, procedure, write_catalog

INDEX_CSV = """ministry_folder,code,name,level,field
bo-tu-phap,1.001193,Thủ tục đăng ký khai sinh,Cấp xã,Hộ tịch
bo-tu-phap,1.004884,Thủ tục đăng ký lại khai sinh,Cấp xã,Hộ tịch
bo-cong-an,1.001456,Cấp hộ chiếu phổ thông,"Cấp bộ, Cấp tỉnh",Quản lý xuất nhập cảnh
bo-tai-chinh,1.000005,"Thủ tục hải quan đối với khí,  nguyên liệu",Cấp bộ,Hải quan
toa-an-nhan-dan,3.000001,Thủ tục tại tòa án,Cơ quan khác,Tòa án
bo-tu-phap,bad-code,Không hợp lệ,Cấp xã,Hộ tịch
bo-tu-phap,1.004884,Lặp lại,Cấp xã,Hộ tịch
"""

UNITS_CSV = """province_code,province_name,commune_code,commune_name,commune_type
01,Thành phố Hà Nội,00004,Phường Ba Đình,phuong
01,Thành phố Hà Nội,00008,Phường Ngọc Hà,phuong
01,Thành phố Hà Nội,09619,Xã Ba Vì,xa
79,Thành phố Hồ Chí Minh,26734,Phường Sài Gòn,phuong
79,Thành phố Hồ Chí Minh,28789,Đặc khu Côn Đảo,dac_khu
91,An Giang,30280,Phường Long Xuyên,phuong
"""


@pytest.mark.parametrize(
    ("published", "level"),
    [
        ("Cấp xã", "commune"),
        ("Cấp tỉnh", "province"),
        ("Cấp bộ", "ministry"),
        ("Cấp bộ, Cấp xã", "commune"),
        ("Cấp bộ, Cấp tỉnh", "province"),
        ("Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác", "commune"),
        ("Cấp tỉnh, Cơ quan khác", "province"),
        ("Cơ quan khác", "other"),
        ("", "other"),
    ],
)
def test_multi_level_values_pick_the_lowest_level(published: str, level: str) -> None:
    assert map_level(published) == level


def test_index_import_is_idempotent_and_updates(db_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "procedure_index.csv"
    path.write_text(INDEX_CSV, encoding="utf-8")
    first = import_index(db_session, path)
    db_session.commit()
    assert (first.read, first.inserted, first.updated, first.unchanged) == (5, 5, 0, 0)
    assert len(first.skipped) == 2
    again = import_index(db_session, path)
    db_session.commit()
    assert (again.inserted, again.updated, again.unchanged, again.removed) == (0, 0, 5, 0)
    assert db_session.scalar(select(func.count()).select_from(IndexedProcedure)) == 5

    path.write_text(INDEX_CSV.replace("Cấp hộ chiếu phổ thông", "Cấp hộ chiếu phổ thông ở trong nước")
                    .replace("bo-tai-chinh,1.000005", "bo-tai-chinh,1.000006"), encoding="utf-8")
    changed = import_index(db_session, path)
    db_session.commit()
    assert (changed.inserted, changed.updated, changed.unchanged, changed.removed) == (1, 1, 3, 1)
    passport = db_session.get(IndexedProcedure, "1.001456")
    assert passport.name == "Cấp hộ chiếu phổ thông ở trong nước"
    assert (passport.level, passport.level_source) == ("province", "Cấp bộ, Cấp tỉnh")
    customs = db_session.get(IndexedProcedure, "1.000006")
    assert customs.name == "Thủ tục hải quan đối với khí, nguyên liệu"  # spacing cleaned
    assert db_session.get(IndexedProcedure, "1.000005") is None


def test_index_entries_become_information_only_procedures(db_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "procedure_index.csv"
    path.write_text(INDEX_CSV, encoding="utf-8")
    import_index(db_session, path)
    db_session.commit()
    taxonomy, _ = parse_taxonomy(TAXONOMY)
    entries = {p.code: p for p in load_index_procedures(db_session, taxonomy)}
    birth = entries["1.004884"]
    assert birth.information_only and birth.form is None and not birth.can_apply_online
    assert birth.field == "civil-status" and birth.level == "commune"
    assert birth.name.vi == birth.name.en == "Thủ tục đăng ký lại khai sinh"
    assert entries["1.000005"].field == "hai-quan"  # not in the taxonomy: folded slug
    assert entries["3.000001"].level == "other"


def test_get_catalog_merges_database_index_and_curated_wins(
    engine, db_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citizen_app.settings import reset_settings_cache

    directory = write_catalog(tmp_path / "services_catalog", [procedure(popular=1)])
    monkeypatch.setenv("CATALOG_DIR", str(directory))
    reset_settings_cache()
    reset_catalog()
    try:
        assert len(get_catalog()) == 1  # empty table: the curated catalogue alone
        path = tmp_path / "procedure_index.csv"
        path.write_text(INDEX_CSV, encoding="utf-8")
        import_index(db_session, path)
        db_session.commit()
        assert len(get_catalog()) == 1  # cached until reset
        reset_catalog()
        catalog = get_catalog()
        assert len(catalog) == 5  # 1.001193 is in both: counted once
        assert not catalog.get("1.001193").information_only
        assert catalog.get("1.004884").information_only
        assert [c.slug for c in catalog.fields()][:1] == ["civil-status"]
        assert {c.slug for c in catalog.fields()} >= {"civil-status", "hai-quan", "quan-ly-xuat-nhap-canh"}
        assert catalog.field("hai-quan").name.en == "Hải quan"
        from citizen_app.core.search import get_index, search

        index = get_index()
        assert search("dang ky khai sinh").codes[0] == "1.001193"
        reset_catalog()
        assert get_index() is not index  # the index follows the catalogue
    finally:
        reset_catalog()


def test_units_import_is_idempotent(db_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "admin_units_2025.csv"
    path.write_text(UNITS_CSV, encoding="utf-8")
    first = import_units(db_session, path)
    db_session.commit()
    assert (first.provinces, first.communes, first.inserted) == (3, 6, 9)
    again = import_units(db_session, path)
    db_session.commit()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 9)
    assert db_session.scalar(select(func.count()).select_from(Commune)) == 6
    path.write_text(UNITS_CSV.replace("Phường Ngọc Hà", "Phường Ngọc Hà Mới"), encoding="utf-8")
    changed = import_units(db_session, path)
    db_session.commit()
    assert (changed.inserted, changed.updated) == (0, 1)
    assert db_session.get(Commune, "00008").name == "Phường Ngọc Hà Mới"
    assert db_session.get(Province, "79").name == "Thành phố Hồ Chí Minh"
    units = load_units(db_session)
    assert [p.code for p in units.provinces()] == ["91", "01", "79"]  # An Giang, Hà Nội, Hồ Chí Minh
    assert units.is_commune_in_province("79", "28789")


def test_real_shared_files_import(db_session: Session) -> None:
    from citizen_app.settings import get_settings

    shared = get_settings().shared_data_dir
    if not (shared / "admin_units_2025.csv").exists() or not (shared / "procedure_index.csv").exists():
        pytest.skip(f"shared data not found in {shared}")
    units = import_units(db_session, shared / "admin_units_2025.csv")
    index = import_index(db_session, shared / "procedure_index.csv")
    db_session.commit()
    assert (units.provinces, units.communes, units.skipped) == (34, 3321, ())
    assert index.inserted == index.read >= 2600 and index.skipped == ()
    again = import_units(db_session, shared / "admin_units_2025.csv")
    assert again.unchanged == 34 + 3321
