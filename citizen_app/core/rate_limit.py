"""Rate limits in the database, shared by every worker process.

Used by the public lookup (dossier code + last four digits of the ID number). Two limits
apply to every attempt, so that neither a big address block nor a shared address defeats it:

* per client, ``Settings.lookup_rate_limit_per_minute``. An IPv4 client is its address; an
  IPv6 client is its **/64** network, the block one subscriber (one phone, one home) is
  given, so walking through the 2⁶⁴ addresses of one's own block gains nothing;
* per dossier code, ``Settings.lookup_rate_limit_per_code_per_hour`` guesses from everyone
  together. Thousands of phones behind one carrier-grade NAT address share the per-client
  limit, and an attacker with many addresses still gets only this many of the 10,000
  possible answers for one code per hour.

How it counts: a *sliding window*, approximated from two fixed windows: the estimate is the
hits of the current window plus the previous window's hits weighted by how much of it still
lies inside the last ``window_seconds``. A burst just before and just after a window boundary
is therefore counted together (a plain fixed window would allow twice the limit there). Each
attempt is one atomic ``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits`` on
``rate_limit_windows`` (PostgreSQL; SQLite 3.35+), so concurrent workers never lose a hit and
no lock is held beyond the caller's short transaction. Windows older than the previous one are
deleted when a bucket starts a new window, so the table stays tiny.

Why not Redis: the database is already shared by every worker and needs no new service;
one small upsert per lookup is far below what the lookup's own query costs.

Clients and codes are kept as SHA-256 digests, never the address or code itself. Behind a
reverse proxy every request seems to come from the proxy: set Reflex's ``trusted_proxy_hops``
(``REFLEX_TRUSTED_PROXY_HOPS``) to the number of proxies in front of the app, so the IP is
taken from ``X-Forwarded-For`` (and only then: the header is client-controlled otherwise).
See docs/tracking.md.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from citizen_app.core.codes import normalize_code_input
from citizen_app.db.models.tracking import RateLimitWindow

WINDOW_SECONDS = 60
HOUR = 3600
LOOKUP = "lookup"
LOOKUP_CODE = "lookup-code"
IPV6_SUBSCRIBER_PREFIX = 64
# Float noise in the weighted estimate must not refuse an attempt made at the advertised retry time.
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Decision:
    allowed: bool
    hits: int  # the sliding-window estimate of attempts, this one included
    limit: int
    retry_after_seconds: int  # until one more attempt would be allowed (0 when allowed)
    action: str = ""  # which limit decided: LOOKUP (this client) or LOOKUP_CODE (this dossier code)


def client_key(address: str | None) -> str:
    """Who a limit counts: an IPv4 address, or the /64 network of an IPv6 address.

    An IPv4-mapped IPv6 address (``::ffff:203.0.113.7``) is its IPv4 address. Anything that is
    not an address (a test client, ``unknown``) is counted as given.
    """
    text = (address or "").strip().strip("[]").split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_SUBSCRIBER_PREFIX}", strict=False))
    return str(ip)


def client_bucket(action: str, client: str) -> str:
    """``lookup:<sha256 of the client>``: counts per client without keeping the address."""
    digest = hashlib.sha256(f"citizen-app rate limit\x00{client or 'unknown'}".encode()).hexdigest()
    return f"{action}:{digest[:64]}"


def _upsert(db: Session, bucket: str, window_start: int):  # type: ignore[no-untyped-def]
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:
        raise NotImplementedError(f"no atomic upsert for {dialect}")
    table = RateLimitWindow.__table__
    return (
        insert(table)
        .values(bucket=bucket, window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=[table.c.bucket, table.c.window_start],
            set_={"hits": table.c.hits + 1},
        )
        .returning(table.c.hits)
    )


def _retry_after(current: int, previous: int, elapsed: int, limit: int, window: int) -> int:
    """Seconds until ``current + 1`` more attempts would fit under the sliding estimate."""
    if current + 1 <= limit:
        # Still in this window, once enough of the previous window has slid out.
        needed = window * (1 - (limit - current - 1) / previous) if previous else 0
        return max(1, math.ceil(needed - elapsed))
    # Only in the next window, once enough of this one has slid out.
    needed = window * (1 - (limit - 1) / current) if current else 0
    return max(1, math.ceil(window - elapsed + needed))


def hit(
    db: Session,
    action: str,
    client: str,
    *,
    limit: int,
    now: datetime,
    window_seconds: int = WINDOW_SECONDS,
) -> Decision:
    """Count one attempt of ``client`` at ``action``; allowed while the sliding estimate is within ``limit``.

    Runs in the caller's transaction; commit it promptly (the count must be seen by other
    workers). Refused attempts are counted too, so hammering does not reopen the door.
    A ``limit`` of 0 or less turns the limit off.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetime given")
    moment = now.timestamp()
    epoch = int(moment)
    window_start = epoch - epoch % window_seconds
    previous_start = window_start - window_seconds
    bucket = client_bucket(action, client)
    current = int(db.execute(_upsert(db, bucket, window_start)).scalar_one())
    previous = int(
        db.scalar(
            select(RateLimitWindow.hits).where(
                RateLimitWindow.bucket == bucket, RateLimitWindow.window_start == previous_start
            )
        )
        or 0
    )
    if current == 1:
        # This bucket's first attempt in a new window: clear this action's windows that can no longer count.
        db.execute(
            delete(RateLimitWindow).where(
                and_(
                    RateLimitWindow.bucket.startswith(f"{action}:", autoescape=True),
                    RateLimitWindow.window_start < previous_start,
                )
            )
        )
    elapsed = moment - window_start
    estimate = current + previous * (1 - elapsed / window_seconds)
    hits = math.ceil(estimate - _TOLERANCE)
    if limit <= 0 or estimate <= limit + _TOLERANCE:
        return Decision(allowed=True, hits=hits, limit=limit, retry_after_seconds=0, action=action)
    return Decision(
        action=action,
        allowed=False,
        hits=hits,
        limit=limit,
        retry_after_seconds=_retry_after(current, previous, int(elapsed), limit, window_seconds),
    )


def lookup_attempt(
    db: Session,
    client_address: str | None,
    code: str,
    *,
    per_client_per_minute: int,
    per_code_per_hour: int,
    now: datetime,
) -> Decision:
    """One public lookup: counted for the client (its /64 for IPv6), then, if allowed, for the code.

    A client already over its own limit does not use up the code's guesses, so hammering from
    one address cannot lock a citizen out of their own dossier. Many addresses together can use
    up a code's hour; the citizen is then told to wait, which is the price of stopping the guessing.
    """
    by_client = hit(db, LOOKUP, client_key(client_address), limit=per_client_per_minute, now=now)
    if not by_client.allowed:
        return by_client
    by_code = hit(
        db, LOOKUP_CODE, normalize_code_input(code), limit=per_code_per_hour, now=now, window_seconds=HOUR
    )
    return by_code if not by_code.allowed else by_client
