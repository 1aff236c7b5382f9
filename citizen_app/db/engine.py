"""Engine and session factory for the configured database."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from citizen_app.settings import get_settings

# How long SQLite waits for another process's write lock. Commands and the job worker can wait; a serving
# process must not (web/event_threads.py): serve_with_short_lock_waits() lowers it at the app's start.
_sqlite_busy_ms = 30_000


def serve_with_short_lock_waits() -> None:
    """Serving processes wait SQLITE_BUSY_SECONDS for SQLite's write lock, not 30 s (engines made from now on)."""
    global _sqlite_busy_ms
    _sqlite_busy_ms = int(get_settings().sqlite_busy_seconds * 1000)
    reset_engines()  # an engine made before this (at import) would keep the long wait


def sqlite_busy_ms() -> int:
    return _sqlite_busy_ms


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        busy_ms = _sqlite_busy_ms
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_ms / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # WAL lets readers proceed while one writer commits; foreign keys are off by default in SQLite.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


_engines: dict[str, Engine] = {}
# Reflex serves events on threads: two first requests at once must not build two engines (two pools).
_engines_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for ``url`` (default: Settings.database_url), made once per URL."""
    url = url or get_settings().database_url
    engine = _engines.get(url)
    if engine is None:
        with _engines_lock:
            engine = _engines.get(url)
            if engine is None:
                engine = _engines[url] = make_engine(url)
    return engine


def _forget_inherited_connections() -> None:
    """In a forked child: never use the parent's pooled connections.

    Granian forks web workers (and respawns a dead one) from a supervisor that imported the app and so
    opened connections; two processes talking on one connection corrupt each other's conversations
    (PostgreSQL: "prepared statement already exists"). SQLAlchemy's advice for forks: dispose without closing,
    so the parent's connections stay open for the parent.
    """
    global _engines_lock
    _engines_lock = threading.Lock()  # a lock held by another thread at the fork would never be released here
    for engine in list(_engines.values()):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commits when the block succeeds, rolls back when it raises."""
    with session_factory(engine)() as session, session.begin():
        yield session


def reset_engines() -> None:
    """Tests switch DATABASE_URL between runs; drop pooled connections to the old one."""
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()
