"""What a citizen sees of their dossiers: plain read models, so no screen touches an ORM object.

* :func:`citizen_view`: one dossier (``/applications/<code>``): its status facts from the one
  status table, when it was sent and when the agency received it, the dates, the fee, the
  timeline, the files (the result only once it is the citizen's to download), what they may do
  now (withdraw, answer a supplement request, rate), each decided by the core's own rules.
* :func:`citizen_applications`: My applications, split the way the page shows them.
* :func:`dossier_files`: the files of a dossier (a draft's, for the apply flow).

Every function checks who reads, through the same core calls as before (``open_by_code``,
``list_attachments``, ``rating_of``): a refusal is audited and raised as ``AccessDenied``.

Not re-exported by ``core.dossiers``: this module reads files and ratings, whose modules
import that package; import it by its own name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from citizen_app.core import attachments, ratings
from citizen_app.core.catalog import get_catalog
from citizen_app.core.dossiers import chain
from citizen_app.core.dossiers.access import Actor
from citizen_app.core.dossiers.lifecycle import allowed_targets, is_overdue, timeline
from citizen_app.core.dossiers.milestones import received_by_agency, received_in
from citizen_app.core.dossiers.queries import applicant_dossiers, open_by_code
from citizen_app.core.dossiers.results import ResultPickup, pickup_of
from citizen_app.core.dossiers.routing import ROUTE, hand_over_of
from citizen_app.core.dossiers.supplements import OpenRequest, files_for_request, open_request
from citizen_app.core.dossiers.terms import ProcedureTerms
from citizen_app.core.forms.schema import FormSchema
from citizen_app.core.statuses import StatusFacts, facts
from citizen_app.db.models.dossiers import Dossier, DossierAttachment, DossierEvent


def online_terms(procedure_code: str) -> ProcedureTerms | None:
    """The terms of applying online for a procedure of the catalogue; None when it cannot be applied for online."""
    group = chain.terms_for(procedure_code)  # a linked group (issue 12): one form for its parts
    if group is not None:
        return group
    procedure = get_catalog().get(procedure_code)
    if procedure is None or not procedure.can_apply_online:
        return None
    return ProcedureTerms.from_procedure(procedure)


# --- files ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileItem:
    id: int
    slot: str
    name: str
    size_bytes: int
    kind: str  # thumbnail | pdf | file
    stage: str  # draft | supplement | result
    uploaded_at: datetime


def file_item(attachment: DossierAttachment) -> FileItem:
    return FileItem(
        id=attachment.id,
        slot=attachment.slot_id,
        name=attachment.original_name,
        size_bytes=attachment.size_bytes,
        kind=attachments.icon_for(attachment),
        stage=attachment.stage,
        uploaded_at=attachment.uploaded_at,
    )


def dossier_files(db: Session, dossier_id: int, actor: Actor, *, stage: str | None = None) -> list[FileItem]:
    """The files of a dossier the actor may read (``stage`` picks one kind), oldest first."""
    listed = attachments.list_attachments(db, dossier_id, actor)
    return [file_item(a) for a in listed if stage is None or a.stage == stage]


def split_files(files: Iterable[FileItem], facts_: StatusFacts) -> tuple[list[FileItem], list[FileItem]]:
    """(what the citizen sent, the result document when the status makes it theirs to download)."""
    sent = [f for f in files if f.stage != "result"]
    result = [f for f in files if f.stage == "result"] if facts_.result_visible else []
    return sent, result


# --- the timeline -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the dossier's history the citizen is shown (drafting steps are their own business)."""

    id: int
    action: str
    actor_role: str
    at: datetime
    to_status: str | None
    note: str = ""
    # A delay: the new appointment. An answered supplement request: how many answers changed.
    new_appointment: datetime | None = None
    changed_fields: int = 0
    # A hand-over to the competent unit (issue 12): from which unit to which.
    from_unit: Mapping[str, str] | None = None
    to_unit: Mapping[str, str] | None = None


def timeline_entries(events: Sequence[DossierEvent]) -> list[TimelineEntry]:
    """Oldest first, from the submission on."""
    entries: list[TimelineEntry] = []
    for event in events:
        if event.to_status in (None, "draft") and event.action not in ("delay", ROUTE):
            continue
        details: Mapping[str, Any] = event.details or {}
        handed = hand_over_of(details) if event.action == ROUTE else None
        moved = details.get("new_appointment") if event.action == "delay" else None
        changed = details.get("changed_fields") if event.action == "supply" else None
        entries.append(
            TimelineEntry(
                id=event.id,
                action=event.action,
                actor_role=event.actor_role,
                at=event.at,
                to_status=event.to_status,
                note=event.note or "",
                new_appointment=datetime.fromisoformat(moved) if moved else None,
                changed_fields=len(changed) if changed else 0,
                from_unit=handed.from_unit if handed else None,
                to_unit=handed.to_unit if handed else None,
            )
        )
    return entries


