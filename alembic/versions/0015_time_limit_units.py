"""time limits in working or calendar days

Revision ID: 0015
Revises: 0014

A procedure's time limit is counted in working days or in calendar days ("10 ngày" for the
criminal record certificate): the dossier keeps the unit its appointment was counted in, so the
receipt says which. Dossiers sent before were all counted in working days.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("processing_day_unit", sa.String(length=8), server_default=sa.text("'working'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("processing_day_unit")
