"""The payment providers' reconciler for the ``payments.reconcile`` job (core/jobs/reconciliation.py).

Every 15 minutes, each pending order older than a few minutes is asked about with the provider's
status query, so a lost notification does not strand a citizen who paid; a provider that is down
leaves the order pending (asked again next time). Paid dossiers that ended badly get their
refund marked due. Imported by ``core/jobs/tasks.py`` like every module that registers a task.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.jobs.reconciliation import register_reconciler
from citizen_app.core.payments.ledger import handle_notification, mark_refunds_due, pending_payments
from citizen_app.core.payments.registry import Order, PaymentProvider, ProviderUnavailable, enabled_providers
from citizen_app.db.models.dossiers import Dossier
from citizen_app.settings import get_settings

log = logging.getLogger(__name__)
# A notification normally arrives within seconds; ask only about orders older than this.
QUIET_MINUTES = 5


def reconcile_with(db: Session, provider: PaymentProvider, now: datetime) -> int:
    """Ask ``provider`` about its pending orders; returns how many were settled (paid or failed)."""
    settled = 0
    for payment in pending_payments(db, provider.key, now - timedelta(minutes=QUIET_MINUTES)):
        code = db.scalar(select(Dossier.code).where(Dossier.id == payment.dossier_id)) or ""
        order = Order(payment.order_ref, payment.amount_vnd, code, payment.created_at)
        payment.checked_at = now
        try:
            answer = provider.query(order, now)
        except ProviderUnavailable as problem:
            log.warning("payment status query failed, left pending: %s", problem)
            continue
        if answer is not None:
            result = handle_notification(db, answer, now)
            settled += result.outcome in ("credited", "failed", "refund_due")
    return settled


def reconcile_all(db: Session, now: datetime) -> int:
    settled = sum(reconcile_with(db, provider, now) for provider in enabled_providers(get_settings()))
    mark_refunds_due(db, now)
    return settled


register_reconciler("payment-providers", reconcile_all)
