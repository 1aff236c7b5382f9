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


def test_one_session_factory_per_configured_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'factory.db'}")
    from citizen_app.settings import reset_settings_cache

    reset_settings_cache()
    db_engine.reset_engines()
    first = db_engine.session_factory()
    assert db_engine.session_factory() is first  # not a new sessionmaker (a new class) per transaction
    with db_engine.unit_of_work() as session:
        assert session.get_bind() is db_engine.get_engine()
    db_engine.reset_engines()
    assert db_engine.session_factory() is not first
    db_engine.reset_engines()


def test_a_connection_is_pinged_only_after_being_idle_and_a_dead_one_replaced(postgres_admin_url: str) -> None:
    engine = db_engine.make_engine(postgres_admin_url)
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def counted(dbapi_connection):  # type: ignore[no-untyped-def]
        pings.append(1)
        return real_ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    try:
        with engine.connect() as connection:
            first_pid = connection.exec_driver_sql("select pg_backend_pid()").scalar_one()
        with engine.connect() as connection:  # used a moment ago: no round trip before the work
            assert connection.exec_driver_sql("select pg_backend_pid()").scalar_one() == first_pid
        assert pings == []

        # Idle for long, and meanwhile the server dropped it: pinged, found dead, replaced.
        with create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.exec_driver_sql(f"select pg_terminate_backend({first_pid})")
        for record in list(engine.pool._pool.queue):  # type: ignore[attr-defined]
            record.info["idle_since"] -= db_engine.PING_AFTER_IDLE_SECONDS + 1
        with engine.connect() as connection:
            assert connection.exec_driver_sql("select 1").scalar_one() == 1
            assert connection.exec_driver_sql("select pg_backend_pid()").scalar_one() != first_pid
        assert pings == [1]
    finally:
        engine.dispose()
