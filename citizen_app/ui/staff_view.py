"""View models of the staff pages: plain dataclasses and the wording that fills them, in the reader's language.

Plain Python (no Reflex), unit-tested like ``ui/catalog_view.py``. States copy these into their vars; pages draw them. Nothing here decides what anyone may do: the
actions come from the core's read model (``core.dossiers.staff_desk.desk_view``) and their wording
from their declarations (``core.dossiers.actions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, timedelta
from typing import Any

from citizen_app.core import admin_units
from citizen_app.core.catalog import get_catalog
from citizen_app.core.catalog.labels import channel_label
from citizen_app.core.dashboard import Dashboard, Group, Indicators
from citizen_app.core.documents.kinds import kind_of
from citizen_app.core.dossiers.actions import audit_wording, event_wording
from citizen_app.core.dossiers.results import ELECTRONIC
from citizen_app.core.dossiers.routing import ROUTE, UnitChoice, hand_over_of
from citizen_app.core.dossiers.staff_desk import DeskEvent, DeskFile, DeskView
from citizen_app.core.dossiers.staff_queue import QueueRow
from citizen_app.core.fees import FeeBreakdown
from citizen_app.core.forms import FormSchema
from citizen_app.core.forms.conditions import visible_answers
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.core.payments.ledger import COUNTER_METHODS
from citizen_app.core.staff_audit import AuditRow
from citizen_app.core.statuses import status_label, tag_class
from citizen_app.ui.apply_view import display_lines, file_size
from citizen_app.ui.fee_view import PAYMENT_STATUS, fee_lines, payment_method_text, payment_status_text

ROLE_LABELS: Mapping[str, str] = {
    "citizen": N_("Applicant"),
    "counter_officer": N_("Counter officer"),
    "supervisor": N_("Supervisor"),
    "system": N_("System"),
}
RESULT_DOCUMENT = N_("Result document")
DELAYED_FROM = N_("first set for {date}")
PICKUP_TEXT = N_("Paper result: collect it at {place}, {hours}")
PROVINCE_CENTRE = N_("Province service centre")
NO_VALUE = "—"
PERCENT = N_("{value}%")
DAYS = N_("{value} days")
SCORE = N_("{value} / 5")
COUNTER_PAID = N_("{method}, {amount}, receipt number {number}")


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
    status_class: str = "tag"
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
    origin: str = ""  # issue 13: "From the applicant's documents: …" when it came from her store


@dataclass
class EventView:
    id: int = 0
    when: str = ""
    what: str = ""
    who: str = ""
    note: str = ""


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
        status_class=tag_class(row.status),
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


def file_views(files: Iterable[DeskFile], form: FormSchema | None, t: Translator) -> list[FileView]:
    views = []
    for item in files:
        slot = form.attachment(item.slot_id) if form is not None else None
        document = t.gettext(RESULT_DOCUMENT) if item.stage == "result" else (t.pick(slot.label) if slot else item.slot_id)
        if slot is None and item.stage != "result" and item.from_store:
            # Handed on by an earlier part of a linked application (issue 12): named by its kind.
            document = t.pick(kind_of(str(item.from_store.get("kind") or "other")).name)
        views.append(
            FileView(
                id=item.id,
                name=item.name,
                document=document,
                size=file_size(item.size_bytes, t),
                stage=t.gettext(STAGE_LABELS.get(item.stage, item.stage)),
                is_result=item.stage == "result",
                thumbnail_url=f"/files/{item.id}/thumbnail" if item.has_thumbnail else "",
                file_url=f"/files/{item.id}",
                origin=store_origin(item.from_store, t),
            )
        )
    return views


SIGNATURE_WORDS: Mapping[str, str] = {
    "genuine": N_("signature valid"),
    "unsigned": N_("not signed"),
    "revoked": N_("revoked by the issuer"),
}


def store_origin(snapshot: Mapping[str, Any] | None, t: Translator) -> str:
    """Issue 13: where a file taken from the citizen's store came from, and its signature status."""
    if not snapshot:
        return ""
    kind = kind_of(str(snapshot.get("kind") or "other"))
    issuer = t.pick(snapshot.get("issuer") or {}) or t.gettext("the applicant")
    verdict = str(snapshot.get("signature") or "unsigned")
    signature = t.gettext(SIGNATURE_WORDS.get(verdict, N_("signature not valid")))
    issued = str(snapshot.get("issued_on") or "")
    return t.gettext("From the applicant's documents: {kind}, issued by {issuer} on {date}; {signature}").format(
        kind=t.pick(kind.name), issuer=issuer, date=issued, signature=signature
    )


