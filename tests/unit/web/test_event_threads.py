"""Event handlers off the event loop (web/event_threads.py), short SQLite lock waits and forked workers
(db/engine.py). The end-to-end proof on a running app is in tests/e2e/test_production.py."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from citizen_app.db import engine as db_engine
from citizen_app.settings import load_settings, reset_settings_cache
from citizen_app.web import event_threads


class FakeState:
    server_busy = False

    def __init__(self) -> None:
        self.threads: list[str] = []


class StaffQueueState(FakeState):
    def load(self) -> None:
        pass


def plain(state: FakeState, value: int) -> int:
    state.threads.append(threading.current_thread().name)
    time.sleep(0.2)  # a slow query
    return value * 2


def stepping(state: FakeState) -> Any:
    state.threads.append(threading.current_thread().name)
    yield "first"
    state.threads.append(threading.current_thread().name)
    return "last"


def locked(state: FakeState) -> None:
    raise OperationalError("UPDATE dossiers …", {}, sqlite3.OperationalError("database is locked"))


def test_a_plain_handler_runs_on_the_pool_and_the_loop_keeps_turning() -> None:
    state = FakeState()
    threaded = event_threads._threaded(plain)

    async def main() -> tuple[int, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        running = asyncio.create_task(ticker())
        result = await threaded(state, value=21)
        running.cancel()
        return result, ticks

    result, ticks = asyncio.run(main())
    assert result == 42
    assert state.threads and state.threads[0].startswith("event")
    assert ticks >= 5  # the loop ran other work during the 0.2 s "query"


def test_a_generator_handler_steps_on_the_pool_and_yields_each_update() -> None:
    state = FakeState()

    async def main() -> list[Any]:
        result = await event_threads._threaded(stepping)(state)
        return [item async for item in result]

    assert asyncio.run(main()) == ["first", "last"]
    assert len(state.threads) == 2 and all(name.startswith("event") for name in state.threads)


def test_a_locked_database_marks_the_tab_busy_instead_of_failing() -> None:
    state = FakeState()
    assert asyncio.run(event_threads._threaded(locked)(state)) is None
    assert state.server_busy is True
    asyncio.run(event_threads._threaded(plain)(state, value=1))
    assert state.server_busy is False  # the next event that goes through clears it


def test_handler_names_and_the_test_only_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    assert event_threads._handler_name(StaffQueueState.load) == "staff_queue_state.load"
    settings = load_settings({"TEST_SLOW_EVENTS": "staff_queue_state.load=2.5, search_state.search=1"})
    assert dict(settings.test_slow_events) == {"staff_queue_state.load": 2.5, "search_state.search": 1.0}
    assert load_settings({}).test_slow_events == ()
    with pytest.raises(ValueError):
        load_settings({"TEST_SLOW_EVENTS": "search_state.search=1", "PUBLIC_BASE_URL": "https://dvc.example.vn"})
    assert load_settings({}).event_threads == 8 and load_settings({"EVENT_THREADS": "3"}).event_threads == 3
    with pytest.raises(ValueError):
        load_settings({"EVENT_THREADS": "0"})


def test_off_loop_runs_a_call_on_the_pool() -> None:
    name = asyncio.run(event_threads.off_loop(lambda: threading.current_thread().name))
    assert name.startswith("event")


def test_only_our_handlers_are_moved() -> None:
    assert event_threads._ours(plain) is False  # a test module, like Reflex's own handlers
    from citizen_app.states.base import AppState

    assert event_threads._ours(AppState.event_handlers["load_session"].fn) is True


def test_a_serving_process_waits_seconds_not_half_a_minute_for_sqlite(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    monkeypatch.setenv("SQLITE_BUSY_SECONDS", "0.5")
    reset_settings_cache()
    try:
        db_engine.serve_with_short_lock_waits()
        assert db_engine.sqlite_busy_ms() == 500
        engine = db_engine.get_engine(url)
        with engine.begin() as connection:
            connection.execute(text("create table t (x int)"))
        holder = sqlite3.connect(tmp_path / "busy.db")
        holder.execute("begin immediate")  # another process holds the write lock
        started = time.monotonic()
        with pytest.raises(OperationalError) as failure, engine.begin() as connection:
            connection.execute(text("insert into t values (1)"))
        assert event_threads.is_database_busy(failure.value)
        assert time.monotonic() - started < 5
        holder.rollback()
        holder.close()
    finally:
        monkeypatch.setattr(db_engine, "_sqlite_busy_ms", 30_000)
        db_engine.reset_engines()
        reset_settings_cache()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_worker_opens_its_own_connections(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fork.db'}"
    engine = db_engine.get_engine(url)
    with engine.connect() as connection:
        connection.execute(text("select 1"))
    inherited = engine.pool.checkedin()
    assert inherited == 1
    pid = os.fork()
    if pid == 0:  # the child: the pool is empty, a query makes a new connection
        try:
            status = 0 if engine.pool.checkedin() == 0 else 3
            with db_engine.get_engine(url).connect() as connection:
                connection.execute(text("select 1"))
        except BaseException:
            status = 4
        os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert engine.pool.checkedin() == 1  # the parent's connection stayed open for the parent
    db_engine.reset_engines()
