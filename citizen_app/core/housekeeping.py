"""Routine clean-up the app does by itself: stale drafts (with their files) and old sign-in records."""

from __future__ import annotations

import logging
from datetime import datetime

from citizen_app.core.dossiers import purge_stale_drafts
from citizen_app.core.dossiers.drafts import PurgeReport
from citizen_app.core.identity.sessions import purge_stale
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings

log = logging.getLogger(__name__)


def run_housekeeping(now: datetime) -> PurgeReport:
    """One pass, in its own transaction; safe to run from several workers at once."""
    settings = get_settings()
    with unit_of_work() as db:
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
