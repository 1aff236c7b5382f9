"""Server-side validation of answers against a form schema.

The browser may hint, but only this module decides. Every check returns a
:class:`Msg` keyed by a field path (``phone``, ``members[1].name``,
``home.commune_code``, ``attachments.birth_certificate``) and the *cleaned*
answers: phone numbers normalised, dates in ISO form, numbers as numbers,
hidden (``show_if`` false) answers dropped.

Answer shapes (what pages send and what drafts store):

=============================  ===========================================================
text, textarea, phone, email,  ``str``
personal_id
number                         ``int``/``float`` or a string of digits (``,`` or ``.`` decimal)
date                           ``"YYYY-MM-DD"`` (also ``dd/mm/yyyy``); stored as ISO
select, radio                  the option ``value``
checkbox                       ``bool`` (``"on"``/``"true"`` accepted)
address                        ``{"province_code": "01", "commune_code": "00004", "street": "…"}``
group                          a list of item mappings
=============================  ===========================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from citizen_app.core import admin_units
from citizen_app.core.forms.conditions import is_shown
from citizen_app.core.forms.identifiers import (
    normalize_email,
    normalize_personal_id,
    normalize_phone,
    parse_personal_id,
)
from citizen_app.core.forms.schema import Field, FormSchema, LocalizedText
from citizen_app.core.i18n import N_, NP_, Msg, Plural

# (province_code, commune_code) -> whether that commune belongs to that province.
CommuneChecker = Callable[[str, str], bool]

# Caps that apply even when the schema sets none, so a draft cannot grow without bound.
DEFAULT_MAX_LENGTH = {"text": 255, "textarea": 4000}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"^-?\d{1,15}(?:[.,]\d{1,6})?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_PROVINCE_CODE = re.compile(r"^\d{2}$")
_COMMUNE_CODE = re.compile(r"^\d{5}$")
_TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
_FALSE_WORDS = frozenset({"", "0", "false", "off", "no"})

MISSING: Any = object()

MSG_REQUIRED = N_("Enter this information")
MSG_REQUIRED_CHOICE = N_("Select an option")
MSG_REQUIRED_DATE = N_("Enter a date")
MSG_REQUIRED_CHECKBOX = N_("Tick this box to continue")
MSG_REQUIRED_GROUP = NP_("Add at least {count} entry", "Add at least {count} entries")
MSG_TOO_MANY_ITEMS = NP_("Add no more than {count} entry", "Add no more than {count} entries")
MSG_NOT_A_LIST = N_("This answer is not in the expected form")
MSG_TOO_SHORT = NP_("Enter at least {count} character", "Enter at least {count} characters")
MSG_TOO_LONG = NP_("Enter no more than {count} character", "Enter no more than {count} characters")
MSG_BAD_CHARACTERS = N_("Remove the invisible control characters from this answer")
MSG_PATTERN = N_("Enter this in the correct format")
MSG_CUSTOM = N_("{message}")
MSG_NOT_A_NUMBER = N_("Enter a number, like 1990")
MSG_NUMBER_TOO_SMALL = N_("Enter a number that is {min} or more")
MSG_NUMBER_TOO_BIG = N_("Enter a number that is {max} or less")
MSG_NOT_A_DATE = N_("Enter a real date, like 27/03/1990")
MSG_DATE_FUTURE = N_("The date must be today or in the past")
MSG_DATE_PAST = N_("The date must be today or in the future")
MSG_DATE_TOO_EARLY = N_("The date must be on or after {date}")
MSG_DATE_TOO_LATE = N_("The date must be on or before {date}")
MSG_NOT_AN_OPTION = N_("Select one of the options shown")
MSG_NOT_A_CHECKBOX = N_("Tick the box or leave it empty")
MSG_PHONE = N_("Enter a Vietnamese mobile number, like 0912 345 678")
MSG_EMAIL = N_("Enter an email address in the correct format, like name@example.com")
MSG_PERSONAL_ID_DIGITS = N_("Enter the 12 digits of the personal identification number")
MSG_PERSONAL_ID_INVALID = N_("This personal identification number is not valid: check the digits")
MSG_PROVINCE = N_("Choose a province or city")
MSG_COMMUNE = N_("Choose a commune, ward or special zone")
MSG_STREET = N_("Enter the house number and street, hamlet or village")
MSG_COMMUNE_NOT_IN_PROVINCE = N_("This commune is not in the province you chose")
MSG_ATTACHMENT_REQUIRED = N_("Add this document")
MSG_ATTACHMENT_TOO_MANY = NP_(
    "Add no more than {count} file for this document", "Add no more than {count} files for this document"
)


@dataclass(frozen=True)
class ValidationResult:
    """Cleaned answers (hidden ones dropped) and the errors by field path, in form order."""

    answers: dict[str, Any]
    errors: dict[str, Msg] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.errors


def default_commune_checker() -> CommuneChecker | None:
    """The administrative units' lookup (provinces and communes after 2025)."""
    return admin_units.is_commune_in_province


