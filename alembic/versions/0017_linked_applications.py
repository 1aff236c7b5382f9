"""linked applications: component dossiers under an umbrella (life events, issue 12)

Revision ID: 0017
Revises: 0016

A life event (a birth, a death) is one application made of linked procedures handled in turn by
different agencies. The umbrella is the dossier the citizen sent; each component is a dossier of
its own (its own code, agency and due date) pointing at it, in chain order, with what its result
hands on to the next part.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("umbrella_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("chain_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("chain_data", json_type, nullable=True))
        batch_op.create_foreign_key(
            "fk_dossiers_umbrella_id_dossiers", "dossiers", ["umbrella_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index("ix_dossiers_umbrella", ["umbrella_id", "chain_position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_umbrella")
        batch_op.drop_constraint("fk_dossiers_umbrella_id_dossiers", type_="foreignkey")
        batch_op.drop_column("chain_data")
        batch_op.drop_column("chain_position")
        batch_op.drop_column("umbrella_id")
