"""Fee payments (issue 11): one row per payment order, every notification received, receipt numbers.

Never credited twice, by construction: a notification settles its order with a conditional
``UPDATE … WHERE status = 'pending'`` (a replay finds it paid and changes nothing), a provider's
transaction id is unique, and a dossier has at most one ``paid`` payment (partial unique index):
money that arrives for a dossier already paid is recorded as ``refund_due``, never as a second credit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, JsonDocument, UtcDateTime, utcnow

_PAID = "status = 'paid'"
_PENDING = "status = 'pending'"


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    # The order reference sent to the provider (VNPAY vnp_TxnRef, the VietQR transfer description's key).
    order_ref: Mapped[str] = mapped_column(String(40), unique=True)
    # A payment provider plugin's key (core/payments/registry.py): vnpay, vietqr, cash, card_terminal.
    provider: Mapped[str] = mapped_column(String(16))
    amount_vnd: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    # pending | paid | failed | cancelled | refund_due | refunded
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The provider's own transaction number (vnp_TransactionNo, the bank's reference), or the
    # counter's receipt number for cash and card-terminal payments.
    provider_txn: Mapped[str | None] = mapped_column(String(64))
    # The electronic fee receipt (biên lai thu phí, lệ phí điện tử) issued when it was credited.
    receipt_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    # Who recorded it at the counter (cash, card terminal).
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Why it failed, was cancelled or is to be refunded.
    reason: Mapped[str | None] = mapped_column(Text)
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When the reconciliation job last asked the provider about a pending payment.
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("uq_payments_provider_txn", "provider", "provider_txn", unique=True),
        Index(
            "uq_payments_one_paid_per_dossier", "dossier_id", unique=True,
            postgresql_where=text(_PAID), sqlite_where=text(_PAID),
        ),
        Index("ix_payments_dossier", "dossier_id", "created_at"),
        Index("ix_payments_pending", "created_at", postgresql_where=text(_PENDING), sqlite_where=text(_PENDING)),
        Index("ix_payments_settled", "settled_at", "provider"),
    )


class PaymentNotification(Base):
    """Every notification a provider sent (IPN, bank webhook, status query), with what was done with it."""

    __tablename__ = "payment_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    order_ref: Mapped[str | None] = mapped_column(String(64))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # credited | duplicate | refused | failed | refund_due
    outcome: Mapped[str] = mapped_column(String(12))
    # Why it was refused (bad_signature, unknown_order, wrong_amount, wrong_currency, withdrawn …).
    reason: Mapped[str | None] = mapped_column(String(32))
    amount_vnd: Mapped[int | None] = mapped_column(Integer)
    # The provider's fields as received (no card data is ever sent to us).
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)

    __table_args__ = (Index("ix_payment_notifications_order", "order_ref", "received_at"),)


class FeeReceiptSequence(Base):
    """The last number of an agency's fee receipt series in a year (the series restarts every year)."""

    __tablename__ = "fee_receipt_sequences"

    agency_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)
