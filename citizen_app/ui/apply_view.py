"""View models of the apply-online screens: plain Python (no Reflex), so the wording is unit-tested.

The states copy these objects into their vars; ``ui/form_fields.py`` draws them. Every text
here is already in the reader's language. Rules (the pages of the flow, which answers a page
may post, what is valid, what is locked, what the fee is) are the core's
(``core.forms.flow``, ``core.forms``, ``core.dossiers``); this module only shapes what the
core says for a phone screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any, TypedDict

from citizen_app.core import admin_units
from citizen_app.core.dossiers.citizen_view import FileItem
from citizen_app.core.forms import Field, FormSchema, Step, parse_date, render_message
from citizen_app.core.forms.conditions import visible_answers
from citizen_app.core.forms.flow import (
    CHECK,
    DOCUMENTS,
    ErrorPlace,
    error_name,
    error_place,
    filled,
    rendered_positions,
    step_position,
    text_of,
    ticked,
)
from citizen_app.core.forms.validation import DEFAULT_MAX_LENGTH
from citizen_app.core.i18n import N_, NP_, Msg, Translator
from citizen_app.ui.catalog_view import money

STEP_PROGRESS = N_("Step {number} of {total}")
FEE_DUE = N_("Fee: {amount}. The agency will tell you how to pay. Your application is processed once it is paid.")
FEE_NONE = N_("There is no fee for this application.")
FEE_PAY_ONLINE = N_(
    "Fee: {amount}. You pay it online right after sending, by card, e-wallet or bank transfer. "
    "Your application is processed once it is paid."
)
FEE_SET_BY_AGENCY = N_(
    "The agency tells you the fee, if there is one, when it receives your application. You pay it at the counter."
)
WHAT_NEXT = N_(
    "{unit} will check your application. We will tell you when its status changes. "
    "Your result is due on {date}."
)
LIMITS = N_("A photo or a scan of each document: PDF, JPEG or PNG, up to {file} MB each and {total} MB in all.")
# What a citizen may not know how to fix here: take them back to the step the problem is on.
GO_TO_STEP = N_("{message} (step: {step})")
REUSABLE_LABELS = {
    "contact.phone": N_("Mobile phone number"),
    "contact.email": N_("Email address"),
    "contact.current_address": N_("Current address"),
}
OPTIONAL = N_("(optional)")
ITEM_TITLE = N_("{label}: entry {number}")
YES = N_("Yes")
NO = N_("No")
NOT_ANSWERED = N_("Not answered")
NO_ENTRIES = N_("None")
MAX_FILES = NP_("Up to {count} file", "Up to {count} files")
SIZE_KB = N_("{size} KB")
SIZE_MB = N_("{size} MB")


# --- addresses of the flow ----------------------------------------------------------------------------


def start_href(locale: str, code: str) -> str:
    if code.startswith("group:"):  # a linked group (issue 12) starts on its life-event page
        return f"/{locale}/life-events/{code.removeprefix('group:')}"
    return f"/{locale}/services/{code}/apply"


def flow_href(locale: str, draft_id: int, page: str = "") -> str:
    base = f"/{locale}/apply/{draft_id}"
    return f"{base}/{page}" if page else base


@dataclass(frozen=True)
class FlowLocation:
    """Where in the flow a URL points: ``/vi/apply/12/applicant`` → draft 12, page ``applicant``."""

    draft_id: int | None
    page: str = ""


def parse_flow_path(path: str) -> FlowLocation:
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    if len(parts) < 3 or parts[1] != "apply" or not parts[2].isdigit() or len(parts[2]) > 12:
        return FlowLocation(None)
    return FlowLocation(int(parts[2]), parts[3] if len(parts) > 3 else "")


def code_from_start_path(path: str) -> str:
    """``/vi/services/1.004222/apply`` → ``1.004222``."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    return parts[2] if len(parts) >= 4 and parts[1] == "services" and parts[3] == "apply" else ""


