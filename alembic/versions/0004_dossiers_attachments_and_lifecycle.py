"""dossiers attachments and lifecycle

Revision ID: 0004
Revises: 0003

Written by hand to hold only the dossier tables (citizen_app/db/models/dossiers.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("registrar_id", sa.Integer(), nullable=True),
        sa.Column("procedure_code", sa.String(length=16), nullable=False),
        sa.Column("procedure_name", JSON, nullable=False),
        sa.Column("procedure_level", sa.String(length=16), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("locked_values", JSON, nullable=False),
        sa.Column("provenance", JSON, nullable=False),
        sa.Column("submission_key", sa.String(length=36), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("agency_code", sa.String(length=16), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("commune_code", sa.String(length=5), nullable=True),
        sa.Column("receiving_unit", JSON, nullable=True),
        sa.Column("applicant", JSON, nullable=True),
        sa.Column("applicant_pid_last4", sa.String(length=4), nullable=True),
        sa.Column("documents", JSON, nullable=True),
        sa.Column("processing_days", sa.Integer(), nullable=True),
        sa.Column("fee_due_vnd", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_touched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appointment_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("original_appointment_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supplement_request", JSON, nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["applicant_id"], ["users.id"], name=op.f("fk_dossiers_applicant_id_users")),
        sa.ForeignKeyConstraint(["registrar_id"], ["users.id"], name=op.f("fk_dossiers_registrar_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.UniqueConstraint("code", name=op.f("uq_dossiers_code")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_dossiers_submission_key")),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index(
            "uq_dossiers_one_draft",
            ["applicant_id", "procedure_code"],
            unique=True,
            postgresql_where=sa.text("status = 'draft'"),
            sqlite_where=sa.text("status = 'draft'"),
        )
        batch_op.create_index("ix_dossiers_applicant", ["applicant_id", "last_touched_at"], unique=False)
        batch_op.create_index("ix_dossiers_queue", ["agency_code", "status", "appointment_at"], unique=False)
        batch_op.create_index("ix_dossiers_status_touched", ["status", "last_touched_at"], unique=False)
        batch_op.create_index("ix_dossiers_status_appointment", ["status", "appointment_at"], unique=False)

    op.create_table(
        "dossier_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=24), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_dossier_events_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_events_dossier_id_dossiers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_events")),
    )
    with op.batch_alter_table("dossier_events", schema=None) as batch_op:
        batch_op.create_index("ix_dossier_events_dossier", ["dossier_id", "id"], unique=False)

    op.create_table(
        "dossier_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("thumbnail_name", sa.String(length=80), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"],
            name=op.f("fk_dossier_attachments_dossier_id_dossiers"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_dossier_attachments_uploaded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_attachments")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_dossier_attachments_stored_name")),
    )
    with op.batch_alter_table("dossier_attachments", schema=None) as batch_op:
        batch_op.create_index("ix_dossier_attachments_dossier", ["dossier_id", "slot_id"], unique=False)

    op.create_table(
        "dossier_code_sequences",
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_code", "day", name=op.f("pk_dossier_code_sequences")),
    )


def downgrade() -> None:
    op.drop_table("dossier_code_sequences")

    with op.batch_alter_table("dossier_attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_attachments_dossier")
    op.drop_table("dossier_attachments")

    with op.batch_alter_table("dossier_events", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_events_dossier")
    op.drop_table("dossier_events")

    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_status_appointment")
        batch_op.drop_index("ix_dossiers_status_touched")
        batch_op.drop_index("ix_dossiers_queue")
        batch_op.drop_index("ix_dossiers_applicant")
        batch_op.drop_index("uq_dossiers_one_draft")
    op.drop_table("dossiers")
