"""Routine clean-up the app does by itself, as periodic jobs (core/jobs/schedule.py).

* ``housekeeping.purge_drafts``: drafts untouched for ``DRAFT_RETENTION_DAYS`` go with their
  files (deleted from storage once the job's transaction commits), and long-ended sign-in
  records with them.
* ``housekeeping.purge_jobs``: finished jobs older than a week (failed ones stay for supervisors).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from citizen_app.core.dossiers import purge_stale_drafts
from citizen_app.core.dossiers.drafts import PurgeReport
from citizen_app.core.identity.sessions import purge_stale
from citizen_app.core.jobs.queue import purge_finished
from citizen_app.core.jobs.registry import task
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings

log = logging.getLogger(__name__)


def purge_drafts_and_sessions(db: Session, now: datetime) -> PurgeReport:
    """One pass in the caller's transaction; safe to run from several runners at once."""
    settings = get_settings()
    report = purge_stale_drafts(db, now, settings.draft_retention_days)
    purge_stale(db, now)
    if report.drafts:
        log.info(
            "purged %d drafts untouched for %d days (%d files)",
            report.drafts,
            settings.draft_retention_days,
            report.files,
        )
    return report


def run_housekeeping(now: datetime) -> PurgeReport:
    """One pass in its own transaction (the operator command and tests)."""
    with unit_of_work() as db:
        return purge_drafts_and_sessions(db, now)


@task("housekeeping.purge_drafts", max_attempts=3, backoff_seconds=300)
def _purge_drafts(db: Session, _payload: dict[str, Any], now: datetime) -> None:
    purge_drafts_and_sessions(db, now)


@task("housekeeping.purge_jobs", max_attempts=3, backoff_seconds=300)
def _purge_jobs(db: Session, _payload: dict[str, Any], now: datetime) -> None:
    purge_finished(db, now)
