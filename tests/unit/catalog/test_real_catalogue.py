"""The project's own services_catalog/ loads clean, and real queries rank as people expect."""

from __future__ import annotations

import pytest

from citizen_app.core.catalog import Catalog, check_catalog
from citizen_app.core.catalog.index_import import procedures_from_rows, read_index
from citizen_app.core.catalog.loader import procedure_files
from citizen_app.core.search import SearchIndex
from citizen_app.settings import get_settings


def test_real_catalogue_has_no_problems() -> None:
    directory = get_settings().catalog_dir
    loaded = check_catalog(directory)
    assert [str(p) for p in loaded.problems] == []
    assert len(loaded.procedures) == len(procedure_files(directory))
    assert len(loaded.taxonomy.fields) >= 13 and len(loaded.taxonomy.life_events) >= 11


def test_forms_are_parsed_by_the_forms_engine() -> None:
    loaded = check_catalog(get_settings().catalog_dir)
    with_form = [p for p in loaded.procedures if p.form is not None]
    assert all(type(p.form).__name__ == "FormSchema" for p in with_form)


@pytest.fixture(scope="module")
def real_index() -> SearchIndex:
    settings = get_settings()
    loaded = check_catalog(settings.catalog_dir)
    path = settings.shared_data_dir / "procedure_index.csv"
    rows = read_index(path)[0] if path.exists() else []
    catalog = Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows(rows, loaded.taxonomy))
    return SearchIndex(catalog.all(), catalog)


@pytest.mark.parametrize("query", ["dang ky khai sinh", "Đăng ký khai sinh", "khai sinh", "dang ky kh",
                                   "khai sinh dang ky", "1.001193", "1.0011"])
def test_birth_registration_first_on_the_real_data(real_index: SearchIndex, query: str) -> None:
    results = real_index.search(query)
    assert results.codes[0] == "1.001193", results.codes[:5]