def progress_text(form: FormSchema, page: str, t: Translator) -> str:
    """"Step 2 of 4", counted over the pages with questions (the steps and the documents)."""
    position = step_position(form, page)
    if position is None:
        return ""
    return t.render(Msg(STEP_PROGRESS, {"number": position[0], "total": position[1]}))


# --- questions ------------------------------------------------------------------------------------------


@dataclass
class OptionView:
    value: str = ""
    label: str = ""


@dataclass
class ControlView:
    """One question as the page draws it (a top-level field, or one field of a group entry).

    ``name`` is the answer path the form posts it under (``phone``, ``new_address.street``,
    ``members.0.member_full_name``); ``control_id`` its HTML id (error links point at it).
    ``key`` changes when the server wants the browser to show its values again (the inputs
    are uncontrolled, so typing never waits for the network).
    """

    id: str = ""
    name: str = ""
    control_id: str = ""
    key: str = ""
    type: str = "text"
    label: str = ""
    hint: str = ""
    required: bool = False
    visible: bool = True
    value: str = ""
    checked: bool = False
    options: list[OptionView] = dc_field(default_factory=list)
    input_type: str = "text"
    input_mode: str = "text"
    autocomplete: str = "off"
    max_length: int = 255
    min: str = ""
    max: str = ""
    locked: bool = False
    provenance: str = ""  # verified (locked) | profile | source (another prefill source) | ""
    provenance_label: str = ""  # "Verified by VNeID", "From your profile", …
    error: str = ""
    described_by: str = ""
    # address: province → commune → street
    province: str = ""
    commune: str = ""
    street: str = ""
    # The commune picker starts again (emptied, new choices) when the province changes.
    commune_key: str = ""
    communes: list[OptionView] = dc_field(default_factory=list)
    province_error: str = ""
    commune_error: str = ""
    street_error: str = ""


@dataclass
class GroupItemView:
    key: str = ""
    index: int = 0
    title: str = ""
    fields: list[ControlView] = dc_field(default_factory=list)
    remove_intent: str = ""
    control_id: str = ""


@dataclass
class FieldView(ControlView):
    """A top-level question; a repeating group carries its entries and the add button's intent."""

    group_entries: list[GroupItemView] = dc_field(default_factory=list)
    can_add: bool = False
    add_intent: str = ""
    count_name: str = ""


def control_id(path: str) -> str:
    """An HTML id for an answer path: ``members.0.name`` → ``f-members-0-name``."""
    return "f-" + re.sub(r"[^a-z0-9_]+", "-", path.lower()).strip("-")


def error_anchor(name: str) -> str:
    """The id an error summary link points at."""
    if name.startswith("attachments."):
        return "slot-" + name.split(".", 1)[1]
    return control_id(name)


def error_texts(errors: Mapping[str, Msg], answers: Mapping[str, Any], t: Translator) -> dict[str, str]:
    """The server's errors by answer path, in the reader's language (first message per control)."""
    positions = rendered_positions(answers)
    texts: dict[str, str] = {}
    for path, message in errors.items():
        texts.setdefault(error_name(path, positions), render_message(t, message))
    return texts


def _label(field: Field, t: Translator) -> str:
    text = t.pick(field.label)
    if not field.required and field.type not in ("checkbox", "group"):
        text = f"{text} {t.gettext(OPTIONAL)}"
    return text


