"""signed results, the citizen's document store, results by post

Revision ID: 0018
Revises: 0017

Issue 13: the agencies' register of signed results (what the public QR page reads), the citizen's
document store with its time-limited share links, where an attachment came from when it was taken
from the store, and the postal tracking number of a result sent by post.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from sqlalchemy.dialects import postgresql

from alembic import op

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("serial", sa.String(length=24), nullable=False, unique=True),
        sa.Column("dossier_id", sa.Integer(), sa.ForeignKey("dossiers.id", ondelete="SET NULL"), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("issuer", JSON, nullable=False),
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=12), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("signer_serial", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_issued_documents_dossier", "issued_documents", ["dossier_id"])
    op.create_table(
        "citizen_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("issuer", JSON, nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("origin", sa.String(length=12), nullable=False),
        sa.Column(
            "issued_document_id", sa.Integer(), sa.ForeignKey("issued_documents.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("dossier_id", sa.Integer(), sa.ForeignKey("dossiers.id", ondelete="SET NULL"), nullable=True),
        sa.Column("dossier_code", sa.String(length=32), nullable=True),
        sa.Column("source_attachment_id", sa.Integer(), nullable=True),
        sa.Column("stored_name", sa.String(length=64), nullable=False, unique=True),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_citizen_documents_owner", "citizen_documents", ["owner_id", "kind"])
    op.create_table(
        "document_shares",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id", sa.Integer(), sa.ForeignKey("citizen_documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("token_sha256", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postal_tracking", sa.String(length=40), nullable=True))
    with op.batch_alter_table("dossier_attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_store", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier_attachments", schema=None) as batch_op:
        batch_op.drop_column("from_store")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("postal_tracking")
    op.drop_table("document_shares")
    op.drop_index("ix_citizen_documents_owner", table_name="citizen_documents")
    op.drop_table("citizen_documents")
    op.drop_index("ix_issued_documents_dossier", table_name="issued_documents")
    op.drop_table("issued_documents")
