"""Fixtures shared by every test: settings isolation and databases.

Database tests take ``engine`` (or ``db_session``) and run twice: on a fresh
SQLite file and on a fresh database on the PostgreSQL server. When no server can
be reached or started, PostgreSQL tests are skipped with the reason on a
developer's machine, and FAIL in CI (``CI=true``), where a silent skip would
pass a change never run against PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.orm import Session

from citizen_app.core import transaction_hooks
from citizen_app.db.base import Base
from citizen_app.db.engine import make_engine, reset_engines
from citizen_app.db.migrate import upgrade
from citizen_app.settings import reset_settings_cache

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(autouse=True, scope="session")
def transaction_hooks_installed() -> None:
    """What the app's start-up does: attachment files and emails follow each transaction."""
    transaction_hooks.install()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own data directory; nothing leaks into ./var."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    reset_settings_cache()
    yield data_dir
    reset_settings_cache()
    reset_engines()


def _postgres_reachable() -> str | None:
    """None when the server answers; otherwise why not."""
    try:
        probe = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
        return None
    except Exception as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def _start_postgres() -> None:
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").exists():
        return
    for version in os.listdir("/etc/postgresql"):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            capture_output=True,
            timeout=60,
            check=False,
        )


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    problem = _postgres_reachable()
    if problem:
        _start_postgres()
        problem = _postgres_reachable()
    if problem:
        reason = f"PostgreSQL at {POSTGRES_ADMIN_URL} unreachable and could not be started ({problem})"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true: PostgreSQL tests must run, not skip", pytrace=False)
        pytest.skip(
            f"{reason}. Start it (pg_ctlcluster <version> main start) or set TEST_POSTGRES_URL; "
            "under CI=true these tests fail instead"
        )
    return POSTGRES_ADMIN_URL


def _fresh_postgres_database(admin_url: str) -> tuple[str, callable]:
    name = f"citizen_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database of each kind, made once per test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        upgrade(url)
        yield url
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    url, drop = _fresh_postgres_database(admin_url)
    upgrade(url)
    yield url
    reset_engines()
    drop()


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The session's database, made the app's configured one, emptied after each test."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    reset_settings_cache()
    engine = make_engine(database_url)
    yield engine
    present = set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in present:
                connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real S3 server (SeaweedFS) on free local ports, for the whole test session."""
    from tests.seaweed import seaweed_s3

    with seaweed_s3(tmp_path_factory.mktemp("seaweed")) as server:
        yield server


@pytest.fixture
def s3_storage(seaweed, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The app configured for STORAGE_BACKEND=s3 on the SeaweedFS server, under a fresh prefix of one bucket.

    (One bucket for the session: SeaweedFS gives each bucket volumes of its own.)
    """
    from citizen_app.core.storage import get_storage

    for name, value in seaweed.env("citizen-test").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("S3_PREFIX", f"test-{uuid.uuid4().hex[:12]}")
    reset_settings_cache()
    storage = get_storage()
    storage.create_bucket()  # type: ignore[attr-defined]
    yield storage
    reset_settings_cache()
