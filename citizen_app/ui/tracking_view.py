"""View models of the tracking screens: plain Python (no Reflex), so the wording is unit-tested.

They shape the core's read models (``core.dossiers.citizen_view``, ``PublicStatus``,
``NotificationItem``) for a phone screen, every text already in the reader's language. What a
dossier may do (withdraw, answer, rate) and every fact about a status (label, tone, whether
the result is the citizen's) are the core's; nothing here decides them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote

from citizen_app.core.dossiers.chain import PartView
from citizen_app.core.dossiers.citizen_view import (
    CitizenDossierView,
    DossierSummary,
    DraftSummary,
    FileItem,
    TimelineEntry,
)
from citizen_app.core.dossiers.queries import PublicStatus
from citizen_app.core.i18n import N_, NP_, Msg, Translator
from citizen_app.core.notifications import NotificationItem
from citizen_app.core.statuses import facts, tag_class
from citizen_app.ui.apply_view import file_size
from citizen_app.ui.catalog_view import FEE_AT_COUNTER, money

ACTION_LABELS: Mapping[str, str] = {
    "submit": N_("Application sent"),
    "receive": N_("Received by the agency"),
    "start_processing": N_("Processing started"),
    "request_supplement": N_("More information requested"),
    "supply": N_("Information supplied"),
    "approve": N_("Approved"),
    "result_ready": N_("Result ready to collect"),
    "return": N_("Result returned"),
    "reject": N_("Rejected"),
    "refuse": N_("Rejected"),
    "withdraw": N_("Withdrawn"),
    "delay": N_("Result date moved"),
    # linked applications (issue 12)
    "chain_start": N_("Sent as linked parts"),
    "chain_wait": N_("Waiting for the previous part"),
    "chain_next": N_("Previous part approved: this part has started"),
    "chain_stop": N_("Stopped: a previous part was rejected"),
    # reception without boundaries (issue 12)
    "route": N_("Passed to the unit that handles it"),
}
ROLE_LABELS: Mapping[str, str] = {
    "citizen": N_("You"),
    "counter_officer": N_("Counter officer"),
    "supervisor": N_("Supervisor"),
    "system": N_("The system"),
}
SAVED = N_("Last saved {time}")
RECEIVED_ON = N_("Sent {date}")
DUE_ON = N_("Result due {date}")
FINISHED_ON = N_("Finished {date}")
NEW_DATE = N_("New date for the result: {date}")
SUPPLIED_FIELDS = NP_("{count} answer changed", "{count} answers changed")
NO_FEE = N_("No fee")
ASKED_ON = N_("Asked on {date}")
FIRST_DUE = N_("First date given: {date}")
HANDED_OVER = N_(
    "{from_unit} received your application and passed it to {to_unit}, which handles this procedure. "
    "Your code and your result date stay the same."
)

# Linked applications (issue 12).
PART_OF = N_("Part {position} of {total} · application {code}")
PART_DUE = N_("Due {date}")
CHAIN_STOPPED = N_(
    "Part {position} ({name}) was rejected: {reason}. The parts after it were stopped. "
    "Correct what the reason says and send a new application, or contact {agency}."
)

__all__ = ["tag_class"]  # re-exported for the pages' tags


def code_from_path(path: str) -> str:
    """``/vi/applications/000.00.01.H26-261116-0001`` → the code as typed in the URL (the core parses it)."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    if len(parts) != 3 or parts[1] != "applications":
        return ""
    return unquote(parts[2])[:64]


def dossier_href(locale: str, code: str) -> str:
    return f"/{locale}/applications/{code}"


def _when(moment: datetime | None, t: Translator) -> str:
    return t.format_datetime(moment) if moment else ""


# --- My applications ---------------------------------------------------------------------------------------


@dataclass
class DraftRow:
    id: int = 0
    procedure: str = ""
    saved: str = ""
    continue_href: str = ""


@dataclass
class ApplicationRow:
    code: str = ""
    # "Part 2 of 3 · application …" for a part of a linked application (issue 12); else empty.
    part_text: str = ""
    procedure: str = ""
    status: str = ""
    status_text: str = ""
    tag_class: str = "tag"
    sent: str = ""
    due: str = ""
    overdue: bool = False
    unread: int = 0
    href: str = ""


def _procedure(name: Mapping[str, str], code: str, t: Translator) -> str:
    return t.pick(name) if name else code


def draft_rows(drafts: Iterable[DraftSummary], t: Translator) -> list[DraftRow]:
    return [
        DraftRow(
            id=d.id,
            procedure=_procedure(d.procedure_name, d.procedure_code, t),
            saved=t.render(Msg(SAVED, {"time": t.format_datetime(d.last_touched_at)})),
            continue_href=f"/{t.locale}/apply/{d.id}",
        )
        for d in drafts
    ]


