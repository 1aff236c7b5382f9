"""The durable job queue: same transaction as the change, retried with back-off, failures visible, one runner per job."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from citizen_app.core import jobs
from citizen_app.core.jobs import schedule
from citizen_app.core.jobs.registry import task
from citizen_app.core.jobs.runner import JobRunner
from citizen_app.db.base import utcnow
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.jobs import Job

CALLS: list[dict[str, Any]] = []
FAILURES: dict[str, int] = {}
GIVEN_UP: list[dict[str, Any]] = []


@task("test.record", max_attempts=3)
def _record(db: Session, payload: dict[str, Any], _now: Any) -> None:
    CALLS.append(payload)


def _gave_up(_db: Session, payload: dict[str, Any], _now: Any) -> None:
    GIVEN_UP.append(payload)


@task("test.flaky", max_attempts=4, backoff_seconds=10, backoff_cap_seconds=25, on_give_up=_gave_up)
def _flaky(db: Session, payload: dict[str, Any], _now: Any) -> None:
    key = payload["key"]
    FAILURES[key] = FAILURES.get(key, 0) + 1
    # What the handler wrote is rolled back with its failed attempt.
    db.add(Job(task="test.side_effect", payload={}, status="done", attempts=0, max_attempts=1,
               run_after=utcnow(), created_at=utcnow()))
    if FAILURES[key] <= payload["fail_times"]:
        raise ConnectionError(f"gateway down for 0912345678 and an@example.vn ({key})")
    CALLS.append(payload)


@pytest.fixture(autouse=True)
def _clean() -> None:
    CALLS.clear()
    FAILURES.clear()
    GIVEN_UP.clear()


def _jobs(db: Session) -> list[Job]:
    db.expire_all()
    return list(db.scalars(select(Job).order_by(Job.id)))


def test_a_job_exists_only_if_its_transaction_commits(engine: Engine, db_session: Session) -> None:
    jobs.enqueue(db_session, "test.record", {"n": 1})
    db_session.flush()
    db_session.rollback()
    assert _jobs(db_session) == []
    assert jobs.run_due(engine) == []  # nothing phantom to run
    jobs.enqueue(db_session, "test.record", {"n": 2})
    db_session.commit()
    assert [o.result for o in jobs.run_due(engine)] == ["done"]
    assert CALLS == [{"n": 2}]
    assert jobs.run_due(engine) == []  # done once, not again


def test_failures_are_retried_with_growing_back_off_then_succeed(engine: Engine, db_session: Session) -> None:
    jobs.enqueue(db_session, "test.flaky", {"key": "a", "fail_times": 2})
    db_session.commit()
    start = utcnow()
    assert [o.result for o in jobs.run_due(engine, start)] == ["retry"]
    job = _jobs(db_session)[0]
    assert (job.status, job.attempts) == ("queued", 1)
    assert timedelta(seconds=9) < job.run_after - start <= timedelta(seconds=11)  # 10 s
    assert jobs.run_due(engine, start + timedelta(seconds=5)) == []  # not due yet
    assert [o.result for o in jobs.run_due(engine, start + timedelta(seconds=11))] == ["retry"]
    job = _jobs(db_session)[0]
    assert job.run_after - (start + timedelta(seconds=11)) > timedelta(seconds=19)  # 20 s
    assert [o.result for o in jobs.run_due(engine, start + timedelta(minutes=5))] == ["done"]
    job = next(j for j in _jobs(db_session) if j.task == "test.flaky")
    assert (job.status, job.attempts, job.last_error) == ("done", 3, None)
    # Only the successful attempt's writes were kept.
    assert [j.task for j in _jobs(db_session)].count("test.side_effect") == 1
    assert jobs.get_task("test.flaky").backoff(9) == timedelta(seconds=25)  # capped


def test_a_job_that_fails_every_attempt_stays_visible_without_personal_data(
    engine: Engine, db_session: Session
) -> None:
    jobs.enqueue(db_session, "test.flaky", {"key": "b", "fail_times": 99})
    db_session.commit()
    results = [o.result for day in range(6) for o in jobs.run_due(engine, utcnow() + timedelta(days=day))]
    assert results == ["retry", "retry", "retry", "failed"]
    assert GIVEN_UP == [{"key": "b", "fail_times": 99}]
    failed = jobs.failed_jobs(db_session)
    assert [(f.task, f.attempts) for f in failed] == [("test.flaky", 4)]
    assert failed[0].last_error.startswith("ConnectionError: gateway down for [redacted] and [redacted]")
    assert jobs.depth(db_session)["failed"] == 1

    # A supervisor sends it round again: audited, and it runs with a fresh set of attempts.
    assert jobs.retry_as_supervisor(db_session, failed[0].id, actor_id="7", actor_role="supervisor", now=utcnow())
    db_session.commit()
    FAILURES["b"] = 1000  # the gateway is back
    assert [o.result for o in jobs.run_due(engine)] == ["done"]
    audit = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "job.retry")).one()
    assert (audit.target_id, audit.actor_role) == (str(failed[0].id), "supervisor")


def test_an_unknown_task_fails_visibly(engine: Engine, db_session: Session) -> None:
    jobs.enqueue(db_session, "test.nobody_knows", {}, max_attempts=3)
    db_session.commit()
    assert [o.result for o in jobs.run_due(engine)] == ["failed"]
    assert jobs.failed_jobs(db_session)[0].last_error.startswith("UnknownTask")


def test_a_dead_runners_jobs_are_claimed_again_after_the_lease(engine: Engine, db_session: Session) -> None:
    jobs.enqueue(db_session, "test.record", {"n": 3})
    db_session.commit()
    now = utcnow()
    assert len(jobs.claim(engine, now, worker="dead-runner")) == 1  # claimed, then the runner died
    assert jobs.run_due(engine, now + timedelta(minutes=1)) == []
    assert jobs.release_stale(engine, now + timedelta(minutes=1)) == 0  # still within the lease
    assert jobs.release_stale(engine, now + timedelta(minutes=16)) == 1
    assert [o.result for o in jobs.run_due(engine, now + timedelta(minutes=16))] == ["done"]
    assert CALLS == [{"n": 3}]


def test_concurrent_runners_never_take_the_same_job(engine: Engine, db_session: Session) -> None:
    for n in range(40):
        jobs.enqueue(db_session, "test.record", {"n": n})
    db_session.commit()
    claimed: list[list[int]] = []
    barrier = threading.Barrier(4)

    def runner() -> None:
        barrier.wait()
        mine: list[int] = []
        while batch := jobs.claim(engine, utcnow(), limit=3):
            mine += batch
        claimed.append(mine)

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [job_id for mine in claimed for job_id in mine]
    assert len(every) == 40 and len(set(every)) == 40


def test_periodic_jobs_are_offered_once_per_period_whoever_offers(engine: Engine, db_session: Session) -> None:
    now = utcnow()
    first = schedule.schedule_due(engine, now)
    assert sorted(key.split("@")[0] for key in first) == sorted(p.task for p in schedule.PERIODIC)
    assert schedule.schedule_due(engine, now) == []  # a second runner, same period: nothing new
    assert schedule.schedule_due(engine, now + timedelta(minutes=5)) != []  # the 5-minute roll-up again
    rollups = [j for j in _jobs(db_session) if j.task == "dashboard.rollup"]
    assert len(rollups) == 2


def test_the_runner_runs_periodic_work_and_the_roll_up_counts_dossiers(engine: Engine, db_session: Session) -> None:
    from citizen_app.core.jobs.rollups import status_counts
    from tests.unit.dossiers import helpers

    helpers.submitted(db_session)
    outcomes = JobRunner(lambda: engine).run_once()
    assert {o.task for o in outcomes} >= {"dashboard.rollup", "housekeeping.purge_drafts", "payments.reconcile"}
    assert all(o.result == "done" for o in outcomes)
    assert status_counts(db_session) == {"submitted": 1}


def test_payment_reconcilers_plug_into_their_slot(engine: Engine, db_session: Session) -> None:
    from citizen_app.core.jobs import reconciliation

    seen: list[object] = []
    reconciliation.register_reconciler("test-gateway", lambda db, now: seen.append(now) or 0)
    try:
        jobs.enqueue(db_session, "payments.reconcile")
        db_session.commit()
        assert [o.result for o in jobs.run_due(engine)] == ["done"]
        assert len(seen) == 1
    finally:
        reconciliation._RECONCILERS.pop("test-gateway")
