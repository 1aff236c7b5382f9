"""Durable background jobs on the app's own database (docs/operations.md, "Jobs").

Why our own table rather than procrastinate: the same queue must run on SQLite (``make run``)
and on PostgreSQL (production), and a job must be written in the *same* transaction as the
change that needs it. A row added to the caller's SQLAlchemy session gives that on both
databases with one code path; ``FOR UPDATE SKIP LOCKED`` gives PostgreSQL many runners.
"""

from citizen_app.core.jobs.queue import (
    FailedJob,
    Outcome,
    claim,
    depth,
    enqueue,
    execute,
    failed_jobs,
    purge_finished,
    release_stale,
    retry,
    retry_as_supervisor,
    run_due,
)
from citizen_app.core.jobs.registry import Task, get_task, registered, task

__all__ = [
    "FailedJob",
    "Outcome",
    "Task",
    "claim",
    "depth",
    "enqueue",
    "execute",
    "failed_jobs",
    "get_task",
    "purge_finished",
    "registered",
    "release_stale",
    "retry",
    "retry_as_supervisor",
    "run_due",
    "task",
]
