"""Refusals are audited, but a client replaying a forbidden request cannot flood the trail (or its log)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from citizen_app.core.dossiers.access import Actor, record_denial
from citizen_app.core.identity.denials import record_denial as record_staff_denial
from citizen_app.core.identity.permissions import PermissionDenied
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.audit import AuditEvent
from citizen_app.settings import get_settings


def _rows(engine: Engine, actor_id: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.actor_id == actor_id).order_by(AuditEvent.id)))


def test_refusals_beyond_the_limit_are_counted_not_listed(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="citizen_app.audit")
    limit = get_settings().denial_audit_limit_per_minute
    prying = Actor.citizen(41)
    for attempt in range(limit + 30):
        with unit_of_work(engine) as db:
            record_denial(
                db, action="attachment.open", actor=prying, target_type="dossier", target_id=str(attempt)
            )
    rows = _rows(engine, "41")
    assert [row.action for row in rows] == ["attachment.open"] * limit + ["audit.throttled"]
    assert all(row.outcome == "denied" for row in rows)
    assert rows[-1].details == {"refusals_per_minute": limit}
    # The log is bounded the same way: one warning line per listed refusal, none with a traceback.
    warnings = [record for record in caplog.records if record.name == "citizen_app.audit"]
    assert len(warnings) == limit + 1 and not any(record.exc_info for record in warnings)
    # Someone else's refusal is still listed.
    with unit_of_work(engine) as db:
        record_denial(db, action="attachment.open", actor=Actor.citizen(42), target_type="dossier", target_id="1")
    assert len(_rows(engine, "42")) == 1


def test_staff_guard_refusals_are_throttled_too(engine: Engine) -> None:
    from citizen_app.core.identity.sessions import AuthenticatedUser

    citizen = AuthenticatedUser(
        user_id=77, display_name="An", roles=("citizen",), unit_level=None, unit_code=None,
        assurance_level=2, locale="vi", session_id="s-77",
    )
    limit = get_settings().denial_audit_limit_per_minute
    listed = 0
    for _ in range(limit + 5):
        with unit_of_work(engine) as db:
            listed += record_staff_denial(
                db, PermissionDenied(citizen, "staff"), action="staff.page", target_type="page", target_id="/vi/staff"
            ) is not None
    assert listed == limit
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == "77")) == limit + 1