class _Validator:
    def __init__(self, today: date, communes: CommuneChecker | None) -> None:
        self.today = today
        self.communes = communes
        self.errors: dict[str, Msg] = {}

    def fail(self, path: str, msgid: str | Plural, **params: Any) -> None:
        """The first problem of ``path`` wins; a plural message (``NP_``) takes its form from ``count``."""
        if isinstance(msgid, tuple):
            message = Msg.counted(msgid, params.pop("count"), **params)
        else:
            message = Msg(msgid, params)
        self.errors.setdefault(path, message)

    def fields(
        self,
        fields: Iterable[Field],
        answers: Mapping[str, Any],
        *,
        prefix: str = "",
        check: Callable[[Field], bool] = lambda _f: True,
        outer: Mapping[str, Any] | None = None,
        outer_fields: Mapping[str, Field] | None = None,
    ) -> tuple[dict[str, Any], set[str]]:
        """Clean ``fields`` in order; ``check`` says whose errors to report (a step, or all)."""
        cleaned: dict[str, Any] = {}
        hidden: set[str] = set()
        scope: dict[str, Any] = dict(outer or {})
        known: dict[str, Field] = dict(outer_fields or {})
        for f in fields:
            known[f.id] = f
            scope.pop(f.id, None)
            if not is_shown(f, scope, known):
                hidden.add(f.id)
                continue
            path = f"{prefix}{f.id}"
            probe = self if check(f) else _Validator(self.today, self.communes)
            value = probe.value(f, answers.get(f.id), path, context=cleaned, context_fields=known)
            if value is not MISSING:
                cleaned[f.id] = value
                scope[f.id] = value
        return cleaned, hidden

    def value(
        self,
        f: Field,
        raw: Any,
        path: str,
        *,
        context: Mapping[str, Any],
        context_fields: Mapping[str, Field],
    ) -> Any:
        if f.type == "group":
            return self.group(f, raw, path, context, context_fields)
        if f.type == "checkbox":
            return self.checkbox(f, raw, path)
        if f.type == "address":
            return self.address(f, raw, path)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if f.required:
                if f.type in ("select", "radio"):
                    self.fail(path, MSG_REQUIRED_CHOICE)
                elif f.type == "date":
                    self.fail(path, MSG_REQUIRED_DATE)
                else:
                    self.fail(path, MSG_REQUIRED)
            return MISSING
        handler = getattr(self, f"type_{f.type}")
        return handler(f, raw, path)

    # one method per type; each returns the cleaned value or MISSING after recording an error

    def _text(self, f: Field, raw: Any, path: str, multiline: bool) -> Any:
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            self.fail(path, MSG_NOT_A_LIST)
            return MISSING
        text = str(raw).strip().replace("\r\n", "\n")
        if not multiline:
            text = " ".join(text.split())
        if _CONTROL.search(text):
            self.fail(path, MSG_BAD_CHARACTERS)
            return MISSING
        rules = f.validation
        maximum = rules.max_length if rules.max_length is not None else DEFAULT_MAX_LENGTH[f.type]
        if rules.min_length is not None and len(text) < rules.min_length:
            self.fail(path, MSG_TOO_SHORT, count=rules.min_length)
            return MISSING
        if len(text) > maximum:
            self.fail(path, MSG_TOO_LONG, count=maximum)
            return MISSING
        if rules.pattern and not re.fullmatch(rules.pattern, text):
            if rules.pattern_message:
                self.fail(path, MSG_CUSTOM, message=LocalizedText(rules.pattern_message))
            else:
                self.fail(path, MSG_PATTERN)
            return MISSING
        return text

    def type_text(self, f: Field, raw: Any, path: str) -> Any:
        return self._text(f, raw, path, multiline=False)

    def type_textarea(self, f: Field, raw: Any, path: str) -> Any:
        return self._text(f, raw, path, multiline=True)

    def type_number(self, f: Field, raw: Any, path: str) -> Any:
        number: int | float
        if isinstance(raw, bool):
            self.fail(path, MSG_NOT_A_NUMBER)
            return MISSING
        if isinstance(raw, int | float):
            number = raw
        else:
            text = str(raw).strip().replace(" ", "")
            if not _NUMBER.match(text):
                self.fail(path, MSG_NOT_A_NUMBER)
                return MISSING
            number = float(text.replace(",", ".")) if ("." in text or "," in text) else int(text)
        if isinstance(number, float):
            if number != number or number in (float("inf"), float("-inf")):
                self.fail(path, MSG_NOT_A_NUMBER)
                return MISSING
            if number.is_integer():
                number = int(number)
        rules = f.validation
        if rules.min is not None and number < rules.min:
            self.fail(path, MSG_NUMBER_TOO_SMALL, min=rules.min)
            return MISSING
        if rules.max is not None and number > rules.max:
            self.fail(path, MSG_NUMBER_TOO_BIG, max=rules.max)
            return MISSING
        return number

    def type_date(self, f: Field, raw: Any, path: str) -> Any:
        parsed = parse_date(raw)
        if parsed is None:
            self.fail(path, MSG_NOT_A_DATE)
            return MISSING
        rules = f.validation
        if rules.not_future and parsed > self.today:
            self.fail(path, MSG_DATE_FUTURE)
            return MISSING
        if rules.not_past and parsed < self.today:
            self.fail(path, MSG_DATE_PAST)
            return MISSING
        if rules.not_before and parsed < rules.not_before:
            self.fail(path, MSG_DATE_TOO_EARLY, date=rules.not_before.strftime("%d/%m/%Y"))
            return MISSING
        if rules.not_after and parsed > rules.not_after:
            self.fail(path, MSG_DATE_TOO_LATE, date=rules.not_after.strftime("%d/%m/%Y"))
            return MISSING
        return parsed.isoformat()

    def _choice(self, f: Field, raw: Any, path: str) -> Any:
        if not isinstance(raw, str) or raw not in f.option_values:
            self.fail(path, MSG_NOT_AN_OPTION)
            return MISSING
        return raw

    type_select = _choice
    type_radio = _choice

    def checkbox(self, f: Field, raw: Any, path: str) -> Any:
        if raw is None:
            ticked = False
        elif isinstance(raw, bool):
            ticked = raw
        elif isinstance(raw, str) and raw.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
            ticked = raw.strip().lower() in _TRUE_WORDS
        else:
            self.fail(path, MSG_NOT_A_CHECKBOX)
            return MISSING
        if f.required and not ticked:
            self.fail(path, MSG_REQUIRED_CHECKBOX)
            return MISSING
        return ticked

    def type_phone(self, f: Field, raw: Any, path: str) -> Any:
        phone = normalize_phone(raw) if isinstance(raw, str) else None
        if phone is None:
            self.fail(path, MSG_PHONE)
            return MISSING
        return phone

    def type_email(self, f: Field, raw: Any, path: str) -> Any:
        email = normalize_email(raw) if isinstance(raw, str) else None
        if email is None:
            self.fail(path, MSG_EMAIL)
            return MISSING
        return email

    def type_personal_id(self, f: Field, raw: Any, path: str) -> Any:
        text = normalize_personal_id(str(raw)) if isinstance(raw, str | int) else ""
        if len(text) != 12 or not text.isdigit():
            self.fail(path, MSG_PERSONAL_ID_DIGITS)
            return MISSING
        if parse_personal_id(text, self.today) is None:
            self.fail(path, MSG_PERSONAL_ID_INVALID)
            return MISSING
        return text

    def address(self, f: Field, raw: Any, path: str) -> Any:
        if raw is None or raw == "" or (isinstance(raw, Mapping) and not any(_str(v) for v in raw.values())):
            if f.required:
                self.fail(f"{path}.province_code", MSG_PROVINCE)
            return MISSING
        if not isinstance(raw, Mapping):
            self.fail(path, MSG_NOT_A_LIST)
            return MISSING
        province, commune, street = (_str(raw.get(k)) for k in ("province_code", "commune_code", "street"))
        ok = True
        if not _PROVINCE_CODE.match(province):
            self.fail(f"{path}.province_code", MSG_PROVINCE)
            ok = False
        if not _COMMUNE_CODE.match(commune):
            self.fail(f"{path}.commune_code", MSG_COMMUNE)
            ok = False
        street = " ".join(street.split())
        if not street or len(street) > 255 or _CONTROL.search(street):
            self.fail(f"{path}.street", MSG_STREET if not street else MSG_TOO_LONG, count=255)
            ok = False
        if ok and self.communes is not None and not self.communes(province, commune):
            self.fail(f"{path}.commune_code", MSG_COMMUNE_NOT_IN_PROVINCE)
            ok = False
        if not ok:
            return MISSING
        return {"province_code": province, "commune_code": commune, "street": street}

    def group(
        self, f: Field, raw: Any, path: str, context: Mapping[str, Any], context_fields: Mapping[str, Field]
    ) -> Any:
        if raw is None or raw == []:
            minimum = max(f.min_items, 1 if f.required else 0)
            if minimum:
                self.fail(path, MSG_REQUIRED_GROUP, count=minimum)
            return MISSING
        items = raw
        if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
            self.fail(path, MSG_NOT_A_LIST)
            return MISSING
        # Wholly empty rows are what an "add another" button leaves behind; they are not answers.
        items = [item for item in items if any(_filled(v) for v in item.values())]
        minimum = max(f.min_items, 1 if f.required else 0)
        if len(items) < minimum:
            self.fail(path, MSG_REQUIRED_GROUP, count=minimum)
        if len(items) > f.max_items:
            self.fail(path, MSG_TOO_MANY_ITEMS, count=f.max_items)
            return MISSING
        cleaned_items = []
        for index, item in enumerate(items):
            cleaned_item, _hidden = self.fields(
                f.fields, item, prefix=f"{path}[{index}].", outer=context, outer_fields=context_fields
            )
            cleaned_items.append(cleaned_item)
        return cleaned_items


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping):
        return any(_filled(v) for v in value.values())
    return value is not None and value is not False


