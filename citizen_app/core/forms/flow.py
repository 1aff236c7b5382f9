"""The apply-online flow's rules: which pages a form has and in what order, and which answers a page may post.

Plain rules of the form engine, shared by every screen that edits answers (the apply flow,
the answer to a supplement request): the pages states show are named here, and nothing the
browser posts reaches a draft unless :func:`answer_path_ok` recognises it.

Page names after the question steps are hyphenated (``check-answers``): form step ids are
snake_case (``core.forms.schema.ID_PATTERN``), so the two can never collide in
``/{locale}/apply/{draft_id}/{page}``.

Answer paths are how a page names one control: ``phone``, ``new_address.street``,
``members.2.member_full_name``. The validator reports a group entry's error as
``members[1].member_full_name``, counting only non-empty entries; :func:`error_name` maps it
back to the entry on screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from citizen_app.core.forms.schema import Field, FormSchema, Step
from citizen_app.core.forms.validation import CommuneChecker, validate_all, validate_step
from citizen_app.core.i18n import VIETNAM_TZ

DOCUMENTS = "add-documents"
CHECK = "check-answers"
SEND = "send-application"
SENT = "application-sent"
RESERVED_PAGES: tuple[str, ...] = (DOCUMENTS, CHECK, SEND, SENT)

ADDRESS_PARTS = ("province_code", "commune_code", "street")
# The hidden input that tells how many entries of a repeating group the page drew.
GROUP_COUNT = "__count"


def form_day(now: datetime) -> date:
    """The day answers are judged on ("not in the future", age limits): today in Vietnam."""
    return now.astimezone(VIETNAM_TZ).date()


# --- the pages -------------------------------------------------------------------------------------------


def page_sequence(form: FormSchema) -> list[str]:
    """Every page of the flow in order: the question steps, the documents (if any), check, send."""
    pages = [step.id for step in form.steps]
    if form.attachments:
        pages.append(DOCUMENTS)
    return [*pages, CHECK, SEND]


def previous_page(form: FormSchema, page: str) -> str | None:
    pages = page_sequence(form)
    if page not in pages:
        return None
    index = pages.index(page)
    return pages[index - 1] if index > 0 else None


def next_page(form: FormSchema, page: str) -> str:
    pages = page_sequence(form)
    index = pages.index(page) if page in pages else -1
    return pages[index + 1] if 0 <= index < len(pages) - 1 else CHECK


def step_position(form: FormSchema, page: str) -> tuple[int, int] | None:
    """(number, total) over the pages that ask something (the steps and the documents); None elsewhere."""
    pages = [p for p in page_sequence(form) if p not in (CHECK, SEND)]
    if page not in pages:
        return None
    return pages.index(page) + 1, len(pages)


def is_flow_page(form: FormSchema, page: str) -> bool:
    """Whether the flow has this page (documents only when the form asks for files)."""
    return page in page_sequence(form)


def slot_counts(slots: Iterable[str]) -> dict[str, int]:
    """Files per document slot, from the slot id of each file."""
    counts: dict[str, int] = {}
    for slot in slots:
        counts[slot] = counts.get(slot, 0) + 1
    return counts


def first_unfinished_page(
    form: FormSchema,
    answers: Mapping[str, Any],
    slot_counts: Mapping[str, int],
    today: date,
    *,
    communes: CommuneChecker | bool | None = None,
) -> str:
    """Where a resumed draft continues: the first step the server would not accept yet, else check answers."""
    for step in form.steps:
        if not validate_step(form, step.id, answers, today, communes=communes).ok:
            return step.id
    outcome = validate_all(form, answers, slot_counts, today, communes=communes)
    if any(path.startswith("attachments.") for path in outcome.errors):
        return DOCUMENTS
    return CHECK


def attachment_problems(errors: Mapping[str, Any]) -> dict[str, Any]:
    """The errors about documents, by slot id (``attachments.<slot>`` → ``<slot>``)."""
    return {path.split(".", 1)[1]: message for path, message in errors.items() if path.startswith("attachments.")}


# --- answers by path -------------------------------------------------------------------------------------


def answer_path_ok(form: FormSchema, name: str) -> bool:
    """Whether a control name the browser sent is one this form draws (``phone``, ``home.street``,
    ``members.2.name``, ``members.2.address.street``): nothing else reaches the draft, and a group
    entry's position stays within the group's ``max_items``."""
    parts = name.split(".")
    field = form.field(parts[0])
    if field is None:
        return False
    if field.type == "group":
        if len(parts) < 3 or not parts[1].isdigit() or int(parts[1]) >= field.max_items:
            return False
        field, parts = field.item_field(parts[2]), parts[2:]
        if field is None:
            return False
    if field.type == "address":
        return len(parts) == 2 and parts[1] in ADDRESS_PARTS
    return len(parts) == 1


def copy_answer(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: copy_answer(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_answer(v) for v in value]
    return value


def set_path(answers: dict[str, Any], name: str, value: Any) -> None:
    """``members.1.member_full_name`` = value inside ``answers`` (creating entries as needed)."""
    parts = name.split(".")
    container: Any = answers
    for position, part in enumerate(parts[:-1]):
        following = parts[position + 1]
        if isinstance(container, list):
            index = int(part)
            while len(container) <= index:
                container.append({})
            if not isinstance(container[index], dict):
                container[index] = {}
            container = container[index]
            continue
        current = container.get(part)
        wanted: type = list if following.isdigit() else dict
        if not isinstance(current, wanted):
            current = wanted()
            container[part] = current
        container = current
    last = parts[-1]
    if isinstance(container, list):
        index = int(last)
        while len(container) <= index:
            container.append({})
        container[index] = value
    else:
        container[last] = value


def changed_answer(
    form: FormSchema,
    answers: Mapping[str, Any],
    name: str,
    value: Any,
    *,
    locked: Iterable[str] = (),
    editable: Iterable[str] | None = None,
) -> dict[str, Any] | None:
    """One control changed: the new value of its top-level answer (``{top: value}``), or None if refused.

    Refused: a name this form does not draw, a verified (locked) answer, or one outside
    ``editable`` (a supplement request opens only the questions it names). Choosing another
    province empties the commune, which belonged to the old one.
    """
    top = name.split(".", 1)[0]
    if not answer_path_ok(form, name) or top in set(locked):
        return None
    if editable is not None and top not in set(editable):
        return None
    changed = {top: copy_answer(answers.get(top))}
    set_path(changed, name, value)
    if name.endswith(".province_code"):
        set_path(changed, name.removesuffix("province_code") + "commune_code", "")
    return changed


def without_locked(answers: Mapping[str, Any], locked: Iterable[str]) -> dict[str, Any]:
    """Posted answers without the verified (locked) ones: a disabled select is not posted, so a locked
    address would arrive half empty and fail validation although the core keeps the verified value."""
    fixed = set(locked)
    return {key: value for key, value in answers.items() if key not in fixed}


# --- reading a posted step ---------------------------------------------------------------------------------


def text_of(value: Any) -> str:
    if value is None or isinstance(value, bool | Mapping | list):
        return ""
    return str(value)


def ticked(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def answers_from_form(step: Step, data: Mapping[str, Any]) -> dict[str, Any]:
    """The step's answers as the page posted them (names are answer paths).

    Nothing is judged here: the validator judges. Locked fields are posted too (read-only
    inputs), and the drafts put the verified values back whatever arrives.
    """
    answers: dict[str, Any] = {}
    for field in step.fields:
        if field.type == "group":
            answers[field.id] = _group_from_form(field, data)
        else:
            value = _value_from_form(field, field.id, data)
            if value is not _ABSENT:
                answers[field.id] = value
    return answers


_ABSENT: Any = object()


def _value_from_form(field: Field, name: str, data: Mapping[str, Any]) -> Any:
    if field.type == "checkbox":
        return ticked(data.get(name))
    if field.type == "address":
        parts = {part: data.get(f"{name}.{part}") for part in ADDRESS_PARTS}
        if all(value is None for value in parts.values()):
            return _ABSENT
        return {part: text_of(value).strip() for part, value in parts.items()}
    if name not in data:
        # Radios with nothing chosen, and controls the page did not draw, say nothing.
        return _ABSENT
    value = data.get(name)
    return value if isinstance(value, str) else text_of(value)


def _group_from_form(field: Field, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    count = data.get(f"{field.id}.{GROUP_COUNT}")
    try:
        total = min(int(str(count)), field.max_items + 1)
    except (TypeError, ValueError):
        total = 0
    items: list[dict[str, Any]] = []
    for index in range(total):
        item: dict[str, Any] = {}
        for sub in field.fields:
            value = _value_from_form(sub, f"{field.id}.{index}.{sub.id}", data)
            if value is not _ABSENT:
                item[sub.id] = value
        items.append(item)
    return items


@dataclass(frozen=True)
class GroupChange:
    """What an add/remove intent did: the group, and the new entry's position when one was added."""

    group: str
    added: int | None = None


