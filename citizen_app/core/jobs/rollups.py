"""Roll-ups the dashboard and /metrics read instead of counting every dossier each time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from citizen_app.core.jobs.registry import task
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.jobs import DossierStatusCount


def refresh_status_counts(db: Session, now: datetime) -> dict[str, int]:
    """Recount dossiers by status into ``dossier_status_counts`` (caller's transaction)."""
    counts = {
        status: int(count)
        for status, count in db.execute(select(Dossier.status, func.count(Dossier.id)).group_by(Dossier.status))
    }
    db.execute(delete(DossierStatusCount))
    db.add_all(DossierStatusCount(status=s, dossiers=n, computed_at=now) for s, n in counts.items())
    db.flush()
    return counts


def status_counts(db: Session) -> dict[str, int]:
    """The last roll-up: status → dossiers."""
    return {row.status: row.dossiers for row in db.scalars(select(DossierStatusCount))}


@task("dashboard.rollup", max_attempts=3, backoff_seconds=30)
def rollup(db: Session, _payload: dict[str, Any], now: datetime) -> None:
    refresh_status_counts(db, now)
