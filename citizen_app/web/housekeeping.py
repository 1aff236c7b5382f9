"""The job runner inside the web process (``JOBS_IN_APP``, the ``make run`` default).

Periodic housekeeping (draft purge, roll-ups, reconciliation) and notifications run from
the durable queue (core/jobs); here a lifespan task runs the queue off the event loop. The
production profile turns this off and runs ``python -m citizen_app worker`` instead.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from citizen_app.core.jobs.runner import JobRunner
from citizen_app.db.engine import get_engine
from citizen_app.settings import get_settings

log = logging.getLogger(__name__)


async def housekeeping_loop() -> None:
    settings = get_settings()
    if not settings.jobs_in_app:
        return
    runner = JobRunner(get_engine, poll_seconds=settings.job_poll_seconds)
    never = threading.Event()
    while True:
        try:
            await asyncio.to_thread(runner.run_once)
        except Exception:
            # A failed pass must not stop the app; the next pass tries again.
            log.exception("job runner pass failed")
        await asyncio.to_thread(runner.wait, never)
