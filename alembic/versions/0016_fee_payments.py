"""fee payments: breakdown on the dossier, payments, notifications, fee receipt series

Revision ID: 0016
Revises: 0015

Issue 11: a dossier keeps its fee line by line and when it was paid; payments and every
notification a provider sent are recorded; electronic fee receipts have their own yearly
series per agency. "Awaiting payment" joins the open statuses, so the queue's partial
indexes are rebuilt with it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# core.statuses.OPEN with awaiting_payment, frozen here as a migration must be (0006 has the old list).
OPEN_BEFORE = "status IN ('approved', 'processing', 'received', 'result_ready', 'submitted', 'supplement_requested')"
OPEN_AFTER = (
    "status IN ('approved', 'awaiting_payment', 'processing', 'received', 'result_ready', 'submitted', "
    "'supplement_requested')"
)


def _partial(condition: str) -> dict[str, object]:
    return {"postgresql_where": sa.text(condition), "sqlite_where": sa.text(condition)}


def _open_indexes(condition: str) -> None:
    op.drop_index("ix_dossiers_queue_open_procedure", table_name="dossiers")
    op.drop_index("ix_dossiers_queue_open", table_name="dossiers")
    op.create_index("ix_dossiers_queue_open", "dossiers", ["agency_code", "appointment_at"], **_partial(condition))
    op.create_index(
        "ix_dossiers_queue_open_procedure",
        "dossiers",
        ["agency_code", "procedure_code", "appointment_at"],
        **_partial(condition),
    )


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee_breakdown", JSON, nullable=True))
        batch_op.add_column(sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
    _open_indexes(OPEN_AFTER)
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("order_ref", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("amount_vnd", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_txn", sa.String(length=64), nullable=True),
        sa.Column("receipt_number", sa.String(length=32), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_ref"),
        sa.UniqueConstraint("receipt_number"),
    )
    op.create_index("uq_payments_provider_txn", "payments", ["provider", "provider_txn"], unique=True)
    op.create_index(
        "uq_payments_one_paid_per_dossier", "payments", ["dossier_id"], unique=True, **_partial("status = 'paid'")
    )
    op.create_index("ix_payments_dossier", "payments", ["dossier_id", "created_at"])
    op.create_index("ix_payments_pending", "payments", ["created_at"], **_partial("status = 'pending'"))
    op.create_index("ix_payments_settled", "payments", ["settled_at", "provider"])
    op.create_table(
        "payment_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("order_ref", sa.String(length=64), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("amount_vnd", sa.Integer(), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_payment_notifications_order", "payment_notifications", ["order_ref", "received_at"])
    op.create_table(
        "fee_receipt_sequences",
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_code", "year"),
    )


def downgrade() -> None:
    op.drop_table("fee_receipt_sequences")
    op.drop_index("ix_payment_notifications_order", table_name="payment_notifications")
    op.drop_table("payment_notifications")
    for name in (
        "ix_payments_settled", "ix_payments_pending", "ix_payments_dossier", "uq_payments_one_paid_per_dossier",
        "uq_payments_provider_txn",
    ):
        op.drop_index(name, table_name="payments")
    op.drop_table("payments")
    _open_indexes(OPEN_BEFORE)
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("paid_at")
        batch_op.drop_column("fee_breakdown")
