"""One engine (one connection pool) per database URL, even when the first requests arrive together."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from citizen_app.db import engine as db_engine


def test_concurrent_first_use_builds_one_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    built: list[Engine] = []

    def slow_make_engine(requested: str) -> Engine:
        time.sleep(0.05)  # wide enough a window for every thread to find the cache empty without the lock
        engine = create_engine(requested)
        built.append(engine)
        return engine

    monkeypatch.setattr(db_engine, "make_engine", slow_make_engine)
    db_engine.reset_engines()
    start = threading.Barrier(8)
    seen: list[Engine] = []

    def first_request() -> None:
        start.wait()
        seen.append(db_engine.get_engine(url))

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(built) == 1
    assert len(seen) == 8 and all(engine is built[0] for engine in seen)
    db_engine.reset_engines()
    assert db_engine.get_engine(url) is not built[0]  # a reset forgets it
    assert len(built) == 2
    db_engine.reset_engines()
