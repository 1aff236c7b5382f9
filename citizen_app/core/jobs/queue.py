"""The job queue: enqueue in the caller's transaction, claim, run, retry with back-off, give up visibly.

Claiming is one statement on both databases::

    UPDATE jobs SET status='running', attempts=attempts+1, locked_at=…, locked_by=…
    WHERE id IN (SELECT id FROM jobs WHERE status='queued' AND run_after <= now
                 ORDER BY run_after, id LIMIT n [FOR UPDATE SKIP LOCKED])
    RETURNING id

On PostgreSQL ``SKIP LOCKED`` lets any number of runners on any number of machines take
different rows without waiting on each other; SQLite has one writer at a time, so the
statement alone is atomic there. A runner that dies leaves its rows ``running``; once their
claim is older than the lease they are queued again (:func:`release_stale`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, event, func, select, update
from sqlalchemy.orm import Session

from citizen_app.core.jobs.registry import UnknownTask, get_task
from citizen_app.core.redaction import redact
from citizen_app.db.base import utcnow
from citizen_app.db.models.jobs import Job

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
ERROR_LIMIT = 500
STATUSES = ("queued", "running", "done", "failed")

# Set when a transaction that enqueued a job commits, so an in-process runner starts at once.
work_available = threading.Event()
_ENQUEUED = "citizen_app.jobs.enqueued"

# Called after each attempt with (task, outcome, seconds); outcome is done | retry | failed.
Observer = Callable[[str, str, float], None]
observers: list[Observer] = []


def enqueue(
    db: Session,
    task: str,
    payload: dict[str, Any] | None = None,
    *,
    run_after: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Add a job in the caller's transaction: it exists if, and only if, the transaction commits."""
    if max_attempts is None:
        try:
            max_attempts = get_task(task).max_attempts
        except UnknownTask:
            max_attempts = 8  # registered by a module not imported here; the runner knows it
    now = utcnow()
    job = Job(
        task=task,
        payload=dict(payload or {}),
        status="queued",
        attempts=0,
        max_attempts=max_attempts,
        run_after=run_after or now,
        created_at=now,
        dedupe_key=dedupe_key,
    )
    db.add(job)
    db.info[_ENQUEUED] = True
    return job


def _wake_runner(session: Session) -> None:
    if session.in_nested_transaction():
        return
    if session.info.pop(_ENQUEUED, False):
        work_available.set()


def _forget(session: Session) -> None:
    session.info.pop(_ENQUEUED, None)


# Wakes an in-process runner as soon as a job commits (it polls anyway: this only saves the wait).
_LISTENERS = (("after_commit", _wake_runner), ("after_rollback", _forget))


