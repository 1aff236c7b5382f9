"""catalogue and administrative units

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "admin_provinces",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_admin_provinces")),
    )
    op.create_table(
        "admin_communes",
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"],
            ["admin_provinces.code"],
            name=op.f("fk_admin_communes_province_code_admin_provinces"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_admin_communes")),
    )
    with op.batch_alter_table("admin_communes", schema=None) as batch_op:
        batch_op.create_index("ix_admin_communes_province_code", ["province_code"], unique=False)

    op.create_table(
        "catalog_index_procedures",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("level_source", sa.String(length=128), nullable=False),
        sa.Column("field_name", sa.String(length=255), nullable=False),
        sa.Column("ministry", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_catalog_index_procedures")),
    )


def downgrade() -> None:
    op.drop_table("catalog_index_procedures")
    with op.batch_alter_table("admin_communes", schema=None) as batch_op:
        batch_op.drop_index("ix_admin_communes_province_code")
    op.drop_table("admin_communes")
    op.drop_table("admin_provinces")
