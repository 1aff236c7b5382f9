"""Engine and session factory for the configured database."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc, make_url
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
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_when_idle(engine)
    return engine


# A pooled connection unused for this long is checked before it is handed out (the server may have restarted
# or dropped it meanwhile). One used a moment ago is not: pinging every checkout (``pool_pre_ping``) cost one
# round trip per transaction, about a tenth of a payment notification's time (docs/performance.md).
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # a new connection, or one in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and checks out another (a fresh one if need be).
            raise exc.DisconnectionError(str(error)) from error


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


# The configured engine's session factory, made once: a ``sessionmaker`` defines a class, too much per transaction.
_factories: dict[Engine, sessionmaker[Session]] = {}


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    if engine is not None:
        return sessionmaker(bind=engine, expire_on_commit=False)
    engine = get_engine()
    factory = _factories.get(engine)
    if factory is None:
        factory = _factories[engine] = sessionmaker(bind=engine, expire_on_commit=False)
    return factory


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
        _factories.clear()
    for engine in engines:
        engine.dispose()
