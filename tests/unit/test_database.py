"""The schema migrates on both backends and round-trips what the app stores."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.db.base import Base
from citizen_app.db.models.audit import AuditEvent


def test_migrations_create_every_model_table(engine) -> None:
    present = set(inspect(engine).get_table_names())
    assert {table.name for table in Base.metadata.sorted_tables} <= present


def test_the_migrations_build_exactly_the_schema_the_models_declare(engine) -> None:
    """What Alembic would autogenerate against a migrated database: nothing (columns, indexes, keys)."""
    import citizen_app.db.models  # noqa: F401  (every table in the metadata)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_partial_indexes_name_the_statuses_the_core_uses() -> None:
    from citizen_app.core.dossiers import AGENCY_OWES
    from citizen_app.core.dossiers.staff_queue import OPEN_STATUSES
    from citizen_app.db.models import dossiers

    def statuses(condition: str) -> set[str]:
        return set(re.findall(r"'([a-z_]+)'", condition))

    assert statuses(dossiers._OPEN) == set(OPEN_STATUSES)
    assert statuses(dossiers._OWED) == set(AGENCY_OWES)


def test_audit_event_round_trip_keeps_aware_utc_and_json(db_session: Session) -> None:
    audit.record(
        db_session,
        action="profile.update",
        target_type="profile",
        target_id="42",
        actor_id="42",
        actor_role="citizen",
        details={"field": "phone", "tên": "Nguyễn Văn An"},
    )
    db_session.commit()
    stored = db_session.scalars(select(AuditEvent)).one()
    assert stored.at.tzinfo is not None
    assert abs(stored.at - datetime.now(UTC)) < timedelta(minutes=1)
    assert stored.details == {"field": "phone", "tên": "Nguyễn Văn An"}
    assert [e.id for e in audit.events_for(db_session, "profile", "42")] == [stored.id]


def test_naive_datetimes_are_refused(db_session: Session) -> None:
    db_session.add(AuditEvent(action="x", target_type="y", at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        db_session.flush()


def test_other_offsets_are_stored_as_the_same_instant(db_session: Session) -> None:
    hanoi = timezone(timedelta(hours=7))
    moment = datetime(2026, 2, 17, 8, 30, tzinfo=hanoi)
    db_session.add(AuditEvent(action="x", target_type="y", at=moment))
    db_session.commit()
    assert db_session.scalars(select(AuditEvent.at)).one() == moment
