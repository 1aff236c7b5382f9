"""The synthetic generator: deterministic, bilingual, and valid catalogue files."""

from __future__ import annotations

from pathlib import Path

from citizen_app.core.catalog import check_catalog
from citizen_app.core.catalog.synthetic import generate, write_directory
from citizen_app.core.catalog.taxonomy import parse_taxonomy
from tests.unit.catalog.helpers import TAXONOMY, write_catalog

TAX, _ = parse_taxonomy(TAXONOMY)


def test_same_seed_same_entries_other_seed_other_entries() -> None:
    first = list(generate(50, TAX, seed=7))
    assert first == list(generate(50, TAX, seed=7))
    assert first != list(generate(50, TAX, seed=8))
    assert [p.code for p in first[:2]] == ["9.000001", "9.000002"]
    assert all(p.name.vi != p.name.en and p.field in TAX.fields for p in first)
    assert len({p.name.vi for p in generate(500, TAX)}) > 400  # varied names


def test_written_files_pass_the_catalogue_check(tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "source", [])
    out = tmp_path / "synthetic"
    assert write_directory(list(generate(40, TAX, seed=1)), out, source / "_taxonomy.yaml") == 40
    loaded = check_catalog(out)
    assert loaded.problems == () and len(loaded.procedures) == 40
    assert loaded.procedures == tuple(generate(40, TAX, seed=1))
