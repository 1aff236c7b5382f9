"""The database rate limiter: per client and window, shared by connections (worker processes), self-cleaning."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from citizen_app.core import rate_limit
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.tracking import RateLimitWindow

START = datetime(2026, 11, 16, 2, 0, 5, tzinfo=UTC)


def attempt(engine: Engine, client: str, now: datetime, limit: int = 3) -> rate_limit.Decision:
    with unit_of_work(engine) as db:
        return rate_limit.hit(db, rate_limit.LOOKUP, client, limit=limit, now=now)


def test_the_limit_applies_per_client_and_per_window(engine: Engine) -> None:
    decisions = [attempt(engine, "203.0.113.7", START + timedelta(seconds=i)) for i in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.hits for d in decisions] == [1, 2, 3, 4, 5]
    assert decisions[3].retry_after_seconds == 60 - 5 - 3
    assert attempt(engine, "198.51.100.1", START).allowed  # someone else is not affected
    # The next minute starts afresh.
    next_minute = attempt(engine, "203.0.113.7", START + timedelta(seconds=55))
    assert next_minute.allowed and next_minute.hits == 1


def test_old_windows_are_deleted_and_addresses_are_not_stored(engine: Engine) -> None:
    for minute in range(4):
        attempt(engine, f"10.0.0.{minute}", START + timedelta(minutes=minute))
    with Session(engine) as db:
        left = db.scalars(select(RateLimitWindow)).all()
        assert len(left) == 1
        assert left[0].bucket.startswith("lookup:") and "10.0.0" not in left[0].bucket


def test_a_limit_of_zero_turns_it_off(engine: Engine) -> None:
    assert all(attempt(engine, "203.0.113.9", START, limit=0).allowed for _ in range(5))


def test_concurrent_attempts_are_all_counted(engine: Engine) -> None:
    """Separate connections stand in for worker processes: no hit is lost, exactly `limit` pass."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        decisions = list(pool.map(lambda _i: attempt(engine, "192.0.2.50", START, limit=10), range(40)))
    assert sorted(d.hits for d in decisions) == list(range(1, 41))
    assert sum(d.allowed for d in decisions) == 10
    with Session(engine) as db:
        assert db.scalar(select(func.sum(RateLimitWindow.hits))) == 40
