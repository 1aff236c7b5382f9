"""Migration 0005 builds exactly what db/models/tracking.py declares (on both databases)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from citizen_app.db.base import Base

TABLES = {"notifications", "dossier_ratings", "rate_limit_windows"}


def _table_of(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item if isinstance(item, tuple) else ():
        table = getattr(part, "table", None)
        name = getattr(part, "name", None)
        if table is not None and getattr(table, "name", None) in TABLES:
            return table.name
        if name in TABLES:
            return name
        if isinstance(part, str) and part in TABLES:
            return part
    return None


def test_migration_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, Base.metadata) if _table_of(d)]
    assert differences == []