def latest_apology(entries: Sequence[TimelineEntry]) -> str:
    """The note of the last delay: the official apology ("phiếu xin lỗi và hẹn lại ngày trả kết quả")."""
    for entry in reversed(entries):
        if entry.action == "delay":
            return entry.note
    return ""


# --- one dossier -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supplement:
    """An open supplement request with what the citizen needs to answer it."""

    request: OpenRequest
    # The answers the agency holds now (where editing starts) and the files already sent for this request.
    answers: Mapping[str, Any]
    files: tuple[FileItem, ...]


@dataclass(frozen=True)
class RatingGiven:
    score: int
    comment: str


@dataclass(frozen=True)
class CitizenDossierView:
    id: int
    code: str
    procedure_code: str
    procedure_name: Mapping[str, str]
    receiving_unit: Mapping[str, str]
    status: StatusFacts
    channel: str
    sent_at: datetime | None
    # None until the agency has received it (core.dossiers.milestones).
    received_at: datetime | None
    due_at: datetime | None
    overdue: bool
    # The first appointment when a delay moved it (None otherwise), and the apology given.
    first_due_at: datetime | None
    apology: str
    fee_due_vnd: int | None  # None: the catalogue did not know it, the agency says
    rejection_reason: str
    timeline: tuple[TimelineEntry, ...]
    files: tuple[FileItem, ...]
    results: tuple[FileItem, ...]
    can_withdraw: bool
    can_rate: bool
    rating: RatingGiven | None
    supplement: Supplement | None
    # A paper result: where and when to collect it, once the result is ready.
    pickup: ResultPickup | None = None
    # Issue 13: the postal item number of a result sent by post ("" until the officer records it).
    postal_tracking: str = ""
    # A linked application (issue 12): every part, in turn; on a part, the umbrella's code.
    parts: tuple[chain.PartView, ...] = ()
    umbrella_code: str = ""

    @property
    def delayed(self) -> bool:
        return self.first_due_at is not None


def citizen_view(
    db: Session, code: str, actor: Actor, now: datetime, *, form: FormSchema | None = None
) -> CitizenDossierView:
    """One of the citizen's dossiers by its code (``DossierNotFound``/``AccessDenied`` otherwise, audited).

    ``form`` is the procedure's current form (by default the catalogue's): a supplement request
    opens only the questions and documents it still has.
    """
    dossier = open_by_code(db, code, actor)
    events = timeline(db, dossier.id, actor)
    files = dossier_files(db, dossier.id, actor)
    given = ratings.rating_of(db, dossier.id, actor)
    status = facts(dossier.status)
    entries = timeline_entries(events)
    first = dossier.original_appointment_at
    delayed = bool(first and dossier.appointment_at and dossier.appointment_at != first)
    sent, results = split_files(files, status)
    request = open_request(dossier, form if form is not None else _form_of(dossier.procedure_code))
    supplement = None
    if request is not None:
        supplement = Supplement(
            request=request,
            answers=dict(dossier.answers or {}),
            files=tuple(files_for_request(files, request)),
        )
    return CitizenDossierView(
        id=dossier.id,
        code=dossier.code or "",
        procedure_code=dossier.procedure_code,
        procedure_name=dict(dossier.procedure_name or {}),
        receiving_unit=dict(dossier.receiving_unit or {}),
        status=status,
        channel=dossier.channel,
        sent_at=dossier.received_at,
        received_at=received_in(events),
        due_at=dossier.appointment_at,
        overdue=is_overdue(dossier, now),
        first_due_at=first if delayed else None,
        apology=latest_apology(entries) if delayed else "",
        fee_due_vnd=dossier.fee_due_vnd,
        rejection_reason=(dossier.rejection_reason or "") if dossier.status == "rejected" else "",
        timeline=tuple(entries),
        files=tuple(sent),
        results=tuple(results),
        can_withdraw="withdrawn" in allowed_targets(dossier, actor),
        can_rate=ratings.can_rate(dossier, actor) and given is None,
        rating=RatingGiven(score=given.score, comment=given.comment or "") if given is not None else None,
        supplement=supplement,
        pickup=pickup_of(dossier),
        postal_tracking=dossier.postal_tracking or "",
        **_linked(db, dossier),
    )


