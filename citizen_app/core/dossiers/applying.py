"""Applying online, as the apply pages use it: one call per thing a person does.

Each function takes the signed-in person and finds out who they act as
(:func:`~citizen_app.core.dossiers.assisted.acting_on`: the applicant, or the counter
officer who registered the draft at the desk), so no screen decides a role. Errors are the
dossier core's typed errors (``DossierNotFound``, ``AccessDenied``, ``InvalidTransition``,
``FormChanged``, ``ValidationFailed`` …).

Also here: where a citizen can apply in person instead (:func:`counter_alternative`), for a
service whose online form they may not use yet.

Not re-exported by ``core.dossiers``: this module stores files, whose module imports that
package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from citizen_app.core import admin_units, attachments
from citizen_app.core.agencies import InvalidAgencyCode, receiving_agency
from citizen_app.core.attachments import AttachmentRejected
from citizen_app.core.dossiers.access import Actor, UserLike
from citizen_app.core.dossiers.assisted import acting_on
from citizen_app.core.dossiers.citizen_view import FileItem, dossier_files, online_terms
from citizen_app.core.dossiers.drafts import DraftView, SaveResult, resume_draft, save_draft, start_draft
from citizen_app.core.dossiers.errors import DossierNotFound
from citizen_app.core.dossiers.lifecycle import load
from citizen_app.core.dossiers.linked import submit_group
from citizen_app.core.dossiers.staff_desk import desk_actor
from citizen_app.core.dossiers.submission import fee_breakdown, fee_due, submit
from citizen_app.core.dossiers.terms import ProcedureTerms
from citizen_app.core.fees import FeeBreakdown
from citizen_app.core.forms.flow import slot_counts
from citizen_app.core.i18n import Msg
from citizen_app.core.identity.profile import load_profile_view
from citizen_app.core.identity.profile_view import ProfileView
from citizen_app.core.life_events.groups import LinkedGroup, group_of_code


@dataclass(frozen=True)
class Acting:
    """Who is working on a draft: the applicant, or an officer at the desk with them (assisted)."""

    applicant_id: int
    assisted: bool


def actor_of(user: UserLike, acting: Acting) -> Actor:
    return desk_actor(user) if acting.assisted else Actor.citizen(user)


def who_acts(db: Session, draft_id: int, user: UserLike) -> Acting:
    """``DossierNotFound`` when there is no such dossier; the core checks every later call."""
    found = acting_on(db, draft_id, user)
    return Acting(applicant_id=found.applicant_id, assisted=found.assisted)


@dataclass(frozen=True)
class OpenDraft:
    terms: ProcedureTerms
    draft: DraftView
    files: list[FileItem]
    fee_due_vnd: int | None  # None: the catalogue does not know it (the agency says at the counter)
    # Line by line from the answers so far (per copy, reductions); None with fee_due_vnd None.
    fee_breakdown: FeeBreakdown | None = None

    @property
    def file_counts(self) -> dict[str, int]:
        return slot_counts(f.slot for f in self.files)


def terms_of(db: Session, draft_id: int) -> ProcedureTerms:
    """The online terms of the draft's procedure (``DossierNotFound`` if it can no longer be applied for)."""
    terms = online_terms(load(db, draft_id).procedure_code)
    if terms is None:
        raise DossierNotFound(detail=f"dossier {draft_id}: its procedure cannot be applied for online")
    return terms


def open_draft(db: Session, draft_id: int, user: UserLike, acting: Acting, *, now: datetime) -> OpenDraft:
    """Resume a draft (migrated to the current form, prefill refreshed) with its files and its fee.

    ``InvalidTransition`` when it has been sent already.
    """
    terms = terms_of(db, draft_id)
    actor = actor_of(user, acting)
    profile = load_profile_view(db, acting.applicant_id)
    draft = resume_draft(db, draft_id, actor, terms, profile, now=now)
    files = dossier_files(db, draft_id, actor, stage="draft")
    breakdown = fee_breakdown(terms, assisted=acting.assisted, answers=draft.answers) if terms.fee_stated else None
    fee = breakdown.total_vnd if breakdown is not None else None
    return OpenDraft(terms=terms, draft=draft, files=files, fee_due_vnd=fee, fee_breakdown=breakdown)


def draft_files(db: Session, draft_id: int, user: UserLike, acting: Acting) -> list[FileItem]:
    return dossier_files(db, draft_id, actor_of(user, acting), stage="draft")