def event_views(events: Iterable[DeskEvent], t: Translator) -> list[EventView]:
    """Newest first, as a desk reads a history; each event in its declared staff wording."""
    views = []
    for event in events:
        role = t.gettext(ROLE_LABELS.get(event.actor_role, event.actor_role))
        wording = event_wording(event.action, "staff")
        what = t.gettext(wording) if wording else event.action
        note = event.note
        if event.action == "delay" and event.details.get("new_appointment"):
            moved = datetime.fromisoformat(event.details["new_appointment"])
            what = f"{what}: {t.format_datetime(moved)}"
        handed = hand_over_of(event.details) if event.action == ROUTE else None
        if handed is not None:
            what = t.render(Msg(HANDED_OVER, {
                "what": what, "from_unit": t.pick(handed.from_unit), "to_unit": t.pick(handed.to_unit),
            }))
        pickup = event.details.get("pickup")
        if event.action == "pay" and event.details.get("counter_receipt"):
            note = counter_paid_note(event.details, t)
        if isinstance(pickup, Mapping):
            note = t.render(Msg(PICKUP_TEXT, {"place": pickup.get("place", ""), "hours": pickup.get("hours", "")}))
        views.append(
            EventView(
                id=event.id,
                when=t.format_datetime(event.at),
                what=what,
                who=f"{event.actor_name} ({role})" if event.actor_name else role,
                note=note,
            )
        )
    return list(reversed(views))


def counter_paid_note(details: Mapping[str, Any], t: Translator) -> str:
    """A fee paid at the counter, in the history: how, how much, and the paper receipt's number."""
    return t.render(
        Msg(
            COUNTER_PAID,
            {
                "method": payment_method_text(str(details.get("provider") or ""), t),
                "amount": t.format_money(int(details.get("amount_vnd") or 0)),
                "number": str(details.get("counter_receipt") or ""),
            },
        )
    )


def counter_methods(t: Translator) -> list[Choice]:
    """How a fee is paid at the counter, for the officer to pick (the first is preselected)."""
    return [Choice(value=method, label=payment_method_text(method, t)) for method in COUNTER_METHODS]


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


@dataclass
class DeskPage:
    """Everything the workspace of one dossier shows, as text (``pages/staff/dossier.py``)."""

    code: str = ""
    procedure: str = ""
    status: str = ""  # the status key: what every action sends back as the status the page showed
    status_text: str = ""
    status_class: str = "tag"
    overdue: bool = False
    channel: str = ""
    sent: str = ""
    appointment: str = ""
    appointment_provisional: bool = False
    delayed_from: str = ""
    receiving_unit: str = ""
    fee: str = ""
    # Issue 11: the fee's lines ("Copy …: 2 × 8.000 đ = 16.000 đ") and where its payment stands.
    fee_detail: str = ""
    payment: str = ""
    # The fee may be recorded as paid at the counter now: the amount due (sent back with the form, so a
    # fee changed meanwhile is refused) and the methods to pick from.
    counter_payment: bool = False
    fee_due_vnd: int = 0
    counter_methods: list[Choice] = dc_field(default_factory=list)
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""
    applicant_pid: str = ""
    rejection_reason: str = ""
    supplement_message: str = ""
    supplement_items: list[str] = dc_field(default_factory=list)
    answers: list[AnswerRow] = dc_field(default_factory=list)
    files: list[FileView] = dc_field(default_factory=list)
    events: list[EventView] = dc_field(default_factory=list)
    # The keys of the declared actions this officer may take now (``core.dossiers.actions``).
    actions: list[str] = dc_field(default_factory=list)
    supplement_choices: list[SupplementChoice] = dc_field(default_factory=list)
    result_file: bool = False
    has_result_document: bool = False
    # No result document and the applicant chose electronic delivery: the result cannot be ready yet.
    electronic_only: bool = False
    pickup_place: str = ""
    pickup_hours: str = ""
    receipt_href: str = ""
    # A part of a linked application (issue 12): its place, what earlier parts handed on; and where a
    # registry contradicted the verified identity (the identity was kept).
    chain_lines: list[str] = dc_field(default_factory=list)
    conflicts: list[str] = dc_field(default_factory=list)
    # Reception without boundaries (issue 12): who handles it when another unit received it, and the
    # units of the province this desk may send it to.
    handled_by: str = ""
    route_choices: list[Choice] = dc_field(default_factory=list)
    # A part of a linked application: the documents the citizen attached once for every part (read only).
    shared_files: list[FileView] = dc_field(default_factory=list)