def install() -> None:
    """Register the wake-up listeners on every ``Session`` (idempotent)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def uninstall() -> None:
    for name, listener in _LISTENERS:
        if event.contains(Session, name, listener):
            event.remove(Session, name, listener)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _any(engine: Engine, *conditions: Any) -> bool:
    with Session(engine) as db:
        return db.scalar(select(Job.id).where(*conditions).limit(1)) is not None


def claim(engine: Engine, now: datetime, *, limit: int = 20, worker: str | None = None) -> list[int]:
    """Take up to ``limit`` due jobs for this runner (own transaction); returns their ids."""
    if not _any(engine, Job.status == "queued", Job.run_after <= now):
        return []  # a read, not a write: an idle runner never takes SQLite's one write lock
    due = (
        select(Job.id)
        .where(Job.status == "queued", Job.run_after <= now)
        .order_by(Job.run_after, Job.id)
        .limit(limit)
    )
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(Job)
        .where(Job.id.in_(due.scalar_subquery()), Job.status == "queued")
        .values(status="running", attempts=Job.attempts + 1, locked_at=now, locked_by=worker or worker_name())
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    with Session(engine) as db, db.begin():
        return sorted(db.scalars(statement))


def release_stale(engine: Engine, now: datetime, lease: timedelta = LEASE) -> int:
    """Queue again the jobs whose runner died (claimed longer ago than the lease); returns how many."""
    if not _any(engine, Job.status == "running", Job.locked_at < now - lease):
        return 0
    with Session(engine) as db, db.begin():
        result = db.execute(
            update(Job)
            .where(Job.status == "running", Job.locked_at < now - lease)
            .values(status="queued", run_after=now, locked_at=None, locked_by=None)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


@dataclass(frozen=True)
class Outcome:
    job_id: int
    task: str
    result: str  # done | retry | failed


def execute(engine: Engine, job_id: int, now: datetime) -> Outcome:
    """Run one claimed job: its handler and "done" commit together; a failure is retried or given up."""
    started = time.perf_counter()
    task_name = "?"
    try:
        with Session(engine, expire_on_commit=False) as db, db.begin():
            job = db.get(Job, job_id)
            if job is None or job.status != "running":
                return Outcome(job_id, task_name, "skipped")
            task_name = job.task
            get_task(job.task).handler(db, dict(job.payload or {}), now)
            job.status = "done"
            job.finished_at = utcnow()
            job.last_error = None
        outcome = Outcome(job_id, task_name, "done")
    except Exception as error:
        outcome = _record_failure(engine, job_id, error, now)
        log.warning(
            "job %s (%s) attempt failed: %s", job_id, outcome.task, _describe(error), exc_info=False
        )
    for observe in observers:
        observe(outcome.task, outcome.result, time.perf_counter() - started)
    return outcome


def _describe(error: BaseException) -> str:
    return redact(f"{type(error).__name__}: {error}")[:ERROR_LIMIT]


def _record_failure(engine: Engine, job_id: int, error: BaseException, now: datetime) -> Outcome:
    with Session(engine, expire_on_commit=False) as db, db.begin():
        job = db.get(Job, job_id)
        if job is None:
            return Outcome(job_id, "?", "failed")
        job.last_error = _describe(error)
        job.locked_at = job.locked_by = None
        try:
            task = get_task(job.task)
        except UnknownTask:
            task = None
        if task is not None and job.attempts < job.max_attempts:
            job.status = "queued"
            job.run_after = now + task.backoff(job.attempts)
            return Outcome(job_id, job.task, "retry")
        job.status = "failed"
        job.finished_at = utcnow()
        if task is not None and task.on_give_up is not None:
            try:
                with db.begin_nested():
                    task.on_give_up(db, dict(job.payload or {}), now)
            except Exception:
                log.exception("job %s (%s): giving up failed too", job_id, job.task)
        return Outcome(job_id, job.task, "failed")


def run_due(engine: Engine, now: datetime | None = None, *, limit: int = 20) -> list[Outcome]:
    """Claim and run what is due now, once; returns what happened to each job."""
    now = now or utcnow()
    return [execute(engine, job_id, now) for job_id in claim(engine, now, limit=limit)]


# --- what supervisors and /metrics read ---------------------------------------------------------------


@dataclass(frozen=True)
class FailedJob:
    id: int
    task: str
    attempts: int
    created_at: datetime
    finished_at: datetime | None
    last_error: str


def depth(db: Session) -> dict[str, int]:
    """Jobs by status (every status present, zero when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in db.execute(select(Job.status, func.count(Job.id)).group_by(Job.status)):
        counts[status] = int(count)
    return counts


def failed_jobs(db: Session, *, limit: int = 50) -> list[FailedJob]:
    rows = db.scalars(select(Job).where(Job.status == "failed").order_by(Job.id.desc()).limit(limit))
    return [
        FailedJob(j.id, j.task, j.attempts, j.created_at, j.finished_at, j.last_error or "") for j in rows
    ]


def retry(db: Session, job_id: int, now: datetime) -> bool:
    """Give a failed job a fresh set of attempts (a supervisor's decision); False when it is not failed."""
    result = db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "failed")
        .values(status="queued", attempts=0, run_after=now, finished_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.info[_ENQUEUED] = True
        return True
    return False


def purge_finished(db: Session, now: datetime, *, keep_days: int = 7) -> int:
    """Delete jobs done more than ``keep_days`` ago (failed ones stay until a supervisor acts)."""
    result = db.execute(
        delete(Job)
        .where(Job.status == "done", Job.finished_at < now - timedelta(days=keep_days))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def retry_as_supervisor(db: Session, job_id: int, *, actor_id: str, actor_role: str, now: datetime) -> bool:
    """A supervisor sends a failed job round again; the decision goes to the audit trail."""
    from citizen_app.core import audit

    retried = retry(db, job_id, now)
    audit.record(
        db,
        action="job.retry",
        target_type="job",
        target_id=str(job_id),
        actor_id=actor_id,
        actor_role=actor_role,
        details={"retried": retried},
    )
    return retried
