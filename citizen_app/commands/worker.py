"""``worker``: run the durable job queue in its own process (the production profile's job worker).

Any number of workers on any number of machines may run against one PostgreSQL database:
they claim different jobs (``FOR UPDATE SKIP LOCKED``). SIGTERM lets the current job finish.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading

log = logging.getLogger(__name__)


def register(groups: argparse._SubParsersAction) -> None:
    worker = groups.add_parser("worker", help="run background jobs (emails, SMS, purges, roll-ups) until stopped")
    worker.add_argument("--once", action="store_true", help="run what is due now, then exit")
    worker.set_defaults(handler=_worker)


def _worker(args: argparse.Namespace) -> int:
    from citizen_app import metrics
    from citizen_app.core.jobs.runner import JobRunner
    from citizen_app.db.engine import get_engine
    from citizen_app.logs import configure_logging
    from citizen_app.settings import get_settings

    settings = get_settings()
    configure_logging(settings, force=True)
    metrics.watch_jobs()
    runner = JobRunner(get_engine, poll_seconds=settings.job_poll_seconds)
    if args.once:
        outcomes = runner.run_once()
        print(f"ran {len(outcomes)} jobs: {sum(o.result == 'done' for o in outcomes)} done")
        return 0
    stop = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("job worker started (poll every %.1f s)", settings.job_poll_seconds)
    runner.serve(stop)
    log.info("job worker stopped")
    return 0
