"""identity users sessions profiles

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("unit_level", sa.String(length=16), nullable=True),
        sa.Column("unit_code", sa.String(length=8), nullable=True),
        sa.Column("assurance_level", sa.Integer(), nullable=False),
        sa.Column("personal_id", sa.String(length=12), nullable=True),
        sa.Column("full_name", sa.String(length=200), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.Column("place_of_origin", sa.String(length=255), nullable=True),
        sa.Column("permanent_province_code", sa.String(length=2), nullable=True),
        sa.Column("permanent_province_name", sa.String(length=100), nullable=True),
        sa.Column("permanent_commune_code", sa.String(length=5), nullable=True),
        sa.Column("permanent_commune_name", sa.String(length=100), nullable=True),
        sa.Column("permanent_street", sa.String(length=255), nullable=True),
        sa.Column("identity_refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_users_issuer_subject")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_personal_id", ["personal_id"], unique=False)

    op.create_table(
        "user_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("current_province_code", sa.String(length=2), nullable=True),
        sa.Column("current_commune_code", sa.String(length=5), nullable=True),
        sa.Column("current_street", sa.String(length=255), nullable=True),
        sa.Column("preferred_locale", sa.String(length=2), nullable=False),
        sa.Column("notify_email", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_profiles")),
    )

    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("absolute_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_auth_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_sessions_token_hash")),
    )
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_auth_sessions_user_id", ["user_id"], unique=False)

    op.create_table(
        "login_transactions",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("redirect_uri", sa.String(length=500), nullable=False),
        sa.Column("next_path", sa.String(length=1000), nullable=False),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_login_transactions")),
    )
    with op.batch_alter_table("login_transactions", schema=None) as batch_op:
        batch_op.create_index("ix_login_transactions_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_login_transactions_expires_at")
    op.drop_table("login_transactions")

    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_auth_sessions_user_id")
    op.drop_table("auth_sessions")

    op.drop_table("user_profiles")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_personal_id")
    op.drop_table("users")
