"""result pickup

Revision ID: 0007
Revises: 0006

Written by hand. Where and when the applicant collects a paper result ({"place", "hours"}), recorded
when the result is marked ready without a result document (core/dossiers/results.py). Nullable:
dossiers finished before it, and results delivered as documents, have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_pickup", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("result_pickup")
