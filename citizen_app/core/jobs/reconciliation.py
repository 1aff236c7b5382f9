"""The payment reconciliation slot: a periodic job that runs every registered reconciler.

A payment gateway plugin registers ``reconcile(db, now) -> int`` (how many payments it
settled) with :func:`register_reconciler`; the ``payments.reconcile`` job, every 15 minutes,
runs each in the job's transaction, so its settlement is retried with back-off like any job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from citizen_app.core.jobs.registry import task

log = logging.getLogger(__name__)

Reconciler = Callable[[Session, datetime], int]
_RECONCILERS: dict[str, Reconciler] = {}


def register_reconciler(name: str, reconcile: Reconciler) -> None:
    _RECONCILERS[name] = reconcile


def reconcilers() -> dict[str, Reconciler]:
    return dict(_RECONCILERS)


@task("payments.reconcile", max_attempts=5, backoff_seconds=60)
def reconcile_payments(db: Session, _payload: dict[str, Any], now: datetime) -> None:
    for name, reconcile in sorted(_RECONCILERS.items()):
        settled = reconcile(db, now)
        if settled:
            log.info("reconciled %d payments with %s", settled, name)
