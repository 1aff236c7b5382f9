"""Task names → handlers. A module registers its tasks at import (``@task("name")``).

A handler runs in the runner's transaction: ``handler(db, payload, now)``. What it writes
commits together with the job's "done", so its database effects happen exactly once; an
external effect (an email) happens at least once, and is retried when the handler raises.
``on_give_up(db, payload, now)`` runs when the last attempt has failed (e.g. record that an
email could not be delivered).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

Handler = Callable[[Session, dict[str, Any], datetime], None]


@dataclass(frozen=True)
class Task:
    name: str
    handler: Handler
    max_attempts: int = 8
    # Wait before attempt n+1: backoff_seconds · 2^(n-1), at most backoff_cap_seconds.
    backoff_seconds: float = 30
    backoff_cap_seconds: float = 3600
    on_give_up: Handler | None = None

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.backoff_seconds * 2 ** max(attempts - 1, 0), self.backoff_cap_seconds))


_TASKS: dict[str, Task] = {}


class UnknownTask(LookupError):
    pass


def task(
    name: str,
    *,
    max_attempts: int = 8,
    backoff_seconds: float = 30,
    backoff_cap_seconds: float = 3600,
    on_give_up: Handler | None = None,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _TASKS[name] = Task(name, handler, max_attempts, backoff_seconds, backoff_cap_seconds, on_give_up)
        return handler

    return register


def get_task(name: str) -> Task:
    try:
        return _TASKS[name]
    except KeyError:
        raise UnknownTask(name) from None


def registered() -> list[str]:
    return sorted(_TASKS)