def apply_intent(intent: str, step: Step, answers: dict[str, Any]) -> GroupChange | None:
    """Add or remove a group entry (``add:members``, ``remove:members:1``); None when nothing changed."""
    parts = intent.split(":")
    wanted = parts[1] if len(parts) > 1 else ""
    group = next((f for f in step.fields if f.id == wanted), None)
    if group is None or group.type != "group":
        return None
    items = list(answers.get(group.id) or [])
    added: int | None = None
    if parts[0] == "add" and len(parts) == 2:
        if len(items) >= group.max_items:
            return None
        items.append({})
        added = len(items) - 1
    elif parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit() and int(parts[2]) < len(items):
        items.pop(int(parts[2]))
    else:
        return None
    answers[group.id] = items
    return GroupChange(group=group.id, added=added)


def answers_to_save(raw: Mapping[str, Any], cleaned: Mapping[str, Any], step: Step) -> dict[str, Any]:
    """What the draft keeps after a step: the validator's cleaned values where it accepted them, else as typed.

    A step that passed is stored cleaned (phone numbers normalised, blank group rows gone);
    answers with problems stay as typed, so nothing the citizen wrote is lost.
    """
    result = dict(raw)
    for field in step.fields:
        if field.id in cleaned:
            result[field.id] = cleaned[field.id]
    return result


