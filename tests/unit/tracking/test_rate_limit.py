"""The database rate limiter: sliding window per client (IPv6 by /64) and per dossier code, shared, self-cleaning."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from citizen_app.core import rate_limit
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.tracking import RateLimitWindow

START = datetime(2026, 11, 16, 2, 0, 5, tzinfo=UTC)
CODE = "000.00.20.H01-261116-0001"


def attempt(engine: Engine, client: str, now: datetime, limit: int = 3) -> rate_limit.Decision:
    with unit_of_work(engine) as db:
        return rate_limit.hit(db, rate_limit.LOOKUP, client, limit=limit, now=now)


def lookup(engine: Engine, address: str, now: datetime, code: str = CODE) -> rate_limit.Decision:
    with unit_of_work(engine) as db:
        return rate_limit.lookup_attempt(
            db, address, code, per_client_per_minute=10, per_code_per_hour=20, now=now
        )


def test_the_limit_applies_per_client(engine: Engine) -> None:
    decisions = [attempt(engine, "203.0.113.7", START + timedelta(seconds=i)) for i in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.hits for d in decisions] == [1, 2, 3, 4, 5]
    assert attempt(engine, "198.51.100.1", START).allowed  # someone else is not affected
    # After a quiet full window the client starts afresh.
    later = attempt(engine, "203.0.113.7", START + timedelta(minutes=2))
    assert later.allowed and later.hits == 1


def test_a_burst_across_the_window_boundary_is_counted_together(engine: Engine) -> None:
    """A fixed window would allow 3 at 02:00:58 and 3 more at 02:01:01: the sliding window does not."""
    before = START.replace(second=58)
    assert all(attempt(engine, "203.0.113.8", before).allowed for _ in range(3))
    after = START.replace(minute=1, second=1)
    refused = attempt(engine, "203.0.113.8", after)
    assert not refused.allowed and refused.hits == 4  # 1 + 3 × 59/60 of the last window still counts
    # It says when to come back, and that is when the next attempt really passes.
    assert 0 < refused.retry_after_seconds <= 60
    back = attempt(engine, "203.0.113.8", after + timedelta(seconds=refused.retry_after_seconds))
    assert back.allowed


def test_ipv6_clients_are_counted_by_their_64_block(engine: Engine) -> None:
    block = [f"2001:db8:1234:5678::{i:x}" for i in range(1, 6)]
    decisions = [attempt(engine, rate_limit.client_key(address), START) for address in block]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    # The neighbouring /64 (another subscriber) is not affected.
    assert attempt(engine, rate_limit.client_key("2001:db8:1234:5679::1"), START).allowed


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::9%eth0", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::9]", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", "unknown"),
        ("testclient", "testclient"),
    ],
)
def test_client_keys(address: str, key: str) -> None:
    assert rate_limit.client_key(address) == key


def test_guesses_per_dossier_code_are_limited_across_addresses(engine: Engine) -> None:
    """Many addresses (a botnet, or many phones behind one carrier address) share the code's hourly guesses."""
    decisions = [lookup(engine, f"198.51.100.{i}", START + timedelta(seconds=i)) for i in range(25)]
    assert sum(d.allowed for d in decisions) == 20
    refused = decisions[-1]
    assert not refused.allowed and refused.action == rate_limit.LOOKUP_CODE
    # Another dossier code is not affected, and the code is normalised as typed ("000.00.20.h01 - …").
    assert lookup(engine, "198.51.100.99", START, code="000.00.20.H01-261116-0002").allowed
    assert not lookup(engine, "198.51.100.98", START, code=" 000.00.20.h01-261116-0001 ").allowed


def test_a_client_over_its_own_limit_does_not_use_up_the_codes_guesses(engine: Engine) -> None:
    decisions = [lookup(engine, "203.0.113.50", START) for _ in range(30)]
    assert sum(d.allowed for d in decisions) == 10
    assert all(d.action == rate_limit.LOOKUP for d in decisions[10:])
    # Only the 10 allowed attempts were counted against the code: another address still gets 10 more.
    others = [lookup(engine, "203.0.113.51", START) for _ in range(10)]
    assert all(d.allowed for d in others)


def test_old_windows_are_deleted_and_addresses_are_not_stored(engine: Engine) -> None:
    for minute in range(4):
        attempt(engine, f"10.0.0.{minute}", START + timedelta(minutes=minute))
    with Session(engine) as db:
        left = db.scalars(select(RateLimitWindow)).all()
        # The current and the previous window are kept (the sliding estimate reads both).
        assert sorted(row.window_start for row in left) == sorted(
            int((START + timedelta(minutes=m)).timestamp()) // 60 * 60 for m in (2, 3)
        )
        assert all(row.bucket.startswith("lookup:") and "10.0.0" not in row.bucket for row in left)


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
