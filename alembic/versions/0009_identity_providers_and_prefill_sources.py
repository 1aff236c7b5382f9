"""identity providers and prefill sources

Revision ID: 0009
Revises: 0008

Written by hand. Several identity providers at once (core/identity/providers.py): a sign-in
remembers the provider it was started with, so only that provider's callback may finish it, and
a session remembers the provider that signed it in, so logout goes there. Rows from before this
revision were all made by the one provider there was, the citizen provider.

Prefill sources (core/prefill/): a dossier records which sources were asked and with what outcome.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("login_transactions") as batch_op:
        batch_op.add_column(sa.Column("provider", sa.String(length=16), nullable=False, server_default="citizen"))
    with op.batch_alter_table("auth_sessions") as batch_op:
        batch_op.add_column(sa.Column("provider", sa.String(length=16), nullable=False, server_default="citizen"))
    with op.batch_alter_table("dossiers") as batch_op:
        batch_op.add_column(sa.Column("prefill_sources", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch_op:
        batch_op.drop_column("prefill_sources")
    with op.batch_alter_table("auth_sessions") as batch_op:
        batch_op.drop_column("provider")
    with op.batch_alter_table("login_transactions") as batch_op:
        batch_op.drop_column("provider")