def save_answers(
    db: Session,
    draft_id: int,
    user: UserLike,
    acting: Acting,
    changes: Mapping[str, Any],
    *,
    form_version: int,
    terms: ProcedureTerms,
    now: datetime,
) -> SaveResult:
    """Autosave: only the form's own questions are kept (``FormChanged`` if the form moved on)."""
    known = frozenset(f.id for f in terms.form.fields())
    return save_draft(db, draft_id, actor_of(user, acting), changes, form_version, now=now, known_fields=known)


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    declared_type: str | None = None


def add_files(
    db: Session,
    dossier_id: int,
    actor: Actor,
    slot_id: str,
    uploads: Iterable[Upload],
    *,
    max_files: int,
    now: datetime,
) -> Msg | None:
    """Store each file picked for a slot, checked by content; the first problem (or None).

    A refused file does not stop the others (a refusal happens before anything is written).
    ``InvalidTransition``/``ConcurrentChange`` (the dossier has moved on) and
    ``AccessDenied`` are raised.
    """
    problem: Msg | None = None
    for upload in uploads:
        try:
            attachments.add_attachment(
                db,
                dossier_id,
                actor,
                slot_id=slot_id,
                filename=upload.filename or "file",
                data=upload.data,
                declared_type=upload.declared_type,
                slot_max_files=max_files,
                now=now,
            )
        except AttachmentRejected as rejected:
            problem = problem or rejected.message
    return problem


@dataclass(frozen=True)
class Sent:
    dossier_id: int
    # False when an earlier attempt (same key, another tab) had already sent it.
    created: bool
    # Newly typed contact details the citizen may keep in their profile (binding → value).
    reusable: Mapping[str, Any]


def send(
    db: Session,
    draft_id: int,
    user: UserLike,
    acting: Acting,
    *,
    submission_key: str,
    now: datetime,
) -> Sent:
    """Submit the draft (idempotent by the browser's key); prefill comes from the applicant's profile.

    Only the citizen may save to their profile, so nothing is offered to an officer at the desk.
    """
    terms = terms_of(db, draft_id)
    profile = load_profile_view(db, acting.applicant_id)
    group = group_of_code(terms.code)
    if group is not None:
        return _send_group(db, draft_id, user, acting, group, terms, profile, submission_key=submission_key, now=now)
    result = submit(
        db, draft_id, actor_of(user, acting), submission_key=submission_key, terms=terms, profile=profile, now=now
    )
    return Sent(
        dossier_id=result.dossier.id, created=result.created, reusable={} if acting.assisted else dict(result.reusable)
    )


def _send_group(
    db: Session,
    draft_id: int,
    user: UserLike,
    acting: Acting,
    group: LinkedGroup,
    terms: ProcedureTerms,
    profile: ProfileView | None,
    *,
    submission_key: str,
    now: datetime,
) -> Sent:
    """A life event (issue 12): the umbrella is submitted like any draft, then split into its parts."""
    result = submit_group(
        db, draft_id, actor_of(user, acting), group, terms, profile, submission_key=submission_key, now=now
    )
    return Sent(
        dossier_id=result.dossier.id, created=result.created, reusable={} if acting.assisted else dict(result.reusable)
    )


def start(db: Session, user: UserLike, terms: ProcedureTerms, *, now: datetime) -> DraftView:
    """Start now: a new draft prefilled from the citizen's profile, or the one already open for this procedure."""
    profile = load_profile_view(db, user.user_id)
    return start_draft(db, Actor.citizen(user), terms, profile, now=now)


# --- applying in person instead ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterAlternative:
    """Where to apply in person: the agency that would receive it, with the counter's fee and time.

    ``agency`` is None when the citizen's address is not known; the page then names the kind
    of office (the commune's People's Committee, or the province's service centre).
    """

    level: str
    agency: Mapping[str, str] | None
    fee_vnd: int | None  # None when the catalogue does not know it
    working_days: int | None  # None when the catalogue does not state it
    day_unit: str = "working"


def counter_alternative(terms: ProcedureTerms, profile: ProfileView | None) -> CounterAlternative:
    agency_name: Mapping[str, str] | None = None
    address = None
    if profile is not None:
        address = profile.current_address or profile.permanent_address
    if address is not None and address.province_code:
        try:
            agency = receiving_agency(terms.level, address.province_code, address.commune_code or None)
        except InvalidAgencyCode:
            agency = None
        if agency is not None:
            agency_name = agency.name(
                admin_units.province_name(agency.province_code),
                admin_units.commune_name(agency.commune_code) if agency.commune_code else None,
            )
    limit = terms.time_for("counter")
    return CounterAlternative(
        level=terms.level,
        agency=agency_name,
        fee_vnd=fee_due(terms, assisted=True) if terms.fee_stated else None,
        working_days=limit.days if limit.stated else None,
        day_unit=limit.unit,
    )
