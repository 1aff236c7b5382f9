"""Dossiers (drafts included), their lifecycle events, attachments and per-agency code sequences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citizen_app.core.statuses import AGENCY_OWES, OPEN, status_in_sql
from citizen_app.db.base import Base, JsonDocument, UtcDateTime, utcnow
from citizen_app.db.models.identity import User  # noqa: F401  (users must be in the metadata for the FKs)

_OPEN = status_in_sql(OPEN)
_OWED = status_in_sql(AGENCY_OWES)


def _where(condition: str) -> dict[str, Any]:
    """A partial index, on both databases."""
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}


class Dossier(Base):
    """One application, from the first autosaved draft to the returned result.

    A draft and the dossier it becomes are the same row: submitting a draft
    twice can therefore never make two dossiers. Texts shown on the receipt
    (procedure name, receiving unit, applicant contact) are snapshots taken at
    submission, so later catalogue or profile edits do not rewrite a receipt.
    """

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The counter officer who submitted on the citizen's behalf (assisted submission).
    registrar_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    procedure_code: Mapped[str] = mapped_column(String(16))
    procedure_name: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    procedure_level: Mapped[str] = mapped_column(String(16))
    form_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), default="draft")
    channel: Mapped[str] = mapped_column(String(8), default="online")  # online | counter

    answers: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # Verified (VNeID) values the answers must keep, and where each prefilled answer came from.
    locked_values: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    provenance: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    # Which prefill sources were asked, with what outcome: {source key: {"status", "fields", "at"}}.
    prefill_sources: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)

    submission_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    agency_code: Mapped[str | None] = mapped_column(String(16))
    province_code: Mapped[str | None] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    receiving_unit: Mapped[dict[str, str] | None] = mapped_column(JsonDocument)
    applicant: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    # Second factor of the public lookup (code + last four digits of the applicant's ID number).
    applicant_pid_last4: Mapped[str | None] = mapped_column(String(4))
    documents: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonDocument)
    # The time limit the appointment was counted with; None when the catalogue does not state one
    # (the generic partial-online form: the appointment is provisional until the agency confirms it).
    processing_days: Mapped[int | None] = mapped_column(Integer)
    # "working" or "calendar": how processing_days count (core.calendar).
    processing_day_unit: Mapped[str] = mapped_column(
        String(8), default="working", server_default=text("'working'"), nullable=False
    )
    fee_due_vnd: Mapped[int | None] = mapped_column(Integer)
    # The fee line by line as computed at submission (core/fees): {"channel", "lines": [...], "total_vnd"}.
    fee_breakdown: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    # When the fee was paid (the due date counts from then: core/payments).
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_touched_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    appointment_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The first appointment, kept when a delay moves appointment_at (on-time rates count against it).
    original_appointment_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Counted through a year whose days off are not decided yet (core.calendar): the date may move.
    appointment_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    # {"fields": [...], "attachments": [...], "message": "..."} while a supplement is outstanding.
    supplement_request: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    # {"place": "...", "hours": "..."}: where and when to collect a paper result (core/dossiers/results.py).
    result_pickup: Mapped[dict[str, str] | None] = mapped_column(JsonDocument)
    # Issue 13: the postal item number of a result sent by post, as the officer recorded it.
    postal_tracking: Mapped[str | None] = mapped_column(String(40))

    # --- life events (issue 12): one application for linked procedures (core/dossiers/chain.py) ---
    # A component points at the umbrella the citizen sent; the umbrella's own is None.
    umbrella_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    # The component's place in its chain (1, 2, 3); None for anything else.
    chain_position: Mapped[int | None] = mapped_column(Integer)
    # What a component's result hands on to the next ({"birth_certificate_number": "…"}), and on the
    # umbrella the group's slug: {"group": "birth"}.
    chain_data: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)

    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", passive_deletes=True,
        order_by="DossierEvent.id",
    )
    attachments: Mapped[list[DossierAttachment]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", passive_deletes=True,
        order_by="DossierAttachment.id",
    )

    __table_args__ = (
        # One open draft per citizen and procedure: "start" resumes it instead of making another.
        Index(
            "uq_dossiers_one_draft", "applicant_id", "procedure_code", unique=True,
            postgresql_where=text("status = 'draft'"), sqlite_where=text("status = 'draft'"),
        ),
        Index("ix_dossiers_applicant", "applicant_id", "last_touched_at"),
        Index("ix_dossiers_umbrella", "umbrella_id", "chain_position"),
        Index("ix_dossiers_queue", "agency_code", "status", "appointment_at"),
        Index("ix_dossiers_status_touched", "status", "last_touched_at"),
        Index("ix_dossiers_status_appointment", "status", "appointment_at"),
        # The staff queue and the supervisor dashboard at a million dossiers (migration 0006 says why
        # each one; the statuses are frozen there as a migration must be, and here to match it).
        Index("ix_dossiers_queue_open", "agency_code", "appointment_at", **_where(_OPEN)),
        Index("ix_dossiers_queue_open_procedure", "agency_code", "procedure_code", "appointment_at", **_where(_OPEN)),
        Index("ix_dossiers_agency_appointment", "agency_code", "appointment_at"),
        Index(
            "ix_dossiers_province_received", "province_code", "received_at",
            postgresql_include=["channel", "procedure_code", "commune_code"],
        ),
        Index(
            "ix_dossiers_province_finished", "province_code", "finished_at",
            postgresql_include=[
                "id", "status", "received_at", "original_appointment_at", "appointment_at", "procedure_code",
                "commune_code",
            ],
        ),
        Index(
            "ix_dossiers_province_owed", "province_code", "appointment_at",
            postgresql_include=["procedure_code", "commune_code"], **_where(_OWED),
        ),
    )


class DossierEvent(Base):
    """One step of a dossier's history: a transition, a delay, a supplement answered, a form migration."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)

    dossier: Mapped[Dossier] = relationship(back_populates="events")

    __table_args__ = (Index("ix_dossier_events_dossier", "dossier_id", "id"),)


class DossierAttachment(Base):
    """A file of a dossier. The bytes live under Settings.attachments_dir with a random name."""

    __tablename__ = "dossier_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    slot_id: Mapped[str] = mapped_column(String(64))
    # draft (sent with the application) | supplement (answering a request) | result (staff's result document)
    stage: Mapped[str] = mapped_column(String(16), default="draft")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    thumbnail_name: Mapped[str | None] = mapped_column(String(80))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Issue 13: taken from the citizen's document store instead of uploaded; a snapshot of that entry
    # (document id, kind, issuer, issued date, signature verdict) for the staff's desk.
    from_store: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")

    __table_args__ = (Index("ix_dossier_attachments_dossier", "dossier_id", "slot_id"),)


class DossierCodeSequence(Base):
    """The last sequence number an agency gave out on a (Vietnam local) day.

    Incremented with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` inside the
    submission transaction: the row lock serialises concurrent submissions to the
    same agency and day, and a rolled-back submission gives its number back.
    """

    __tablename__ = "dossier_code_sequences"

    agency_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)