def _input_hints(field: Field, today: date) -> dict[str, Any]:
    rules = field.validation
    hints: dict[str, Any] = {"input_type": "text", "input_mode": "text", "autocomplete": "off"}
    if field.type == "phone":
        hints.update(input_type="tel", input_mode="tel", autocomplete="tel", max_length=20)
    elif field.type == "email":
        hints.update(input_type="email", input_mode="email", autocomplete="email", max_length=254)
    elif field.type == "personal_id":
        # Twelve digits, typed with or without spaces: a numeric keyboard, not a number spinner.
        hints.update(input_mode="numeric", max_length=15)
    elif field.type == "number":
        hints.update(input_mode="decimal", max_length=22)
        hints["min"] = "" if rules.min is None else str(rules.min)
        hints["max"] = "" if rules.max is None else str(rules.max)
    elif field.type == "date":
        hints.update(input_type="date", max_length=10)
        low = [d for d in (rules.not_before, today if rules.not_past else None) if d]
        high = [d for d in (rules.not_after, today if rules.not_future else None) if d]
        hints["min"] = max(low).isoformat() if low else ""
        hints["max"] = min(high).isoformat() if high else ""
    elif field.type in ("text", "textarea"):
        limit = rules.max_length if rules.max_length is not None else DEFAULT_MAX_LENGTH[field.type]
        hints.update(max_length=limit)
        if field.prefill == "identity.full_name":
            hints.update(autocomplete="name")
    return hints


def commune_options(province_code: str) -> list[OptionView]:
    return [OptionView(value=c.code, label=c.name) for c in admin_units.communes(province_code)]


def _control(
    field: Field,
    path: str,
    value: Any,
    *,
    t: Translator,
    today: date,
    generation: int,
    visible: bool,
    errors: Mapping[str, str],
    provenance: str = "",
    locked: bool = False,
    provenance_label: str = "",
) -> ControlView:
    cid = control_id(path)
    view = ControlView(
        id=field.id,
        name=path,
        control_id=cid,
        key=f"{generation}-{cid}",
        type=field.type,
        label=_label(field, t),
        hint=t.pick(field.hint) if field.hint else "",
        required=field.required,
        visible=visible,
        locked=locked,
        provenance=_badge_kind(provenance, locked),
        provenance_label=provenance_label if provenance else "",
        options=[OptionView(value=o.value, label=t.pick(o.label)) for o in field.options],
        error=errors.get(path, ""),
        **_input_hints(field, today),
    )
    if field.type == "checkbox":
        view.checked = ticked(value)
    elif field.type == "address":
        parts = value if isinstance(value, Mapping) else {}
        view.province = text_of(parts.get("province_code"))
        view.commune = text_of(parts.get("commune_code"))
        view.street = text_of(parts.get("street"))
        view.communes = commune_options(view.province)
        view.province_error = errors.get(f"{path}.province_code", "")
        view.commune_error = errors.get(f"{path}.commune_code", "")
        view.street_error = errors.get(f"{path}.street", "")
        view.error = view.error or view.province_error or view.commune_error or view.street_error
        view.commune_key = f"{generation}-{cid}-{view.province}"
    else:
        view.value = text_of(value)
    described = [f"{cid}-hint"] if view.hint else []
    if provenance:
        described.append(f"{cid}-badge")
    if view.error:
        described.append(f"{cid}-error")
    view.described_by = " ".join(described)
    return view


def _badge_kind(source: str, locked: bool) -> str:
    """How a prefilled answer's badge looks: verified (locked), from the profile, or from another source."""
    if not source:
        return ""
    if locked:
        return "verified"
    return "profile" if source == "profile" else "source"


