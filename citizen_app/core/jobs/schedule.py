"""Periodic jobs: each runner offers every due period's job; the unique ``dedupe_key`` keeps one.

A period's key is ``task@start-of-period`` (UTC), so whichever runner on whichever machine
comes first enqueues it and the others' inserts are refused by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from citizen_app.core.jobs.queue import enqueue
from citizen_app.db.models.jobs import Job

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periodic:
    task: str
    every: timedelta

    def key(self, now: datetime) -> str:
        periods = (now - EPOCH) // self.every
        start = EPOCH + periods * self.every
        return f"{self.task}@{start.isoformat()}"


PERIODIC: tuple[Periodic, ...] = (
    Periodic("housekeeping.purge_drafts", timedelta(hours=6)),
    Periodic("housekeeping.purge_jobs", timedelta(days=1)),
    Periodic("dashboard.rollup", timedelta(minutes=5)),
    Periodic("payments.reconcile", timedelta(minutes=15)),
)


def schedule_due(engine: Engine, now: datetime, periodic: tuple[Periodic, ...] = PERIODIC) -> list[str]:
    """Enqueue this period's job of each periodic task unless some runner already did; returns the new keys."""
    added: list[str] = []
    for item in periodic:
        key = item.key(now)
        try:
            with Session(engine) as db, db.begin():
                if db.scalar(select(Job.id).where(Job.dedupe_key == key)) is not None:
                    continue
                enqueue(db, item.task, {}, dedupe_key=key)
        except IntegrityError:
            continue  # another runner was first
        added.append(key)
    return added
