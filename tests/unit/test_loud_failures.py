"""Failures that surface: a broken module stops the import, and CI never passes on skipped PostgreSQL tests.

Each case runs in a fresh interpreter, so breaking a module there leaves this test session alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("broken", "importer"),
    [
        # The forms engine validates every form in the catalogue: without it the app must not start.
        ("citizen_app.core.forms.schema", "citizen_app.core.catalog.loader"),
        # Receiving-unit names and the commune check of a submission come from the administrative units.
        ("citizen_app.core.admin_units", "citizen_app.core.dossiers.submission"),
        ("citizen_app.core.admin_units", "citizen_app.core.forms.validation"),
    ],
)
def test_a_broken_module_stops_the_import_instead_of_weakening_checks(broken: str, importer: str) -> None:
    # sys.modules[name] = None makes every import of that module raise ImportError, as a broken one would.
    result = _python(f"import sys; sys.modules[{broken!r}] = None; import {importer}")
    assert result.returncode != 0
    assert "ImportError" in result.stderr or "ModuleNotFoundError" in result.stderr, result.stderr
    assert broken in result.stderr


def _pytest_needing_postgres(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    """A one-test session using the ``engine`` fixture on PostgreSQL, pointed at a server that is not there."""
    test = tmp_path / "test_needs_postgres.py"
    test.write_text("def test_needs_postgres(engine):\n    assert engine is not None\n")
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["TEST_POSTGRES_URL"] = UNREACHABLE_POSTGRES
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "tests.conftest", str(test), "-k", "postgresql",
            "-q", "-rs", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-c", os.devnull,
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_in_ci_a_postgresql_test_that_cannot_reach_the_server_fails(tmp_path: Path) -> None:
    result = _pytest_needing_postgres(tmp_path, ci=True)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 error" in output and "skipped" not in output
    assert "127.0.0.1:1" in output and "CI=true: PostgreSQL tests must run, not skip" in output


def test_locally_it_is_skipped_with_a_clear_reason(tmp_path: Path) -> None:
    result = _pytest_needing_postgres(tmp_path, ci=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 skipped" in output
    assert "PostgreSQL at postgresql+psycopg://postgres@127.0.0.1:1/test unreachable" in output
    assert "set TEST_POSTGRES_URL" in output
