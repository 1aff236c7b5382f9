"""Drafts: start or resume, autosave, discard, purge; migration to a newer form version.

One open draft per citizen and procedure (a partial unique index enforces it):
"apply" on a procedure with a draft resumes that draft, on any device. Drafts
keep the form version they were written against; resuming with a newer form
migrates the answers and tells the citizen what changed.

Autosave (:func:`save_draft`) is one read by primary key and one UPDATE; it
merges the keys sent (a ``None`` value clears a field), puts verified
(locked) values back whatever the client sent, and refuses a save made
against an older form version so a stale tab cannot write old-shaped answers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from citizen_app.core.attachment_store import delete_on_commit, files_of
from citizen_app.core.dossiers.access import Actor, deny
from citizen_app.core.dossiers.errors import DraftTooLarge, FormChanged, InvalidTransition
from citizen_app.core.dossiers.lifecycle import load, record_event
from citizen_app.core.dossiers.terms import ProcedureTerms
from citizen_app.core.forms import MigrationReport, enforce_locked, migrate_answers, prefill
from citizen_app.core.forms.prefill import provenance_labels, refresh_prefill, sources_record
from citizen_app.core.forms.validation import CommuneChecker
from citizen_app.core.i18n import VIETNAM_TZ, Msg
from citizen_app.core.identity.profile_view import ProfileView
from citizen_app.core.prefill.registry import source_key
from citizen_app.db.models.dossiers import Dossier, DossierAttachment

MAX_ANSWERS_BYTES = 256 * 1024


@dataclass(frozen=True)
class DraftView:
    """What the form pages need to show a draft."""

    dossier_id: int
    procedure_code: str
    form_version: int
    answers: dict[str, Any]
    # field id -> key of the prefill source that filled it ("identity", "profile", …).
    provenance: dict[str, str]
    # Verified answers: locked in the form.
    locked: frozenset[str]
    last_touched_at: datetime
    created: bool = False
    migration: MigrationReport | None = None
    # Form changes and prefill sources that did not answer: told to the citizen above the form.
    notices: tuple[Msg, ...] = field(default_factory=tuple)
    # field id -> what to show next to a prefilled answer ("Verified by VNeID", "From your profile").
    labels: dict[str, Msg] = field(default_factory=dict)
    # Which prefill sources were asked, with what outcome (core.forms.prefill.sources_record).
    prefill_sources: dict[str, Any] = field(default_factory=dict)

    @property
    def filled_count(self) -> int:
        return len(self.provenance)


@dataclass(frozen=True)
class SaveResult:
    saved_at: datetime
    # Locked fields the client tried to change; the page puts the verified value back in view.
    restored: tuple[str, ...] = ()
    changed: bool = True


@dataclass(frozen=True)
class PurgeReport:
    drafts: int
    files: int


def _view(
    dossier: Dossier,
    profile: ProfileView | None,
    *,
    created: bool = False,
    migration: MigrationReport | None = None,
    prefill_notices: tuple[Msg, ...] = (),
) -> DraftView:
    provenance = {fid: source_key(key) for fid, key in dossier.provenance.items()}
    return DraftView(
        dossier_id=dossier.id,
        procedure_code=dossier.procedure_code,
        form_version=dossier.form_version,
        answers=dict(dossier.answers),
        provenance=provenance,
        locked=frozenset(dossier.locked_values),
        last_touched_at=dossier.last_touched_at,
        created=created,
        migration=migration,
        notices=(*(migration.messages if migration and migration.changed else ()), *prefill_notices),
        labels=provenance_labels(provenance, profile),
        prefill_sources=dict(dossier.prefill_sources or {}),
    )


def _owner_check(db: Session, dossier: Dossier, actor: Actor, action: str) -> None:
    mine = (actor.role == "citizen" and dossier.applicant_id == actor.user_id) or (
        actor.is_staff and dossier.registrar_id is not None and dossier.registrar_id == actor.user_id
    )
    if not mine:
        raise deny(db, action=action, actor=actor, dossier_id=dossier.id, reason="not the applicant's draft")


def _refresh_prefill(
    dossier: Dossier, terms: ProcedureTerms, profile: ProfileView | None, now: datetime
) -> tuple[Msg, ...]:
    """Ask the prefill sources again: verified data may have been refreshed at sign-in, empty
    fields filled since, and rules follow the answers given (core.forms.prefill.refresh_prefill).
    Returns the notices of sources that did not answer."""
    if profile is None:
        return ()
    fresh = refresh_prefill(terms.form, dossier.answers, dossier.provenance, dossier.locked_values, profile)
    dossier.answers = fresh.answers
    dossier.provenance = fresh.provenance
    dossier.locked_values = fresh.locked_values
    dossier.prefill_sources = sources_record(fresh.outcomes, fresh.provenance, dossier.prefill_sources, now=now)
    return fresh.notices


def _today(now: datetime) -> date:
    return now.astimezone(VIETNAM_TZ).date()


def start_draft(
    db: Session,
    actor: Actor,
    terms: ProcedureTerms,
    profile: ProfileView | None,
    *,
    now: datetime,
    applicant_id: int | None = None,
    communes: CommuneChecker | bool | None = None,
) -> DraftView:
    """Resume the open draft for this procedure, or start one prefilled from the profile.

    A citizen applies for themselves. A counter officer applies for the citizen
    given as ``applicant_id`` (assisted submission): the draft records the
    officer as registrar and the counter as channel.
    """
    if actor.role == "citizen":
        applicant = actor.user_id
        registrar, channel = None, "online"
    elif actor.is_staff and applicant_id is not None:
        applicant = applicant_id
        registrar, channel = actor.user_id, "counter"
    else:
        raise deny(db, action="dossier.start", actor=actor, dossier_id=None, reason="no applicant")
    assert applicant is not None

    existing = _open_draft(db, applicant, terms.code)
    if existing is not None:
        if registrar is not None:
            existing.registrar_id, existing.channel = registrar, channel
        return resume_draft(db, existing.id, actor, terms, profile, now=now, communes=communes)

    filled = prefill(terms.form, profile) if profile is not None else None
    record = sources_record(filled.outcomes, filled.provenance, None, now=now) if filled else {}
    dossier = Dossier(
        applicant_id=applicant,
        registrar_id=registrar,
        procedure_code=terms.code,
        procedure_name=dict(terms.name),
        procedure_level=terms.level,
        form_version=terms.form.version,
        status="draft",
        channel=channel,
        answers=dict(filled.answers) if filled else {},
        provenance=dict(filled.provenance) if filled else {},
        locked_values=filled.locked_values if filled else {},
        prefill_sources=record,
        created_at=now,
        last_touched_at=now,
    )
    # Two tabs starting at once: the unique index lets one insert win; the other resumes it.
    bind = db.get_bind()
    if bind.dialect.name == "postgresql":
        try:
            with db.begin_nested():
                db.add(dossier)
                db.flush()
        except IntegrityError:
            winner = _open_draft(db, applicant, terms.code)
            if winner is None:
                raise
            return resume_draft(db, winner.id, actor, terms, profile, now=now, communes=communes)
    else:
        # SQLite serialises writers, and pysqlite's SAVEPOINT handling is unreliable; a plain flush suffices.
        db.add(dossier)
        db.flush()
    record_event(
        db,
        dossier,
        actor,
        "start",
        now=now,
        to_status="draft",
        details={"procedure": terms.code, "prefilled": len(dossier.provenance)},
    )
    return _view(dossier, profile, created=True, prefill_notices=filled.notices if filled else ())


def _open_draft(db: Session, applicant_id: int, procedure_code: str) -> Dossier | None:
    return db.scalar(
        select(Dossier).where(
            Dossier.applicant_id == applicant_id,
            Dossier.procedure_code == procedure_code,
            Dossier.status == "draft",
        )
    )


def resume_draft(
    db: Session,
    draft_id: int,
    actor: Actor,
    terms: ProcedureTerms,
    profile: ProfileView | None,
    *,
    now: datetime,
    communes: CommuneChecker | bool | None = None,
) -> DraftView:
    """Open a draft again (after closing the browser, on another device), migrating it to the current form."""
    dossier = load(db, draft_id)
    _owner_check(db, dossier, actor, "dossier.resume")
    if dossier.status != "draft":
        raise InvalidTransition(detail=f"dossier {dossier.id} is {dossier.status}, not a draft")
    if dossier.procedure_code != terms.code:
        raise ValueError(f"draft {draft_id} is for {dossier.procedure_code}, not {terms.code}")
    report: MigrationReport | None = None
    if dossier.form_version != terms.form.version:
        report = migrate_answers(
            dossier.answers, dossier.form_version, terms.form, _today(now), communes=communes
        )
        dossier.answers = report.answers
        dossier.provenance = {k: v for k, v in dossier.provenance.items() if k in report.answers}
        dossier.form_version = terms.form.version
        record_event(
            db,
            dossier,
            actor,
            "migrate_form",
            now=now,
            from_status="draft",
            to_status="draft",
            details={
                "from_version": report.from_version,
                "to_version": report.to_version,
                "dropped": list(report.dropped),
                "now_required": list(report.now_required),
            },
        )
    notices = _refresh_prefill(dossier, terms, profile, now)
    dossier.last_touched_at = now
    db.flush()
    return _view(dossier, profile, migration=report, prefill_notices=notices)


def save_draft(
    db: Session,
    draft_id: int,
    actor: Actor,
    answers: Mapping[str, Any],
    form_version: int,
    *,
    now: datetime,
    known_fields: frozenset[str] | None = None,
) -> SaveResult:
    """Autosave: merge ``answers`` into the draft (``None`` clears a field). Idempotent.

    ``form_version`` is the version the page was built from; a mismatch raises
    :class:`FormChanged` (reload and resume). ``known_fields`` (the form's
    top-level ids), when given, drops anything else the client sent.
    """
    row = db.execute(
        select(
            Dossier.applicant_id,
            Dossier.registrar_id,
            Dossier.status,
            Dossier.form_version,
            Dossier.answers,
            Dossier.locked_values,
        ).where(Dossier.id == draft_id)
    ).one_or_none()
    if row is None:
        load(db, draft_id)  # raises DossierNotFound
    applicant_id, registrar_id, status, stored_version, stored, locked = row  # type: ignore[misc]
    mine = (actor.role == "citizen" and applicant_id == actor.user_id) or (
        actor.is_staff and registrar_id is not None and registrar_id == actor.user_id
    )
    if not mine:
        raise deny(
            db, action="dossier.save", actor=actor, dossier_id=draft_id, reason="not the applicant's draft"
        )
    if status != "draft":
        raise InvalidTransition(detail=f"dossier {draft_id} is {status}, not a draft")
    if form_version != stored_version:
        raise FormChanged()
    merged = dict(stored)
    for key, value in answers.items():
        if known_fields is not None and key not in known_fields:
            continue
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    merged, tampered = enforce_locked(merged, locked)
    if len(json.dumps(merged, ensure_ascii=False, default=str).encode()) > MAX_ANSWERS_BYTES:
        raise DraftTooLarge()
    values: dict[str, Any] = {"last_touched_at": now}
    changed = merged != stored
    if changed:
        values["answers"] = merged
    result = db.execute(
        update(Dossier)
        .where(Dossier.id == draft_id, Dossier.status == "draft")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise InvalidTransition(detail=f"dossier {draft_id} was submitted meanwhile")
    return SaveResult(saved_at=now, restored=tuple(tampered), changed=changed)


def discard_draft(db: Session, draft_id: int, actor: Actor) -> None:
    """The citizen deletes their draft; its files go when the transaction commits."""
    dossier = load(db, draft_id)
    _owner_check(db, dossier, actor, "dossier.discard")
    if dossier.status != "draft":
        raise InvalidTransition(detail=f"dossier {draft_id} is {dossier.status}, not a draft")
    delete_on_commit(db, files_of(dossier.attachments))
    db.delete(dossier)
    db.flush()


def purge_stale_drafts(
    db: Session, now: datetime, retention_days: int, *, batch_size: int = 500
) -> PurgeReport:
    """Delete drafts untouched for ``retention_days``, with their files (unlinked when the caller commits).

    Only drafts: a submitted dossier is never purged by age.
    """
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    cutoff = now - timedelta(days=retention_days)
    drafts = files = 0
    while True:
        ids = list(
            db.scalars(
                select(Dossier.id)
                .where(Dossier.status == "draft", Dossier.last_touched_at < cutoff)
                .order_by(Dossier.id)
                .limit(batch_size)
            )
        )
        if not ids:
            break
        attachments = list(db.scalars(select(DossierAttachment).where(DossierAttachment.dossier_id.in_(ids))))
        paths = files_of(attachments)
        delete_on_commit(db, paths)
        files += len(attachments)
        # The foreign keys cascade to events and attachment rows.
        db.execute(
            delete(Dossier)
            .where(Dossier.id.in_(ids), Dossier.status == "draft")
            .execution_options(synchronize_session=False)
        )
        for attachment in attachments:
            db.expunge(attachment)
        drafts += len(ids)
        if len(ids) < batch_size:
            break
    return PurgeReport(drafts=drafts, files=files)
