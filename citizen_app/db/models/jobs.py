"""Durable background jobs (core/jobs) and the roll-ups they keep.

A job row is written in the same transaction as the change that needs it (a notification, a
purge), so a rolled-back change leaves no job and a committed one cannot lose it. Runners claim
due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; a conditional UPDATE everywhere), run them,
and retry failures with back-off until ``max_attempts``; then the row stays ``failed`` for
supervisors to see (``/{locale}/staff/jobs``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, JsonDocument, UtcDateTime, utcnow


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A registered task name (core/jobs/registry.py), e.g. "notifications.email".
    task: Mapped[str] = mapped_column(String(64))
    # Ids only, never personal data: the task reads what it needs when it runs.
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # queued | running | done | failed
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    run_after: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # When a runner claimed it; a running job whose claim is older than the lease is claimed again.
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last failure: exception type and a redacted message (core/redaction.py).
    last_error: Mapped[str | None] = mapped_column(Text)
    # Periodic jobs carry "task:period" so each period runs once, however many runners there are.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)

    __table_args__ = (
        # Runners read "due and queued, oldest first"; supervisors read "failed, newest first".
        Index("ix_jobs_status_run_after", "status", "run_after"),
    )


class DossierStatusCount(Base):
    """How many dossiers are in each status, refreshed by the ``dashboard.rollup`` job.

    /metrics reads these few rows at every scrape instead of counting millions of dossiers.
    """

    __tablename__ = "dossier_status_counts"

    status: Mapped[str] = mapped_column(String(24), primary_key=True)
    dossiers: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
