"""A catalogue load that fails is retried with back-off and logged, and never kept as half a catalogue."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from citizen_app.core.catalog import registry
from citizen_app.core.catalog.index_import import import_index
from citizen_app.core.catalog.model import Procedure
from citizen_app.core.catalog.taxonomy import Taxonomy
from citizen_app.settings import reset_settings_cache
from tests.unit.catalog.helpers import procedure, write_catalog
from tests.unit.catalog.test_importers import INDEX_CSV

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nowhere"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Clock, list[float]]]:
    """One curated procedure in CATALOG_DIR, a clock the test moves, and the back-off sleeps recorded."""
    monkeypatch.setenv("CATALOG_DIR", str(write_catalog(tmp_path / "services_catalog", [procedure(popular=1)])))
    reset_settings_cache()
    slept: list[float] = []
    fake = Clock()
    monkeypatch.setattr(registry, "_sleep", slept.append)
    monkeypatch.setattr(registry, "_clock", fake)
    registry.reset_catalog()
    yield fake, slept
    registry.reset_catalog()


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = registry._read_index

    def counted(taxonomy: Taxonomy) -> list[Procedure]:
        calls.append(1)
        return real(taxonomy)

    monkeypatch.setattr(registry, "_read_index", counted)
    return calls


def test_a_database_blip_at_start_up_is_retried_with_back_off(
    clock: tuple[Clock, list[float]], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _fake, slept = clock
    failures = [OperationalError("select", {}, Exception("server closed the connection unexpectedly"))] * 2
    index_entry = object()

    def flaky(_taxonomy: Taxonomy) -> list[object]:
        if failures:
            raise failures.pop()
        return [index_entry]

    monkeypatch.setattr(registry, "_read_index", flaky)
    monkeypatch.setattr(registry, "Catalog", lambda taxonomy, curated, index=(): ("catalog", list(index)))
    with caplog.at_level(logging.WARNING, logger=registry.__name__):
        catalog = registry.get_catalog()
    assert catalog == ("catalog", [index_entry])
    assert slept == list(registry.INDEX_RETRY_DELAYS)
    assert registry.catalog_complete()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "attempt 1 of 3" in warnings[0] and "server closed" in warnings[0]


def test_an_unreachable_database_serves_the_curated_catalogue_until_the_index_loads(
    engine: Engine,
    db_session: Session,
    clock: tuple[Clock, list[float]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake, slept = clock
    reads = _count_reads(monkeypatch)
    working_url = str(engine.url.render_as_string(hide_password=False))
    csv = tmp_path / "procedure_index.csv"
    csv.write_text(INDEX_CSV, encoding="utf-8")
    import_index(db_session, csv)
    db_session.commit()

    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    reset_settings_cache()
    with caplog.at_level(logging.WARNING, logger=registry.__name__):
        curated_only = registry.get_catalog()
    attempts = len(registry.INDEX_RETRY_DELAYS) + 1
    assert len(curated_only) == 1 and not registry.catalog_complete()
    assert len(reads) == attempts and slept == list(registry.INDEX_RETRY_DELAYS)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "without the national index" in errors[0] and "next try in 5 s" in errors[0]

    # Within the back-off the same catalogue is served without knocking on the database again.
    fake.now += registry.RELOAD_BACKOFF[0] - 1
    assert registry.get_catalog() is curated_only and len(reads) == attempts

    # Then it is tried again; still down: the same object (the search index is not rebuilt), a longer wait.
    fake.now += 2
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger=registry.__name__):
        assert registry.get_catalog() is curated_only
    assert len(reads) == 2 * attempts
    assert "next try in 15 s" in caplog.records[-1].getMessage()

    # The database is back: the next try after the back-off loads the index, and that catalogue is kept.
    monkeypatch.setenv("DATABASE_URL", working_url)
    reset_settings_cache()
    fake.now += registry.RELOAD_BACKOFF[1] + 1
    whole = registry.get_catalog()
    assert whole is not curated_only and registry.catalog_complete()
    assert len(whole) == 5 and whole.get("1.004884").information_only
    fake.now += 10_000
    assert registry.get_catalog() is whole and len(reads) == 2 * attempts + 1


def test_build_catalog_raises_when_the_index_cannot_be_read(
    clock: tuple[Clock, list[float]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    reset_settings_cache()
    with pytest.raises(registry.IndexUnavailable, match="after 3 attempts"):
        registry.build_catalog(tmp_path / "services_catalog")
    assert len(registry.build_catalog(tmp_path / "services_catalog", with_index=False)) == 1