HANDED_OVER = N_("{what}: from {from_unit} to {to_unit}")
SHARED_ORIGIN = N_("Attached once by the applicant to the linked application {code}, for all its parts (read only).")
PART_OF = N_("Part {position} of {total} of the linked application {code}. Only this part is yours to handle.")
HANDED_ON = N_("From the previous part: {label} {value}")
CONFLICT = N_("{source} holds {attribute} “{registry}”, but the verified identity says “{identity}”. The verified identity was kept: check it.")
CONFLICT_SOURCES = {
    "population": N_("The population registry"),
    "civil_status": N_("The civil-status registry"),
    "social_insurance": N_("The social-insurance registry"),
}
CONFLICT_ATTRIBUTES = {
    "full_name": N_("the name"),
    "date_of_birth": N_("the date of birth"),
    "permanent_address": N_("the permanent address"),
}


def chain_lines(view: DeskView, t: Translator) -> list[str]:
    if view.chain is None:
        return []
    position, total, code = view.chain
    lines = [t.render(Msg(PART_OF, {"position": position, "total": total, "code": code}))]
    lines += [t.render(Msg(HANDED_ON, {"label": t.pick(label), "value": value})) for label, value in view.handed_on]
    return lines


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(str(value.get(k) or "") for k in ("street", "commune_code", "province_code") if value.get(k))
    return str(value)


def conflict_lines(view: DeskView, t: Translator) -> list[str]:
    lines = []
    for item in view.conflicts:
        source = CONFLICT_SOURCES.get(str(item.get("source")))
        attribute = CONFLICT_ATTRIBUTES.get(str(item.get("attribute")))
        lines.append(
            t.render(
                Msg(
                    CONFLICT,
                    {
                        "source": t.gettext(source) if source else str(item.get("source")),
                        "attribute": t.gettext(attribute) if attribute else str(item.get("attribute")),
                        "registry": _shown(item.get("registry")),
                        "identity": _shown(item.get("identity")),
                    },
                )
            )
        )
    return lines


def requested_items(form: FormSchema | None, request: Mapping[str, Any], t: Translator) -> list[str]:
    """What an open supplement request asks for, by the form's labels."""
    items = []
    for field_id in request.get("fields", []):
        field = form.field(field_id) if form else None
        items.append(t.pick(field.label) if field else field_id)
    for slot_id in request.get("attachments", []):
        slot = form.attachment(slot_id) if form else None
        items.append(t.pick(slot.label) if slot else slot_id)
    return items


def payment_summary(payments: Sequence[tuple[str, str, str | None]], status: str, t: Translator) -> str:
    """Where the fee's payment stands: the last payment's method and status (and its receipt number)."""
    if not payments:
        return t.gettext(PAYMENT_STATUS["pending"]) if status == "awaiting_payment" else ""
    paid = [p for p in payments if p[1] == "paid"]
    provider, state, number = paid[0] if paid else payments[-1]
    text = f"{payment_status_text(state, t)} · {payment_method_text(provider, t)}"
    return f"{text} · {number}" if number else text