def question_views(
    form: FormSchema,
    step: Step,
    answers: Mapping[str, Any],
    *,
    t: Translator,
    today: date,
    errors: Mapping[str, Msg] | None = None,
    provenance: Mapping[str, str] | None = None,
    locked: Iterable[str] = (),
    generation: int = 0,
    labels: Mapping[str, str] | None = None,
) -> list[FieldView]:
    """The questions of one step, with the answers so far, provenance badges and the server's errors.

    ``provenance``: field id → prefill source key; ``labels``: field id → its label, rendered.
    """
    provenance = provenance or {}
    labels = labels or {}
    locked_ids = set(locked)
    kept, hidden = visible_answers(list(form.fields()), answers)
    by_path = error_texts(errors or {}, answers, t)
    views: list[FieldView] = []
    for field in step.fields:
        visible = field.id not in hidden
        source = provenance.get(field.id, "")
        base = _control(
            field,
            field.id,
            answers.get(field.id),
            t=t,
            today=today,
            generation=generation,
            visible=visible,
            errors=by_path,
            provenance=source,
            locked=field.id in locked_ids,
            provenance_label=labels.get(field.id, ""),
        )
        view = FieldView(**vars(base))
        if field.type == "group":
            view.error = by_path.get(field.id, "")
            items = answers.get(field.id) if isinstance(answers.get(field.id), list) else []
            outer_fields = {f.id: f for f in form.fields()}
            for index, item in enumerate(items):
                item = item if isinstance(item, Mapping) else {}
                _kept, item_hidden = visible_answers(field.fields, item, outer=kept, outer_fields=outer_fields)
                item_id = control_id(f"{field.id}.{index}")
                view.group_entries.append(
                    GroupItemView(
                        key=f"{generation}-{item_id}",
                        index=index,
                        title=t.render(Msg(ITEM_TITLE, {"label": t.pick(field.label), "number": index + 1})),
                        control_id=item_id,
                        remove_intent=f"remove:{field.id}:{index}",
                        fields=[
                            _control(
                                sub,
                                f"{field.id}.{index}.{sub.id}",
                                item.get(sub.id),
                                t=t,
                                today=today,
                                generation=generation,
                                visible=sub.id not in item_hidden,
                                errors=by_path,
                            )
                            for sub in field.fields
                        ],
                    )
                )
            view.can_add = len(items) < field.max_items
            view.add_intent = f"add:{field.id}"
            view.count_name = f"{field.id}.__count"
            view.described_by = " ".join(
                part for part in (f"{view.control_id}-hint" if view.hint else "",
                                  f"{view.control_id}-error" if view.error else "") if part
            )
        views.append(view)
    return views


@dataclass
class ErrorLink:
    anchor: str = ""
    text: str = ""


def error_summary(errors: Mapping[str, Msg], answers: Mapping[str, Any], t: Translator) -> list[ErrorLink]:
    """GOV.UK error summary: one link per problem, in form order, to the control it is about."""
    return [
        ErrorLink(anchor=error_anchor(name), text=text) for name, text in error_texts(errors, answers, t).items()
    ]


# --- check your answers ---------------------------------------------------------------------------------


@dataclass
class SummaryRow:
    key: str = ""
    label: str = ""
    lines: list[str] = dc_field(default_factory=list)
    change_href: str = ""
    change_label: str = ""
    badge: str = ""


@dataclass
class SummarySection:
    id: str = ""
    title: str = ""
    rows: list[SummaryRow] = dc_field(default_factory=list)


def describe_address(value: Any) -> str:
    if not isinstance(value, Mapping):
        return ""
    parts = [
        text_of(value.get("street")).strip(),
        admin_units.commune_name(text_of(value.get("commune_code"))) or "",
        admin_units.province_name(text_of(value.get("province_code"))) or "",
    ]
    return ", ".join(part for part in parts if part)


def display_lines(field: Field, value: Any, t: Translator) -> list[str]:
    """An answer as the citizen reads it back: dates per locale, option labels, addresses in words."""
    if field.type == "checkbox":
        return [t.gettext(YES if ticked(value) else NO)]
    if field.type == "group":
        items = [item for item in value if isinstance(item, Mapping) and filled(item)] if isinstance(value, list) else []
        if not items:
            return [t.gettext(NO_ENTRIES)]
        lines = []
        for item in items:
            parts = []
            for sub in field.fields:
                shown = display_lines(sub, item.get(sub.id), t) if filled(item.get(sub.id)) else []
                parts.extend(shown)
            lines.append(", ".join(parts))
        return lines
    if not filled(value):
        return [t.gettext(NOT_ANSWERED)]
    if field.type in ("select", "radio"):
        option = next((o for o in field.options if o.value == value), None)
        return [t.pick(option.label) if option else text_of(value)]
    if field.type == "date":
        parsed = parse_date(value)
        return [t.format_date(parsed) if parsed else text_of(value)]
    if field.type == "address":
        return [describe_address(value)]
    if field.type == "textarea":
        return [line for line in text_of(value).splitlines() if line.strip()] or [""]
    return [text_of(value)]


