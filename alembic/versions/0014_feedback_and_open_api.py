"""feedback and petitions, open API partner clients

Revision ID: 0014
Revises: 0011

Written by hand: citizen_app/db/models/feedback.py and citizen_app/db/models/open_data.py.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("procedure_code", sa.String(length=16), nullable=True),
        sa.Column("procedure_name", JSON, nullable=True),
        sa.Column("dossier_code", sa.String(length=32), nullable=True),
        sa.Column("topic", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=True),
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=True),
        sa.Column("unit_name", JSON, nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("sender_phone", sa.String(length=16), nullable=True),
        sa.Column("sender_email", sa.String(length=254), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("may_publish", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("photo_stored_name", sa.String(length=64), nullable=True),
        sa.Column("photo_content_type", sa.String(length=32), nullable=True),
        sa.Column("photo_size", sa.Integer(), nullable=True),
        sa.Column("photo_sha256", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("public_title", sa.String(length=150), nullable=True),
        sa.Column("public_question", sa.Text(), nullable=True),
        sa.Column("public_answer", sa.Text(), nullable=True),
        sa.Column("public_search", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_feedback_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_feedback_answered_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_feedback_published_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("code", name=op.f("uq_feedback_code")),
        sa.UniqueConstraint("photo_stored_name", name=op.f("uq_feedback_photo_stored_name")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_agency_status_due", ["agency_code", "status", "due_at"], unique=False)
        batch_op.create_index("ix_feedback_province_status_due", ["province_code", "status", "due_at"], unique=False)
        batch_op.create_index(
            "ix_feedback_published",
            ["topic", "published_at"],
            unique=False,
            postgresql_where=sa.text("published_at IS NOT NULL"),
            sqlite_where=sa.text("published_at IS NOT NULL"),
        )

    op.create_table(
        "api_clients",
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", JSON, nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("secret_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_api_clients")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["api_clients.client_id"], name=op.f("fk_api_tokens_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_api_tokens")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_api_tokens_expires_at", ["expires_at"], unique=False)
        batch_op.create_index("ix_api_tokens_client_id", ["client_id"], unique=False)


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("api_clients")
    op.drop_table("feedback")