def desk_page(view: DeskView, t: Translator) -> DeskPage:
    person = view.applicant
    receiving_unit = t.pick(view.receiving_unit) if view.receiving_unit else ""
    return DeskPage(
        code=view.code,
        procedure=procedure_name(view.procedure_code, view.procedure_name, t),
        status=view.status,
        status_text=t.render(status_label(view.status)),
        status_class=tag_class(view.status),
        overdue=view.overdue,
        channel=t.render(channel_label(view.channel)),
        sent=when(view.received_at, t),
        appointment=when(view.appointment_at, t),
        appointment_provisional=view.appointment_provisional,
        delayed_from=t.render(Msg(DELAYED_FROM, {"date": day(view.delayed_from, t)})) if view.delayed_from else "",
        receiving_unit=receiving_unit,
        fee=t.format_money(view.fee_due_vnd) if view.fee_due_vnd else "",
        fee_detail="; ".join(f"{line.label}: {line.amount}" for line in fee_lines(
            FeeBreakdown.from_json(view.fee_breakdown), t)),
        payment=payment_summary(view.payments, view.status, t),
        counter_payment=view.counter_payment,
        fee_due_vnd=int(view.fee_due_vnd or 0),
        counter_methods=counter_methods(t) if view.counter_payment else [],
        applicant_name=person.full_name,
        applicant_phone=person.phone,
        applicant_email=person.email,
        applicant_address=person.address,
        applicant_pid=person.personal_id,
        rejection_reason=view.rejection_reason,
        supplement_message=str(view.supplement_request.get("message") or ""),
        supplement_items=requested_items(view.form, view.supplement_request, t),
        answers=answer_rows(view.form, view.answers, t),
        files=file_views(view.files, view.form, t),
        events=event_views(view.events, t),
        actions=[action.key for action in view.actions],
        supplement_choices=supplement_choices(view.form, view.locked, t),
        result_file=view.result_file,
        has_result_document=view.has_result_document,
        electronic_only=view.delivery == ELECTRONIC and not view.has_result_document,
        # The receiving unit is where most paper results are collected: offered, for the desk to correct.
        pickup_place=view.pickup.place if view.pickup else receiving_unit,
        pickup_hours=view.pickup.hours if view.pickup else "",
        receipt_href=f"/{t.locale}/receipts/{view.code}" if view.code else "",
        chain_lines=chain_lines(view, t),
        conflicts=conflict_lines(view, t),
        handled_by=t.pick(view.competent_unit) if view.competent_unit else "",
        route_choices=route_choices(view.route_targets, t),
        shared_files=shared_file_views(view, t),
    )


def shared_file_views(view: DeskView, t: Translator) -> list[FileView]:
    """The umbrella's files as a part's officers see them: where each came from, never removable."""
    if view.chain is None:
        return []
    shared = t.render(Msg(SHARED_ORIGIN, {"code": view.chain[2]}))
    views = file_views(view.shared_files, view.form, t)
    for item in views:
        item.origin = f"{shared} {item.origin}".strip()
        item.is_result = False
    return views


def route_choices(targets: Iterable[UnitChoice], t: Translator) -> list[Choice]:
    """The units the desk may send the application to, by name in the reader's language."""
    return sorted((Choice(unit.code, t.pick(unit.name)) for unit in targets), key=lambda c: c.label)


# --- audit log ---------------------------------------------------------------------------------------

OUTCOME_LABELS = {"ok": N_("Done"), "denied": N_("Refused"), "failed": N_("Failed")}
# The human name of the commonest actions; the staff actions' own come from their declarations
# (``core.dossiers.actions``); anything else is shown as recorded.
AUDIT_ACTIONS = {
    "staff.dossier.open": N_("Opened an application (code or QR)"),
    "staff.dossier.view": N_("Viewed an application"),
    "staff.assist.find": N_("Looked a citizen up by ID number"),
    "staff.page": N_("Opened a staff page"),
    "dossier.submit": N_("Submitted for a citizen"),
    "dossier.start": N_("Started an application for a citizen"),
    "attachment.add": N_("Added a file"),
    "attachment.remove": N_("Removed a file"),
}


def action_name(action: str, t: Translator) -> str:
    wording = AUDIT_ACTIONS.get(action) or audit_wording(action)
    return t.gettext(wording) if wording else action