def application_rows(
    dossiers: Iterable[DossierSummary], t: Translator, unread: Mapping[int, int] | None = None
) -> list[ApplicationRow]:
    unread = unread or {}
    rows = []
    for d in dossiers:
        if d.finished_at is not None:
            due = t.render(Msg(FINISHED_ON, {"date": t.format_date(d.finished_at)}))
        elif d.due_at is not None:
            due = t.render(Msg(DUE_ON, {"date": t.format_date(d.due_at)}))
        else:
            due = ""
        rows.append(
            ApplicationRow(
                code=d.code,
                procedure=_procedure(d.procedure_name, d.procedure_code, t),
                status=d.status.key,
                status_text=t.gettext(d.status.label),
                tag_class=d.status.tag_class,
                sent=t.render(Msg(RECEIVED_ON, {"date": t.format_date(d.sent_at)})) if d.sent_at else "",
                due=due,
                overdue=d.overdue,
                unread=int(unread.get(d.id, 0)),
                href=dossier_href(t.locale, d.code),
                part_text=t.render(
                    Msg(PART_OF, {"position": d.position, "total": d.parts_total, "code": d.umbrella_code})
                )
                if d.position
                else "",
            )
        )
    return rows


@dataclass
class PartRow:
    """One part of a linked application on its umbrella's page (issue 12)."""

    position: int = 0
    code: str = ""
    name: str = ""
    agency: str = ""
    status_text: str = ""
    tag_class: str = "tag"
    due: str = ""
    results: str = ""  # "Birth certificate number: 12/2026"
    href: str = ""


def part_rows(parts: Sequence[PartView], t: Translator) -> list[PartRow]:
    return [
        PartRow(
            position=p.position,
            code=p.code,
            name=t.pick(p.name) if p.name else "",
            agency=t.pick(p.agency) if p.agency else "",
            status_text=t.gettext(facts(p.status).label),
            tag_class=facts(p.status).tag_class,
            due=t.render(Msg(PART_DUE, {"date": t.format_date(p.appointment_at)})) if p.appointment_at else "",
            results="; ".join(f"{t.pick(label)}: {value}" for label, value in p.results),
            href=dossier_href(t.locale, p.code),
        )
        for p in parts
    ]


def chain_stopped(parts: Sequence[PartView], t: Translator) -> str:
    """Why the chain stopped and what to do, when a part was rejected."""
    rejected = next((p for p in parts if p.status == "rejected"), None)
    if rejected is None:
        return ""
    return t.render(
        Msg(
            CHAIN_STOPPED,
            {
                "position": rejected.position,
                "name": t.pick(rejected.name) if rejected.name else "",
                "reason": rejected.rejection_reason or "",
                "agency": t.pick(rejected.agency) if rejected.agency else "",
            },
        )
    )


# --- the dossier page --------------------------------------------------------------------------------------


@dataclass
class TimelineRow:
    key: str = ""
    title: str = ""
    who: str = ""
    when: str = ""
    note: str = ""
    extra: str = ""
    status_text: str = ""
    tag_class: str = "tag"


def timeline_rows(entries: Sequence[TimelineEntry], t: Translator) -> list[TimelineRow]:
    """Newest first."""
    rows = []
    for entry in entries:
        extra = ""
        if entry.new_appointment is not None:
            extra = t.render(Msg(NEW_DATE, {"date": t.format_date(entry.new_appointment)}))
        elif entry.changed_fields:
            extra = t.plural(SUPPLIED_FIELDS, entry.changed_fields)
        elif entry.to_unit is not None:
            extra = t.render(
                Msg(HANDED_OVER, {"from_unit": t.pick(entry.from_unit or {}), "to_unit": t.pick(entry.to_unit)})
            )
        status = facts(entry.to_status) if entry.to_status else None
        rows.append(
            TimelineRow(
                key=str(entry.id),
                title=t.gettext(ACTION_LABELS.get(entry.action, entry.action)),
                who=t.gettext(ROLE_LABELS.get(entry.actor_role, entry.actor_role)),
                when=t.format_datetime(entry.at),
                note=entry.note,
                extra=extra,
                status_text=t.gettext(status.label) if status else "",
                tag_class=status.tag_class if status else "tag",
            )
        )
    rows.reverse()
    return rows


@dataclass
class FileRow:
    id: int = 0
    name: str = ""
    size: str = ""
    slot: str = ""
    href: str = ""
    download_href: str = ""


def file_rows(files: Iterable[FileItem], t: Translator) -> list[FileRow]:
    return [
        FileRow(
            id=f.id,
            name=f.name,
            size=file_size(f.size_bytes, t),
            slot=f.slot,
            href=f"/files/{f.id}",
            download_href=f"/files/{f.id}?download=1",
        )
        for f in files
    ]