def parse_date(raw: Any) -> date | None:
    """ISO ``2024-03-27`` (a date input) or Vietnamese ``27/03/2024``; None when not a real date."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        match = _DMY.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


def _resolve_checker(communes: CommuneChecker | bool | None) -> CommuneChecker | None:
    if communes is None:
        return default_commune_checker()
    if communes is False:
        return None
    return communes  # type: ignore[return-value]


def validate_step(
    form: FormSchema,
    step_id: str,
    answers: Mapping[str, Any],
    today: date,
    *,
    communes: CommuneChecker | bool | None = None,
) -> ValidationResult:
    """Check the fields of one step (conditions may look at earlier steps' answers).

    ``communes``: the province/commune checker; None uses ``admin_units`` when it
    is importable, False checks codes by format only (tests).
    """
    step = form.step(step_id)
    if step is None:
        raise KeyError(f"form has no step {step_id!r}")
    in_step = {f.id for f in step.fields}
    validator = _Validator(today, _resolve_checker(communes))
    cleaned, hidden = validator.fields(form.fields(), answers, check=lambda f: f.id in in_step)
    return ValidationResult(
        answers={k: v for k, v in cleaned.items() if k in in_step},
        errors=validator.errors,
        hidden=frozenset(hidden & in_step),
    )


def validate_all(
    form: FormSchema,
    answers: Mapping[str, Any],
    attachments: Mapping[str, int],
    today: date,
    *,
    communes: CommuneChecker | bool | None = None,
) -> ValidationResult:
    """Everything, as at submission: every step, then the attachment slots.

    ``attachments`` maps slot id → number of files in it. The cleaned answers keep
    only fields of this form that are shown; that is what a dossier stores.
    """
    validator = _Validator(today, _resolve_checker(communes))
    cleaned, hidden = validator.fields(form.fields(), answers)
    for slot in form.attachments:
        count = attachments.get(slot.id, 0)
        if slot.required and count < 1 and slot.shown(cleaned):
            validator.fail(f"attachments.{slot.id}", MSG_ATTACHMENT_REQUIRED)
        elif count > slot.max_files:
            validator.fail(f"attachments.{slot.id}", MSG_ATTACHMENT_TOO_MANY, count=slot.max_files)
    return ValidationResult(answers=cleaned, errors=validator.errors, hidden=frozenset(hidden))


def validate_field(
    form: FormSchema, field_id: str, value: Any, today: date, *, communes: CommuneChecker | bool | None = None
) -> tuple[Any, dict[str, Msg]]:
    """One top-level field on its own (conditions ignored): used when migrating draft answers."""
    f = form.field(field_id)
    if f is None:
        raise KeyError(field_id)
    validator = _Validator(today, _resolve_checker(communes))
    cleaned = validator.value(f, value, field_id, context={}, context_fields={})
    return cleaned, validator.errors
