"""staff queue and dashboard indexes

Revision ID: 0006
Revises: 0005

Written by hand. The indexes the counter queue, the supervisor dashboard and the audit log read at
a million dossiers (bench/dossier_bench.py; figures in docs/performance.md, "Dossiers at scale").
"My applications" already has ``ix_dossiers_applicant`` (applicant, last touched) from 0004.

* Queue, default view (open dossiers of one agency, soonest appointment first): a partial index
  on the open statuses, so the first page is an index range scan that stops after 20 rows and
  the count reads only open rows. Its predicate is ``status IN (...)``, the shape the queue's
  query uses (core/dossiers/staff_queue.py), which is what lets PostgreSQL prove it applies.
  The same with the procedure in second place for the procedure filter.
* Queue, "all statuses": agency + appointment (one status alone uses 0004's ``ix_dossiers_queue``).
* Dashboard (core/dashboard.py): province + received time, province + finished time, and the
  overdue-now rule (partial on the statuses the agency owes). On PostgreSQL the grouped columns
  are INCLUDEd, so the GROUP BY queries are index-only scans; SQLite ignores INCLUDE.
* Audit log for supervisors (core/staff_audit.py): actor + time.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# core.dossiers.staff_queue.OPEN_STATUSES and core.dossiers.lifecycle.AGENCY_OWES, frozen here as a migration must be.
OPEN = "status IN ('submitted', 'received', 'processing', 'supplement_requested', 'approved', 'result_ready')"
OWED = "status IN ('approved', 'processing', 'received', 'submitted')"


def _partial(condition: str) -> dict[str, object]:
    return {"postgresql_where": sa.text(condition), "sqlite_where": sa.text(condition)}


def upgrade() -> None:
    op.create_index("ix_dossiers_queue_open", "dossiers", ["agency_code", "appointment_at"], **_partial(OPEN))
    op.create_index(
        "ix_dossiers_queue_open_procedure",
        "dossiers",
        ["agency_code", "procedure_code", "appointment_at"],
        **_partial(OPEN),
    )
    op.create_index("ix_dossiers_agency_appointment", "dossiers", ["agency_code", "appointment_at"])
    op.create_index(
        "ix_dossiers_province_received",
        "dossiers",
        ["province_code", "received_at"],
        postgresql_include=["channel", "procedure_code", "commune_code"],
    )
    op.create_index(
        "ix_dossiers_province_finished",
        "dossiers",
        ["province_code", "finished_at"],
        # id: the ratings are joined on it.
        postgresql_include=[
            "id", "status", "received_at", "original_appointment_at", "appointment_at", "procedure_code",
            "commune_code",
        ],
    )
    op.create_index(
        "ix_dossiers_province_owed",
        "dossiers",
        ["province_code", "appointment_at"],
        postgresql_include=["procedure_code", "commune_code"],
        **_partial(OWED),
    )
    op.create_index("ix_audit_events_actor_at", "audit_events", ["actor_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_actor_at", table_name="audit_events")
    for name in (
        "ix_dossiers_province_owed",
        "ix_dossiers_province_finished",
        "ix_dossiers_province_received",
        "ix_dossiers_agency_appointment",
        "ix_dossiers_queue_open_procedure",
        "ix_dossiers_queue_open",
    ):
        op.drop_index(name, table_name="dossiers")
