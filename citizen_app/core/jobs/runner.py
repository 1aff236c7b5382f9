"""Runs the queue: periodic offers, stale claims released, due jobs claimed and run.

``python -m citizen_app worker`` runs :meth:`JobRunner.serve` in its own process (the
production profile); ``make run`` runs the same loop inside the web process
(``JOBS_IN_APP``), woken as soon as a transaction that enqueued a job commits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from citizen_app.core.jobs import tasks
from citizen_app.core.jobs.queue import Outcome, release_stale, run_due, work_available
from citizen_app.core.jobs.schedule import schedule_due
from citizen_app.db.base import utcnow

log = logging.getLogger(__name__)

BATCH = 20


class JobRunner:
    def __init__(self, engine: Callable[[], Engine], *, poll_seconds: float = 2.0) -> None:
        tasks.load()
        self._engine = engine
        self.poll_seconds = poll_seconds

    def run_once(self) -> list[Outcome]:
        """One pass: offer periodic jobs, release dead runners' claims, run everything due now."""
        engine = self._engine()
        now = utcnow()
        schedule_due(engine, now)
        released = release_stale(engine, now)
        if released:
            log.warning("queued %d jobs again whose runner stopped answering", released)
        outcomes: list[Outcome] = []
        while True:
            batch = run_due(engine, utcnow(), limit=BATCH)
            outcomes += batch
            if len(batch) < BATCH:
                return outcomes

    def wait(self, stop: threading.Event) -> None:
        """Sleep until the poll interval passes, a local commit enqueues work, or ``stop`` is set."""
        if work_available.wait(self.poll_seconds):
            work_available.clear()

    def serve(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                # The database may be restarting; the next pass tries again.
                log.exception("job runner pass failed")
            self.wait(stop)
