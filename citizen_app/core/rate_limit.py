"""Per-client rate limits in the database, shared by every worker process.

Used by the public lookup (dossier code + last four digits of the ID number), where the
limit is ``Settings.lookup_rate_limit_per_minute`` per client IP: it keeps anyone from
trying all 10,000 second factors of a code, or walking through codes.

How it counts: a *fixed window* (one minute by default) per client. Each attempt is one
atomic ``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits`` on
``rate_limit_windows`` (PostgreSQL; SQLite 3.35+), so concurrent workers never lose a hit
and no lock is held beyond the caller's short transaction. A client can at most make
``2 × limit`` attempts across a window boundary, which is fine for this purpose. Old
windows are deleted when a client starts a new one, so the table stays tiny.

Why not Redis: the database is already shared by every worker and needs no new service;
one small upsert per lookup is far below what the lookup's own query costs.

The client is identified by a SHA-256 of its IP address, never the address itself.
Behind a reverse proxy every request seems to come from the proxy: set Reflex's
``trusted_proxy_hops`` (``REFLEX_TRUSTED_PROXY_HOPS``) to the number of proxies in front
of the app, so the IP is taken from ``X-Forwarded-For`` (and only then: the header is
client-controlled otherwise). See docs/tracking.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from citizen_app.db.models.tracking import RateLimitWindow

WINDOW_SECONDS = 60
LOOKUP = "lookup"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    hits: int  # attempts in this window, this one included
    limit: int
    retry_after_seconds: int  # until the window ends (0 when allowed)


def client_bucket(action: str, client: str) -> str:
    """``lookup:<sha256 of the client's address>``: counts per client without keeping the address."""
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


def hit(
    db: Session,
    action: str,
    client: str,
    *,
    limit: int,
    now: datetime,
    window_seconds: int = WINDOW_SECONDS,
) -> Decision:
    """Count one attempt of ``client`` at ``action`` and say whether it is within ``limit`` per window.

    Runs in the caller's transaction; commit it promptly (the count must be seen by other
    workers). Refused attempts are counted too, so hammering does not reopen the door.
    A ``limit`` of 0 or less turns the limit off.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetime given")
    epoch = int(now.timestamp())
    window_start = epoch - epoch % window_seconds
    bucket = client_bucket(action, client)
    hits = int(db.execute(_upsert(db, bucket, window_start)).scalar_one())
    if hits == 1:
        # This client's first attempt in a new window: clear everyone's finished windows.
        db.execute(delete(RateLimitWindow).where(RateLimitWindow.window_start < window_start))
    if limit <= 0 or hits <= limit:
        return Decision(allowed=True, hits=hits, limit=limit, retry_after_seconds=0)
    return Decision(
        allowed=False, hits=hits, limit=limit, retry_after_seconds=window_start + window_seconds - epoch
    )