def summary_sections(
    form: FormSchema,
    answers: Mapping[str, Any],
    *,
    t: Translator,
    draft_id: int,
    provenance: Mapping[str, str] | None = None,
    locked: Iterable[str] = (),
    attachments: Sequence[AttachmentView] = (),
    labels: Mapping[str, str] | None = None,
) -> list[SummarySection]:
    """Check your answers: every shown question with its answer and a Change link (locked ones have none)."""
    provenance = provenance or {}
    labels = labels or {}
    locked_ids = set(locked)
    _kept, hidden = visible_answers(list(form.fields()), answers)
    change = t.gettext("Change")
    sections: list[SummarySection] = []
    for step in form.steps:
        rows = []
        for field in step.fields:
            if field.id in hidden:
                continue
            is_locked = field.id in locked_ids
            rows.append(
                SummaryRow(
                    key=field.id,
                    label=t.pick(field.label),
                    lines=display_lines(field, answers.get(field.id), t),
                    change_href="" if is_locked else
                    f"{flow_href(t.locale, draft_id, step.id)}?return=check#{control_id(field.id)}",
                    change_label=f"{change} {t.pick(field.label).lower()}",
                    badge=labels.get(field.id, "") if is_locked and field.id in provenance else "",
                )
            )
        sections.append(SummarySection(id=step.id, title=t.pick(step.title), rows=rows))
    if form.attachments:
        by_slot: dict[str, list[str]] = {}
        for item in attachments:
            by_slot.setdefault(item.slot, []).append(item.name)
        rows = [
            SummaryRow(
                key=f"documents-{slot.id}",
                label=t.pick(slot.label),
                lines=by_slot.get(slot.id) or [t.gettext(NOT_ANSWERED)],
                change_href=f"{flow_href(t.locale, draft_id, DOCUMENTS)}?return=check#slot-{slot.id}",
                change_label=f"{change} {t.pick(slot.label).lower()}",
            )
            for slot in form.attachments
        ]
        sections.append(SummarySection(id="documents", title=t.gettext("Documents"), rows=rows))
    return sections


# --- documents ------------------------------------------------------------------------------------------


@dataclass
class AttachmentView:
    id: int = 0
    slot: str = ""
    name: str = ""
    size: str = ""
    kind: str = ""  # thumbnail | pdf | file
    thumbnail_url: str = ""
    file_url: str = ""


@dataclass
class StoredChoice:
    id: int = 0
    name: str = ""
    detail: str = ""  # issuer · date


@dataclass
class SlotView:
    id: str = ""
    label: str = ""
    hint: str = ""
    required: bool = False
    limit: str = ""
    files: list[AttachmentView] = dc_field(default_factory=list)
    can_add: bool = True
    error: str = ""
    upload_id: str = ""
    # A slot asked only under a condition (issue 12): hidden while the answers say it does not apply.
    shown: bool = True
    # Issue 13: her stored documents this slot accepts ("use from my documents" instead of uploading).
    stored: list[StoredChoice] = dc_field(default_factory=list)


def stored_choices(held: Sequence[Any], t: Translator) -> list[StoredChoice]:
    """Documents of the citizen's store offered for a slot (``core.documents.store.HeldDocument``)."""
    return [
        StoredChoice(
            id=item.id, name=t.pick(item.name),
            detail=" · ".join(part for part in (t.pick(item.issuer) if item.issuer else "",
                                                t.format_date(item.issued_on)) if part),
        )
        for item in held
    ]


def file_size(size_bytes: int, t: Translator) -> str:
    if size_bytes < 1024 * 1024:
        return t.render(Msg(SIZE_KB, {"size": t.format_number(max(1, round(size_bytes / 1024)))}))
    return t.render(Msg(SIZE_MB, {"size": t.format_number(round(size_bytes / (1024 * 1024), 1))}))


