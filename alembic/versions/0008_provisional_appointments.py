"""provisional appointments

Revision ID: 0008
Revises: 0007

A due date counted through a year whose days off the Government has not decided yet (no curated
holiday file, or one marked provisional) is stored with ``appointment_provisional`` set, so the desk
and the receipt can say that it may move. Existing dossiers were counted on curated data: false.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("appointment_provisional", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("appointment_provisional")
