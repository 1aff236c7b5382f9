"""``python -m citizen_app catalog …`` and ``units …``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.cli import main
from citizen_app.commands import catalog as catalog_commands
from citizen_app.commands import units as units_commands
from citizen_app.db.models.catalog import Commune, IndexedProcedure
from citizen_app.settings import reset_settings_cache
from tests.unit.catalog.helpers import procedure, write_catalog
from tests.unit.catalog.test_importers import INDEX_CSV, UNITS_CSV


def test_check_ok_prints_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_catalog(tmp_path / "services_catalog", [procedure()])
    assert main(["catalog", "check", "--dir", str(directory)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("OK: 1 procedures")


def test_check_prints_every_problem_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_catalog(tmp_path / "services_catalog", [procedure(summary=None, field="x")])
    assert main(["catalog", "check", "--dir", str(directory)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "services_catalog/1.001193.yaml: summary: is required",
        "services_catalog/1.001193.yaml: field: unknown field 'x' (not in _taxonomy.yaml)",
    ]
    assert out[2].startswith("2 problem(s)")


def test_imports_and_seed_are_idempotent(
    db_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "procedure_index.csv").write_text(INDEX_CSV, encoding="utf-8")
    (shared / "admin_units_2025.csv").write_text(UNITS_CSV, encoding="utf-8")
    monkeypatch.setenv("SHARED_DATA_DIR", str(shared))
    reset_settings_cache()
    assert main(["units", "import"]) == 0
    assert main(["catalog", "import-index", "--path", str(shared / "procedure_index.csv")]) == 0
    catalog_commands.seed()
    units_commands.seed()
    out = capsys.readouterr().out
    assert "6 communes: 9 new" in out and "5 rows: 5 new" in out
    assert db_session.scalar(select(func.count()).select_from(Commune)) == 6
    assert db_session.scalar(select(func.count()).select_from(IndexedProcedure)) == 5
    assert main(["units", "show", "79"]) == 0
    assert "Đặc khu Côn Đảo" in capsys.readouterr().out


def test_missing_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SHARED_DATA_DIR", str(tmp_path))
    reset_settings_cache()
    assert main(["units", "import"]) == 1
    assert main(["catalog", "import-index"]) == 1
    catalog_commands.seed()  # nothing to load: no error
    units_commands.seed()
    assert "not found" in capsys.readouterr().out


def test_synth_writes_a_valid_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "synthetic"
    assert main(["catalog", "synth", "--count", "12", "--seed", "3", "--out", str(out)]) == 0
    assert main(["catalog", "check", "--dir", str(out)]) == 0
    assert "OK: 12 procedures" in capsys.readouterr().out