def attachment_view(item: FileItem, t: Translator) -> AttachmentView:
    return AttachmentView(
        id=item.id,
        slot=item.slot,
        name=item.name,
        size=file_size(item.size_bytes, t),
        kind=item.kind,
        thumbnail_url=f"/files/{item.id}/thumbnail" if item.kind == "thumbnail" else "",
        file_url=f"/files/{item.id}",
    )


def slot_views(
    form: FormSchema,
    attachments: Sequence[AttachmentView],
    t: Translator,
    errors: Mapping[str, str] | None = None,
    stored: Mapping[str, Sequence[Any]] | None = None,
    answers: Mapping[str, Any] | None = None,
) -> list[SlotView]:
    errors, stored = errors or {}, stored or {}
    views = []
    for index, slot in enumerate(form.attachments):
        files = [item for item in attachments if item.slot == slot.id]
        shown = slot.shown(answers or {}) or bool(files)
        views.append(
            SlotView(
                id=slot.id,
                label=t.pick(slot.label),
                hint=t.pick(slot.hint) if slot.hint else "",
                required=slot.required,
                limit=t.plural(MAX_FILES, slot.max_files),
                files=files,
                can_add=len(files) < slot.max_files,
                error=errors.get(slot.id, ""),
                upload_id=f"upload-{index}",
                stored=stored_choices(stored.get(slot.id, ()), t) if len(files) < slot.max_files else [],
                shown=shown,
            )
        )
    return views


def limits_text(max_file_mb: int, max_dossier_mb: int, t: Translator) -> str:
    return t.render(Msg(LIMITS, {"file": max_file_mb, "total": max_dossier_mb}))


# --- send, sent ---------------------------------------------------------------------------------------------


def fee_text(fee_vnd: int | None, t: Translator, *, online_payment: bool = False) -> str:
    """The declaration page and the confirmation: what it costs, that it is free, or (None) that the
    agency will say (the catalogue does not know the fee). With ``online_payment`` it is paid here,
    right after sending (issue 11)."""
    if fee_vnd is None:
        return t.gettext(FEE_SET_BY_AGENCY)
    if fee_vnd and online_payment:
        return t.render(Msg(FEE_PAY_ONLINE, {"amount": money(fee_vnd, t)}))
    return t.render(Msg(FEE_DUE, {"amount": money(fee_vnd, t)})) if fee_vnd else t.gettext(FEE_NONE)


def what_next(unit: str, appointment: str, t: Translator) -> str:
    return t.render(Msg(WHAT_NEXT, {"unit": unit, "date": appointment}))


def problem_links(
    form: FormSchema, errors: Mapping[str, Msg], answers: Mapping[str, Any], *, draft_id: int, t: Translator
) -> list[ErrorLink]:
    """Problems found at the end (check answers, send) link to the page and the control they are on."""
    links: list[ErrorLink] = []
    for path, message in errors.items():
        text = render_message(t, message)
        place: ErrorPlace = error_place(form, path, answers)
        if place.page == DOCUMENTS:
            href = f"{flow_href(t.locale, draft_id, DOCUMENTS)}?return=check#slot-{place.name}"
            links.append(ErrorLink(anchor=href, text=text))
        elif place.step is None:
            links.append(ErrorLink(anchor=flow_href(t.locale, draft_id, CHECK), text=text))
        else:
            href = f"{flow_href(t.locale, draft_id, place.page)}?return=check#{control_id(place.name)}"
            step = t.pick(place.step.title)
            links.append(ErrorLink(anchor=href, text=t.render(Msg(GO_TO_STEP, {"message": text, "step": step}))))
    return links


class ReusableRow(TypedDict):
    label: str
    value: str


def reusable_rows(changes: Mapping[str, Any], t: Translator) -> list[ReusableRow]:
    """Newly typed contact details the citizen may keep in their profile, as they will read them."""
    rows: list[ReusableRow] = []
    for binding, value in changes.items():
        shown = describe_address(value) if isinstance(value, Mapping) else str(value)
        rows.append(ReusableRow(label=t.gettext(REUSABLE_LABELS.get(binding, binding)), value=shown))
    return rows
