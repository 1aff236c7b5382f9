"""View models of the tracking screens: plain Python, so the wording is unit-tested without a browser.

The states copy these into their vars; every text here is already in the reader's language.
What a dossier may do (withdraw, answer, rate) is decided by the core; this module only
shapes what the core returns for a phone screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from citizen_app.core.dossiers import is_overdue, status_label
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.core.notifications import NotificationItem
from citizen_app.core.statuses import RESULT_VISIBLE, tag_class
from citizen_app.db.models.dossiers import Dossier, DossierAttachment, DossierEvent
from citizen_app.states.apply.views import file_size

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
SUPPLIED_FIELDS = N_("{count} answers changed")


def code_from_path(path: str) -> str:
    """``/vi/applications/000.00.01.H26-261116-0001`` → the code as typed in the URL (the core parses it)."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    if len(parts) != 3 or parts[1] != "applications":
        return ""
    return unquote(parts[2])[:64]


def dossier_href(locale: str, code: str) -> str:
    return f"/{locale}/applications/{code}"


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
    procedure: str = ""
    status: str = ""
    status_text: str = ""
    tag_class: str = "tag"
    sent: str = ""
    due: str = ""
    overdue: bool = False
    unread: int = 0
    href: str = ""


def draft_rows(drafts: Iterable[Dossier], t: Translator) -> list[DraftRow]:
    return [
        DraftRow(
            id=d.id,
            procedure=t.pick(d.procedure_name) if d.procedure_name else d.procedure_code,
            saved=t.render(Msg(SAVED, {"time": t.format_datetime(d.last_touched_at)})),
            continue_href=f"/{t.locale}/apply/{d.id}",
        )
        for d in drafts
    ]


def application_rows(
    dossiers: Iterable[Dossier], t: Translator, now: datetime, unread: Mapping[int, int] | None = None
) -> list[ApplicationRow]:
    unread = unread or {}
    rows = []
    for d in dossiers:
        code = d.code or ""
        if d.finished_at is not None:
            due = t.render(Msg(FINISHED_ON, {"date": t.format_date(d.finished_at)}))
        elif d.appointment_at is not None:
            due = t.render(Msg(DUE_ON, {"date": t.format_date(d.appointment_at)}))
        else:
            due = ""
        rows.append(
            ApplicationRow(
                code=code,
                procedure=t.pick(d.procedure_name) if d.procedure_name else d.procedure_code,
                status=d.status,
                status_text=t.render(status_label(d.status)),
                tag_class=tag_class(d.status),
                sent=t.render(Msg(RECEIVED_ON, {"date": t.format_date(d.received_at)})) if d.received_at else "",
                due=due,
                overdue=is_overdue(d, now),
                unread=int(unread.get(d.id, 0)),
                href=dossier_href(t.locale, code),
            )
        )
    return rows


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


def timeline_rows(events: Sequence[DossierEvent], t: Translator) -> list[TimelineRow]:
    """Newest first, from the submission on (drafting steps are the citizen's own business)."""
    rows = []
    for event in events:
        if event.to_status in (None, "draft") and event.action != "delay":
            continue
        details: Mapping[str, Any] = event.details or {}
        extra = ""
        if event.action == "delay" and details.get("new_appointment"):
            extra = t.render(
                Msg(NEW_DATE, {"date": t.format_date(datetime.fromisoformat(details["new_appointment"]))})
            )
        elif event.action == "supply" and details.get("changed_fields"):
            extra = t.render(Msg(SUPPLIED_FIELDS, {"count": len(details["changed_fields"])}))
        rows.append(
            TimelineRow(
                key=str(event.id),
                title=t.gettext(ACTION_LABELS.get(event.action, event.action)),
                who=t.gettext(ROLE_LABELS.get(event.actor_role, event.actor_role)),
                when=t.format_datetime(event.at),
                note=event.note or "",
                extra=extra,
                status_text=t.render(status_label(event.to_status)) if event.to_status else "",
                tag_class=tag_class(event.to_status or ""),
            )
        )
    rows.reverse()
    return rows


def latest_apology(events: Sequence[DossierEvent]) -> str:
    """The note of the last delay: the official apology ("phiếu xin lỗi và hẹn lại ngày trả kết quả")."""
    for event in reversed(events):
        if event.action == "delay":
            return event.note or ""
    return ""


@dataclass
class FileRow:
    id: int = 0
    name: str = ""
    size: str = ""
    slot: str = ""
    href: str = ""
    download_href: str = ""


def file_rows(attachments: Iterable[DossierAttachment], t: Translator) -> list[FileRow]:
    return [
        FileRow(
            id=a.id,
            name=a.original_name,
            size=file_size(a.size_bytes, t),
            slot=a.slot_id,
            href=f"/files/{a.id}",
            download_href=f"/files/{a.id}?download=1",
        )
        for a in attachments
    ]


def split_files(
    attachments: Iterable[DossierAttachment], status: str
) -> tuple[list[DossierAttachment], list[DossierAttachment]]:
    """(what the citizen sent, the result document when it is theirs to download)."""
    sent: list[DossierAttachment] = []
    result: list[DossierAttachment] = []
    for item in attachments:
        if item.stage == "result":
            if status in RESULT_VISIBLE:
                result.append(item)
        else:
            sent.append(item)
    return sent, result


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