def _linked(db: Session, dossier: Dossier) -> dict[str, Any]:
    """The parts of an umbrella, or the umbrella's code on a part (issue 12); nothing otherwise."""
    umbrella = chain.umbrella_of(db, dossier)
    if umbrella is None:
        return {}
    if umbrella.id != dossier.id:
        return {"umbrella_code": umbrella.code or ""}
    return {"parts": chain.umbrella_view(db, umbrella).parts}


def dossier_id(db: Session, code: str, actor: Actor) -> int:
    """The id of the dossier with this code, for a reader who may read it (refusals audited): what an
    action on the page acts on, found again by its code, never taken from the page."""
    return open_by_code(db, code, actor).id


def _form_of(procedure_code: str) -> FormSchema | None:
    terms = online_terms(procedure_code)
    return terms.form if terms is not None else None


# --- My applications ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftSummary:
    id: int
    procedure_code: str
    procedure_name: Mapping[str, str]
    last_touched_at: datetime


@dataclass(frozen=True)
class DossierSummary:
    id: int
    code: str
    procedure_code: str
    procedure_name: Mapping[str, str]
    status: StatusFacts
    sent_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    overdue: bool
    # A part of a linked application (issue 12): its place, the number of parts, the umbrella's code.
    position: int = 0
    parts_total: int = 0
    umbrella_code: str = ""


@dataclass(frozen=True)
class CitizenApplications:
    drafts: list[DraftSummary] = field(default_factory=list)
    in_progress: list[DossierSummary] = field(default_factory=list)
    finished: list[DossierSummary] = field(default_factory=list)

    def draft_for(self, procedure_code: str) -> DraftSummary | None:
        """The draft already open for a procedure (Start now resumes it)."""
        return next((d for d in self.drafts if d.procedure_code == procedure_code), None)


def citizen_applications(db: Session, actor: Actor, now: datetime) -> CitizenApplications:
    """The citizen's own dossiers, most recently touched first (refused and audited for anyone else)."""
    mine = applicant_dossiers(db, actor)
    sent = [*mine.in_progress, *mine.finished]
    received = received_by_agency(db, (d.id for d in sent))
    return CitizenApplications(
        drafts=[
            DraftSummary(
                id=d.id,
                procedure_code=d.procedure_code,
                procedure_name=dict(d.procedure_name or {}),
                last_touched_at=d.last_touched_at,
            )
            for d in mine.drafts
        ],
        **_grouped(sent, received, now),
    )


def _grouped(sent: Sequence[Dossier], received: Mapping[int, datetime], now: datetime) -> dict[str, list[DossierSummary]]:
    """In progress and finished, each part of a linked application right after its umbrella (issue 12).

    The umbrella reads as its chain: in progress while a part is, finished (result ready, or rejected)
    when every part is done or one was rejected.
    """
    parts: dict[int, list[Dossier]] = {}
    for d in sent:
        if d.umbrella_id is not None:
            parts.setdefault(d.umbrella_id, []).append(d)
    in_progress: list[DossierSummary] = []
    finished: list[DossierSummary] = []
    for d in sent:
        if d.umbrella_id is not None and d.umbrella_id in {u.id for u in sent}:
            continue
        own = sorted(parts.get(d.id, []), key=lambda p: p.chain_position or 0)
        summary = _summary(d, received, now)
        if own:
            statuses = [p.status for p in own]
            if "rejected" in statuses:
                summary = dataclasses.replace(summary, status=facts("rejected"))
            elif all(s in ("result_ready", "returned") for s in statuses):
                summary = dataclasses.replace(summary, status=facts("result_ready"))
        rows = [summary] + [
            dataclasses.replace(
                _summary(p, received, now), position=p.chain_position or 0, parts_total=len(own),
                umbrella_code=d.code or "",
            )
            for p in own
        ]
        target = in_progress if summary.status.in_progress or summary.status.key == "linked" else finished
        target.extend(rows)
    return {"in_progress": in_progress, "finished": finished}


def _summary(dossier: Dossier, received: Mapping[int, datetime], now: datetime) -> DossierSummary:
    return DossierSummary(
        id=dossier.id,
        code=dossier.code or "",
        procedure_code=dossier.procedure_code,
        procedure_name=dict(dossier.procedure_name or {}),
        status=facts(dossier.status),
        sent_at=dossier.received_at,
        received_at=received.get(dossier.id),
        due_at=dossier.appointment_at,
        finished_at=dossier.finished_at,
        overdue=is_overdue(dossier, now),
    )