@dataclass
class AuditEntryView:
    id: int = 0
    when: str = ""
    who: str = ""
    role: str = ""
    action: str = ""
    target: str = ""
    outcome: str = ""
    outcome_key: str = ""
    detail: str = ""


def audit_detail(details: Mapping[str, Any]) -> str:
    """A short, safe summary of the recorded details (codes, statuses, reasons; no personal data is stored)."""
    parts = []
    for key in ("code", "from", "to", "method", "reason", "required", "slot", "stage"):
        value = details.get(key)
        if value not in (None, "", [], {}):
            parts.append(f"{key}: {value}")
    return ", ".join(parts)


def entry_view(row: AuditRow, t: Translator) -> AuditEntryView:
    return AuditEntryView(
        id=row.id,
        when=t.format_datetime(row.at),
        who=row.actor_name or str(row.actor_id or ""),
        role=t.gettext(ROLE_LABELS.get(row.actor_role, row.actor_role)) if row.actor_role else "",
        action=action_name(row.action, t),
        target=f"{row.target_type} {row.target_id}".strip(),
        outcome=t.gettext(OUTCOME_LABELS.get(row.outcome, row.outcome)),
        outcome_key=row.outcome,
        detail=audit_detail(row.details),
    )


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


PERIOD_TEXT = N_("{start} to {end}")
RECEIVED_SPLIT = N_("{online} online, {counter} at the counter")
RATED = N_("{count} ratings, mean {mean}")
RESOLVED = N_("of {count} resolved")
AREA_COMMUNE = N_("{commune}, {province}")


@dataclass
class DashboardTiles:
    """The headline figures of the dashboard and what they cover, as text."""

    area: str = ""
    period_text: str = ""
    received: str = ""
    received_split: str = ""
    online_share: str = ""
    on_time: str = ""
    on_time_note: str = ""
    overdue: str = ""
    average_days: str = ""
    satisfaction: str = ""
    satisfaction_note: str = ""


def area_text(board: Dashboard, t: Translator) -> str:
    province = admin_units.province_name(board.scope.province_code) or board.scope.province_code
    if not board.scope.commune_code:
        return province
    commune = admin_units.commune_name(board.scope.commune_code) or board.scope.commune_code
    return t.render(Msg(AREA_COMMUNE, {"commune": commune, "province": province}))


def dashboard_tiles(board: Dashboard, t: Translator) -> DashboardTiles:
    o = board.overall
    last_day = board.end - timedelta(seconds=1)
    return DashboardTiles(
        area=area_text(board, t),
        period_text=t.render(Msg(PERIOD_TEXT, {"start": t.format_date(board.start), "end": t.format_date(last_day)})),
        received=t.format_number(o.received),
        received_split=t.render(Msg(RECEIVED_SPLIT, {"online": t.format_number(o.received_online),
                                                     "counter": t.format_number(o.received_counter)})),
        online_share=percent(o.online_share, t),
        on_time=percent(o.on_time_rate, t),
        on_time_note=t.render(Msg(RESOLVED, {"count": t.format_number(o.resolved)})),
        overdue=t.format_number(o.overdue_now),
        average_days=days_text(o.average_processing_days, t),
        satisfaction=percent(o.satisfaction_rate, t),
        satisfaction_note=t.render(Msg(RATED, {"count": t.format_number(o.ratings),
                                               "mean": score_text(o.mean_score, t)})),
    )


def dashboard_rows(board: Dashboard, t: Translator) -> tuple[list[IndicatorRow], list[IndicatorRow], list[IndicatorRow]]:
    def table(groups: list[Group], label: Any) -> list[IndicatorRow]:
        largest = max((g.indicators.received for g in groups), default=0)
        return [indicator_row(g.key or "centre", label(g.key), g.indicators, t, largest) for g in groups]

    names = {g.key: g for g in board.by_procedure}
    by_procedure = table(board.by_procedure, lambda code: procedure_name(code, None, t) if code in names else code)
    by_commune = table(board.by_commune, lambda code: commune_label(code, t))
    over_time = table(board.over_time, lambda key: bucket_label(key, board.granularity, t))
    return by_procedure, by_commune, over_time