@dataclass
class DossierPage:
    """Everything the dossier page shows above its forms (the state copies each field into its var)."""

    dossier_code: str = ""
    title: str = ""
    procedure: str = ""
    receiving_unit: str = ""
    status_key: str = ""
    status_text: str = ""
    status_class: str = "tag"
    sent_at: str = ""
    # When the agency received it: empty until then (never the time it was sent).
    received_at: str = ""
    due: str = ""
    overdue: bool = False
    delayed: bool = False
    first_due: str = ""
    apology: str = ""
    fee: str = ""
    rejection_reason: str = ""
    timeline: list[TimelineRow] = field(default_factory=list)
    files: list[FileRow] = field(default_factory=list)
    results: list[FileRow] = field(default_factory=list)
    receipt_href: str = ""
    can_withdraw: bool = False
    can_rate: bool = False
    rated: bool = False
    rated_score: int = 0
    rated_comment: str = ""
    supplement_open: bool = False
    supplement_online: bool = False
    supplement_message: str = ""
    supplement_asked: str = ""
    # A paper result: where and when to collect it (empty strings when there is none).
    result_pickup: dict[str, str] = field(default_factory=lambda: {"place": "", "hours": ""})
    postal_tracking: str = ""  # issue 13: the result was sent by post with this tracking number
    # A linked application (issue 12): the parts on the umbrella, why it stopped; the umbrella on a part.
    parts: list[PartRow] = field(default_factory=list)
    chain_stopped: str = ""
    umbrella_code: str = ""
    umbrella_href: str = ""


def dossier_page(view: CitizenDossierView, t: Translator) -> DossierPage:
    procedure = _procedure(view.procedure_name, view.procedure_code, t)
    request = view.supplement.request if view.supplement is not None else None
    return DossierPage(
        dossier_code=view.code,
        title=f"{procedure} · {view.code}",
        procedure=procedure,
        receiving_unit=t.pick(view.receiving_unit) if view.receiving_unit else "",
        status_key=view.status.key,
        status_text=t.gettext(view.status.label),
        status_class=view.status.tag_class,
        sent_at=_when(view.sent_at, t),
        received_at=_when(view.received_at, t),
        due=t.format_date(view.due_at) if view.due_at else "",
        overdue=view.overdue,
        delayed=view.delayed,
        first_due=t.render(Msg(FIRST_DUE, {"date": t.format_date(view.first_due_at)})) if view.first_due_at else "",
        apology=view.apology,
        fee=_fee(view.fee_due_vnd, t),
        rejection_reason=view.rejection_reason,
        timeline=timeline_rows(view.timeline, t),
        files=file_rows(view.files, t),
        results=file_rows(view.results, t),
        receipt_href=f"/{t.locale}/receipts/{view.code}",
        can_withdraw=view.can_withdraw,
        can_rate=view.can_rate,
        rated=view.rating is not None,
        rated_score=view.rating.score if view.rating else 0,
        rated_comment=view.rating.comment if view.rating else "",
        supplement_open=request is not None,
        supplement_online=request is not None and request.answerable_online,
        supplement_message=request.message if request else "",
        supplement_asked=t.render(Msg(ASKED_ON, {"date": t.format_date(request.asked_at)}))
        if request and request.asked_at
        else "",
        result_pickup=view.pickup.as_record() if view.pickup else {"place": "", "hours": ""},
        postal_tracking=view.postal_tracking,
        parts=part_rows(view.parts, t),
        chain_stopped=chain_stopped(view.parts, t),
        umbrella_code=view.umbrella_code,
        umbrella_href=dossier_href(t.locale, view.umbrella_code) if view.umbrella_code else "",
    )


# --- the public lookup -------------------------------------------------------------------------------------


@dataclass
class TrackResult:
    code: str = ""
    procedure: str = ""
    unit: str = ""
    status: str = ""
    status_class: str = "tag"
    sent: str = ""
    received: str = ""
    due: str = ""
    overdue: bool = False


def track_result(found: PublicStatus, t: Translator) -> TrackResult:
    status = found.status_facts
    return TrackResult(
        code=found.code,
        procedure=t.pick(found.procedure_name) if found.procedure_name else "",
        unit=t.pick(found.receiving_unit) if found.receiving_unit else "",
        status=t.gettext(status.label),
        status_class=status.tag_class,
        sent=_when(found.sent_at, t),
        received=_when(found.received_at, t),
        due=t.format_date(found.appointment_at) if found.appointment_at else "",
        overdue=found.overdue,
    )


# --- notifications ----------------------------------------------------------------------------------------


@dataclass
class NotificationRow:
    id: int = 0
    headline: str = ""
    procedure: str = ""
    code: str = ""
    when: str = ""
    unread: bool = False
    href: str = ""
    tag_class: str = "tag"


def notification_rows(items: Iterable[NotificationItem], t: Translator) -> list[NotificationRow]:
    return [
        NotificationRow(
            id=item.id,
            headline=t.render(item.headline),
            procedure=t.pick(item.procedure_name) if item.procedure_name else "",
            code=item.code,
            when=t.format_datetime(item.created_at),
            unread=not item.read,
            href=dossier_href(t.locale, item.code),
            tag_class=tag_class(item.status),
        )
        for item in items
    ]


def _fee(fee_vnd: int | None, t: Translator) -> str:
    if fee_vnd is None:
        return t.gettext(FEE_AT_COUNTER)
    return money(fee_vnd, t) if fee_vnd else t.gettext(NO_FEE)
