"""View models of the staff pages: plain dataclasses and the wording that fills them, in the reader's language.

States copy these into their vars; pages draw them. Nothing here decides what anyone may do:
the lists of actions come from the core (``core.dossiers.staff_desk.desk_actions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from typing import Any

from citizen_app.core import admin_units
from citizen_app.core.catalog import get_catalog
from citizen_app.core.catalog.labels import channel_label
from citizen_app.core.dashboard import Dashboard, Group, Indicators
from citizen_app.core.dossiers import status_label
from citizen_app.core.dossiers.staff_queue import QueueRow
from citizen_app.core.forms import FormSchema
from citizen_app.core.forms.conditions import visible_answers
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.states.apply.views import display_lines, file_size

# Lifecycle actions (DossierEvent.action) as the timeline says them.
ACTION_LABELS: Mapping[str, str] = {
    "start": N_("Application started"),
    "migrate_form": N_("Answers moved to the updated form"),
    "submit": N_("Application sent"),
    "receive": N_("Received by the agency"),
    "refuse": N_("Refused at reception"),
    "start_processing": N_("Processing started"),
    "request_supplement": N_("More information requested"),
    "supply": N_("More information supplied"),
    "approve": N_("Approved"),
    "reject": N_("Rejected"),
    "result_ready": N_("Result ready"),
    "return": N_("Result handed over"),
    "withdraw": N_("Withdrawn by the applicant"),
    "delay": N_("Appointment moved, with an apology"),
}
ROLE_LABELS: Mapping[str, str] = {
    "citizen": N_("Applicant"),
    "counter_officer": N_("Counter officer"),
    "supervisor": N_("Supervisor"),
    "system": N_("System"),
}
# What the button that fires a plain step says.
STEP_LABELS: Mapping[str, str] = {
    "received": N_("Receive"),
    "processing": N_("Start processing"),
    "approved": N_("Approve"),
    "rejected": N_("Reject"),
    "result_ready": N_("Mark the result ready"),
    "returned": N_("Mark the result handed over"),
}
DONE_LABELS: Mapping[str, str] = {
    "received": N_("Received. The applicant has been told."),
    "processing": N_("Processing started."),
    "approved": N_("Approved. Attach the result document, then mark the result ready."),
    "rejected": N_("Rejected. The applicant will see your reason."),
    "result_ready": N_("The result is ready. The applicant has been told."),
    "returned": N_("The result has been handed over."),
    "supplement_requested": N_("More information requested. The applicant has been told what to supply."),
    "delay": N_("The new appointment is set and the applicant has been told."),
    "result_file": N_("The result document is attached."),
    "result_file_removed": N_("The file has been removed."),
}
RESULT_DOCUMENT = N_("Result document")
PROVINCE_CENTRE = N_("Province service centre")
NO_VALUE = "—"
PERCENT = N_("{value}%")
DAYS = N_("{value} days")
SCORE = N_("{value} / 5")
ONLINE_SHARE = N_("{share} online")


@dataclass
class Choice:
    value: str = ""
    label: str = ""


@dataclass
class QueueItemView:
    code: str = ""
    href: str = ""
    procedure: str = ""
    applicant: str = ""
    status: str = ""
    status_key: str = ""
    channel: str = ""
    received: str = ""
    appointment: str = ""
    overdue: bool = False


@dataclass
class AnswerRow:
    key: str = ""
    label: str = ""
    lines: list[str] = dc_field(default_factory=list)


@dataclass
class FileView:
    id: int = 0
    name: str = ""
    document: str = ""
    size: str = ""
    stage: str = ""
    is_result: bool = False
    thumbnail_url: str = ""
    file_url: str = ""


@dataclass
class EventView:
    id: int = 0
    when: str = ""
    what: str = ""
    who: str = ""
    note: str = ""


@dataclass
class StepButton:
    target: str = ""
    label: str = ""


@dataclass
class SupplementChoice:
    id: str = ""
    label: str = ""
    kind: str = ""  # field | document


def procedure_name(code: str, fallback: Mapping[str, str] | None, t: Translator) -> str:
    procedure = get_catalog().get(code)
    if procedure is not None:
        return t.pick(procedure.name)
    return t.pick(fallback) if fallback else code


def commune_label(code: str, t: Translator) -> str:
    if not code:
        return t.gettext(PROVINCE_CENTRE)
    return admin_units.commune_name(code) or code


def when(value: datetime | None, t: Translator) -> str:
    return t.format_datetime(value) if value else ""


def day(value: datetime | None, t: Translator) -> str:
    return t.format_date(value) if value else ""


def dossier_href(locale: str, code: str) -> str:
    return f"/{locale}/staff/dossiers/{code}"


def queue_item(row: QueueRow, t: Translator) -> QueueItemView:
    return QueueItemView(
        code=row.code,
        href=dossier_href(t.locale, row.code),
        procedure=procedure_name(row.procedure_code, row.procedure_name, t),
        applicant=row.applicant_name,
        status=t.render(status_label(row.status)),
        status_key=row.status,
        channel=t.render(channel_label(row.channel)),
        received=day(row.received_at, t),
        appointment=when(row.appointment_at, t),
        overdue=row.overdue,
    )


def answer_rows(form: FormSchema | None, answers: Mapping[str, Any], t: Translator) -> list[AnswerRow]:
    """Every shown question with its answer, in form order; questions hidden by conditions are left out."""
    if form is None:
        return [AnswerRow(key=key, label=key, lines=[str(value)]) for key, value in answers.items()]
    _kept, hidden = visible_answers(list(form.fields()), answers)
    return [
        AnswerRow(key=field.id, label=t.pick(field.label), lines=display_lines(field, answers.get(field.id), t))
        for field in form.fields()
        if field.id not in hidden and field.id in answers
    ]


STAGE_LABELS: Mapping[str, str] = {
    "draft": N_("Sent with the application"),
    "supplement": N_("Supplied later"),
    "result": N_("Result"),
}


def file_views(attachments: Iterable[Any], form: FormSchema | None, t: Translator) -> list[FileView]:
    views = []
    for item in attachments:
        slot = form.attachment(item.slot_id) if form is not None else None
        document = t.gettext(RESULT_DOCUMENT) if item.slot_id == "result" else (t.pick(slot.label) if slot else item.slot_id)
        views.append(
            FileView(
                id=item.id,
                name=item.original_name,
                document=document,
                size=file_size(item.size_bytes, t),
                stage=t.gettext(STAGE_LABELS.get(item.stage, item.stage)),
                is_result=item.stage == "result",
                thumbnail_url=f"/files/{item.id}/thumbnail" if item.thumbnail_name else "",
                file_url=f"/files/{item.id}",
            )
        )
    return views


def event_views(events: Iterable[Any], names: Mapping[int, str], t: Translator) -> list[EventView]:
    """Newest first, as a desk reads a history."""
    views = []
    for event in events:
        role = t.gettext(ROLE_LABELS.get(event.actor_role, event.actor_role))
        person = names.get(event.actor_id) if event.actor_id is not None else None
        what = t.gettext(ACTION_LABELS[event.action]) if event.action in ACTION_LABELS else event.action
        if event.action == "delay" and event.details.get("new_appointment"):
            moved = datetime.fromisoformat(event.details["new_appointment"])
            what = f"{what}: {t.format_datetime(moved)}"
        views.append(
            EventView(
                id=event.id,
                when=t.format_datetime(event.at),
                what=what,
                who=f"{person} ({role})" if person else role,
                note=event.note or "",
            )
        )
    return list(reversed(views))


def step_buttons(targets: Sequence[str], t: Translator) -> list[StepButton]:
    """Plain steps drawn as buttons; a rejection has its own form (a reason is required)."""
    return [StepButton(target=x, label=t.gettext(STEP_LABELS.get(x, x))) for x in targets if x != "rejected"]


def supplement_choices(form: FormSchema | None, locked: Iterable[str], t: Translator) -> list[SupplementChoice]:
    """Top-level questions the applicant may be asked to change (not VNeID-verified ones), then documents."""
    if form is None:
        return []
    fixed = set(locked)
    choices = [
        SupplementChoice(id=f.id, label=t.pick(f.label), kind="field") for f in form.fields() if f.id not in fixed
    ]
    choices += [SupplementChoice(id=s.id, label=t.pick(s.label), kind="document") for s in form.attachments]
    return choices


# --- dashboard ----------------------------------------------------------------------------------------


def percent(value: float | None, t: Translator) -> str:
    if value is None:
        return NO_VALUE
    return t.render(Msg(PERCENT, {"value": t.format_number(round(value * 100, 1))}))


def days_text(value: float | None, t: Translator) -> str:
    if value is None:
        return NO_VALUE
    return t.render(Msg(DAYS, {"value": t.format_number(round(value, 1))}))


def score_text(value: float | None, t: Translator) -> str:
    if value is None:
        return NO_VALUE
    return t.render(Msg(SCORE, {"value": t.format_number(round(value, 2))}))


def bar(value: float | None) -> int:
    """Width of a CSS bar in whole percent (a class ``bar-NN`` in steps of 5: no inline styles)."""
    if not value:
        return 0
    return max(5, min(100, round(value * 20) * 5))


@dataclass
class IndicatorRow:
    key: str = ""
    label: str = ""
    received: str = ""
    online: str = ""
    counter: str = ""
    online_share: str = ""
    on_time: str = ""
    resolved: str = ""
    overdue: str = ""
    average_days: str = ""
    satisfaction: str = ""
    mean_score: str = ""
    ratings: str = ""
    # Bar widths (5 % steps) relative to the largest row of the same table.
    received_bar: str = "bar-0"
    online_bar: str = "bar-0"
    on_time_bar: str = "bar-0"


def indicator_row(key: str, label: str, item: Indicators, t: Translator, largest: int) -> IndicatorRow:
    return IndicatorRow(
        key=key,
        label=label,
        received=t.format_number(item.received),
        online=t.format_number(item.received_online),
        counter=t.format_number(item.received_counter),
        online_share=percent(item.online_share, t),
        on_time=percent(item.on_time_rate, t),
        resolved=t.format_number(item.resolved),
        overdue=t.format_number(item.overdue_now),
        average_days=days_text(item.average_processing_days, t),
        satisfaction=percent(item.satisfaction_rate, t),
        mean_score=score_text(item.mean_score, t),
        ratings=t.format_number(item.ratings),
        received_bar=f"bar-{bar(item.received / largest) if largest else 0}",
        online_bar=f"bar-{bar(item.received_online / largest) if largest else 0}",
        on_time_bar=f"bar-{bar(item.on_time_rate)}",
    )


def bucket_label(key: str, granularity: str, t: Translator) -> str:
    start = datetime.fromisoformat(key)
    if granularity == "month":
        return f"{start:%m/%Y}"
    return t.format_date(start.date())


def dashboard_rows(board: Dashboard, t: Translator) -> tuple[list[IndicatorRow], list[IndicatorRow], list[IndicatorRow]]:
    def table(groups: list[Group], label: Any) -> list[IndicatorRow]:
        largest = max((g.indicators.received for g in groups), default=0)
        return [indicator_row(g.key or "centre", label(g.key), g.indicators, t, largest) for g in groups]

    names = {g.key: g for g in board.by_procedure}
    by_procedure = table(board.by_procedure, lambda code: procedure_name(code, None, t) if code in names else code)
    by_commune = table(board.by_commune, lambda code: commune_label(code, t))
    over_time = table(board.over_time, lambda key: bucket_label(key, board.granularity, t))
    return by_procedure, by_commune, over_time