# --- where an error is -------------------------------------------------------------------------------------


def filled(value: Any) -> bool:
    """Whether an answer holds anything (blank rows of a group are not answers)."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping):
        return any(filled(v) for v in value.values())
    return value is not None and value is not False


def filled_positions(items: Any) -> list[int]:
    """Screen positions of the group entries the validator counts (it skips wholly empty ones)."""
    if not isinstance(items, list):
        return []
    return [i for i, item in enumerate(items) if isinstance(item, Mapping) and filled(item)]


def rendered_positions(answers: Mapping[str, Any]) -> dict[str, list[int]]:
    return {name: filled_positions(value) for name, value in answers.items() if isinstance(value, list)}


def error_name(error_path: str, rendered_index: Mapping[str, list[int]] | None = None) -> str:
    """The answer path (a control's ``name``) an error of the validator is about.

    ``members[1].name`` → ``members.3.name`` when blank entries sit on screen before it:
    the validator counts only non-empty entries, ``rendered_index[group]`` maps them back.
    """
    match = re.fullmatch(r"([a-z0-9_]+)\[(\d+)\]\.(.+)", error_path)
    if not match:
        return error_path
    group, position, rest = match.group(1), int(match.group(2)), match.group(3)
    shown = (rendered_index or {}).get(group)
    index = shown[position] if shown and position < len(shown) else position
    return f"{group}.{index}.{rest}"


@dataclass(frozen=True)
class ErrorPlace:
    """Where a problem found at the end is: a step's control, a document slot, or check answers."""

    page: str
    name: str = ""  # the answer path, or the slot id on the documents page
    step: Step | None = None


def error_place(form: FormSchema, path: str, answers: Mapping[str, Any]) -> ErrorPlace:
    if path.startswith("attachments."):
        return ErrorPlace(page=DOCUMENTS, name=path.split(".", 1)[1])
    name = error_name(path, rendered_positions(answers))
    step = form.step_of(name.split(".", 1)[0])
    if step is None:
        return ErrorPlace(page=CHECK)
    return ErrorPlace(page=step.id, name=name, step=step)


# --- a supplement request's questions ------------------------------------------------------------------


def partial_step(form: FormSchema, field_ids: Iterable[str], step_id: str = "supplement") -> Step:
    """A step made of some of the form's questions (those a supplement request names), in the given order."""
    fields = tuple(f for f in (form.field(i) for i in field_ids) if f is not None)
    return Step(id=step_id, title={"vi": "", "en": ""}, fields=fields)


def partial_slots(form: FormSchema, slot_ids: Iterable[str]) -> FormSchema:
    """The form with only some of its document slots (those a supplement request names)."""
    wanted = set(slot_ids)
    return FormSchema(
        version=form.version, steps=form.steps, attachments=tuple(s for s in form.attachments if s.id in wanted)
    )
