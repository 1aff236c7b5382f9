"""The form schema of a procedure, as written in ``services_catalog/*.yaml`` (docs/catalogue-schema.md).

:func:`parse_form` turns the raw YAML mapping into frozen dataclasses and reports
*every* problem it finds, each with a path such as
``form.steps[0].fields[2].type: unknown field type 'txt'``, so one run of
``catalog check`` shows the author everything to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, get_args

from citizen_app.core.i18n import normalize_money
from citizen_app.core.prefill.registry import prefill_sources
from citizen_app.core.schema_errors import SchemaError, join_path

FieldType = Literal[
    "text", "textarea", "number", "date", "select", "radio", "checkbox",
    "phone", "email", "personal_id", "address", "group",
]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
CHOICE_TYPES = frozenset({"select", "radio"})

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LOCALES = ("vi", "en")

# Which validation keys make sense for which type; anything else is an author's mistake.
VALIDATION_KEYS: dict[str, frozenset[str]] = {
    "text": frozenset({"min_length", "max_length", "pattern", "pattern_message"}),
    "textarea": frozenset({"min_length", "max_length"}),
    "number": frozenset({"min", "max"}),
    "date": frozenset({"not_future", "not_past", "not_before", "not_after"}),
}


DEFAULT_GROUP_MAX_ITEMS = 20
DEFAULT_ATTACHMENT_MAX_FILES = 1

Localized = Mapping[str, str]


class LocalizedText(str):
    """A bilingual text carried as a ``Msg`` parameter (e.g. a schema's ``pattern_message``).

    It *is* the Vietnamese string, so a plain ``Translator.render`` still shows
    something sensible; :func:`citizen_app.core.forms.render_message` picks the
    reader's language.
    """

    texts: Mapping[str, str]

    def __new__(cls, texts: Mapping[str, str]) -> LocalizedText:
        instance = super().__new__(cls, texts.get("vi") or next(iter(texts.values()), ""))
        instance.texts = dict(texts)
        return instance


@dataclass(frozen=True)
class Option:
    value: str
    label: Localized


@dataclass(frozen=True)
class Condition:
    """``show_if``: the field is shown only when the referenced answer matches.

    Exactly one of ``equals``, ``in`` (``one_of`` here) or ``is_true`` is set.
    """

    field: str
    equals: str | int | float | bool | None = None
    one_of: tuple[str | int | float | bool, ...] | None = None
    is_true: bool | None = None

    def holds(self, value: Any) -> bool:
        if self.is_true is not None:
            return bool(value) is self.is_true
        if value is None:
            return False
        if self.one_of is not None:
            return value in self.one_of
        return value == self.equals


@dataclass(frozen=True)
class Validation:
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: Localized | None = None
    min: int | float | None = None
    max: int | float | None = None
    not_future: bool = False
    not_past: bool = False
    not_before: date | None = None
    not_after: date | None = None


@dataclass(frozen=True)
class PrefillRule:
    """One way a field may be prefilled: a binding, while a condition holds, about whom."""

    binding: str
    when: Condition | None = None
    about: str | None = None


@dataclass(frozen=True)
class Field:
    id: str
    type: FieldType
    label: Localized
    hint: Localized | None = None
    required: bool = False
    # A prefill binding (core/prefill/): where the answer can come from before anyone types.
    prefill: str | None = None
    # A prefill rule that follows the answers: fill only while this holds ("the applicant is the mother").
    prefill_when: Condition | None = None
    # The earlier answer naming whom the prefilled data is about (e.g. the deceased's ID number).
    prefill_about: str | None = None
    # Every rule, in order (the first is the one above): the first whose condition holds on the answers
    # fills the field ("the applicant is the mother": her identity; "the father": the marriage record).
    prefill_rules: tuple[PrefillRule, ...] = ()
    show_if: Condition | None = None
    validation: Validation = field(default_factory=Validation)
    options: tuple[Option, ...] = ()
    # Only for ``group``: the fields of one item, and how many items are allowed.
    fields: tuple[Field, ...] = ()
    min_items: int = 0
    max_items: int = DEFAULT_GROUP_MAX_ITEMS

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    def item_field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class Step:
    id: str
    title: Localized
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class AttachmentSlot:
    id: str
    label: Localized
    hint: Localized | None = None
    required: bool = False
    max_files: int = DEFAULT_ATTACHMENT_MAX_FILES
    # Asked (and required, if it is) only while an answer says so (issue 12): ``show_if`` as on fields.
    show_if: Condition | None = None

    def shown(self, answers: Mapping[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers.get(self.show_if.field))


@dataclass(frozen=True)
class FormSchema:
    version: int
    steps: tuple[Step, ...]
    attachments: tuple[AttachmentSlot, ...] = ()

    def fields(self) -> Iterator[Field]:
        """Top-level fields in the order a citizen meets them."""
        for step in self.steps:
            yield from step.fields

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields() if f.id == field_id), None)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def step_of(self, field_id: str) -> Step | None:
        return next((s for s in self.steps if any(f.id == field_id for f in s.fields)), None)

    def attachment(self, slot_id: str) -> AttachmentSlot | None:
        return next((a for a in self.attachments if a.id == slot_id), None)

    def prefilled_fields(self) -> Iterator[Field]:
        return (f for f in self.fields() if f.prefill)


# --- parsing -----------------------------------------------------------------------------------------

_FORM_KEYS = frozenset({"version", "steps", "attachments"})
_STEP_KEYS = frozenset({"id", "title", "fields"})
_FIELD_KEYS = frozenset({
    "id", "type", "label", "hint", "required", "prefill", "show_if", "validation",
    "options", "fields", "min_items", "max_items",
})
_OPTION_KEYS = frozenset({"value", "label"})
_CONDITION_KEYS = frozenset({"field", "equals", "in", "is_true"})
_PREFILL_KEYS = frozenset({"from", "when", "about"})
_ATTACHMENT_KEYS = frozenset({"id", "label", "hint", "required", "max_files", "show_if"})
_ALL_VALIDATION_KEYS = frozenset().union(*VALIDATION_KEYS.values())


class _Parser:
    def __init__(self) -> None:
        self.errors: list[SchemaError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(SchemaError(path, message))

    # generic helpers

    def mapping(self, raw: object, path: str, allowed: frozenset[str]) -> dict[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.error(path, f"expected a mapping, got {_kind(raw)}")
            return None
        for key in raw:
            if key not in allowed:
                self.error(join_path(path, str(key)), f"unknown key '{key}'")
        return dict(raw)

    def identifier(self, raw: Mapping[str, Any], path: str) -> str | None:
        value = raw.get("id")
        where = join_path(path, "id")
        if value is None:
            self.error(where, "missing")
            return None
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error(where, f"'{value}' is not a snake_case identifier")
            return None
        return value

    def localized(self, raw: object, path: str, *, required: bool = True) -> Localized | None:
        if raw is None:
            if required:
                self.error(path, "missing")
            return None
        if not isinstance(raw, Mapping):
            self.error(path, f"expected {{vi: …, en: …}}, got {_kind(raw)}")
            return None
        ok = True
        for key in raw:
            if key not in LOCALES:
                self.error(join_path(path, str(key)), f"unknown language '{key}'")
                ok = False
        for locale in LOCALES:
            text = raw.get(locale)
            if not isinstance(text, str) or not text.strip():
                self.error(join_path(path, locale), "missing" if text is None else "must be a non-empty text")
                ok = False
        # Money in one format per language, as in the rest of the catalogue (catalog/validate.py).
        return {locale: normalize_money(raw[locale], locale) for locale in LOCALES} if ok else None

    def boolean(self, raw: Mapping[str, Any], key: str, path: str, default: bool = False) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.error(join_path(path, key), f"expected true or false, got {_kind(value)}")
            return default
        return value

    def integer(self, raw: Mapping[str, Any], key: str, path: str, default: int, minimum: int) -> int:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(join_path(path, key), f"expected a whole number, got {_kind(value)}")
            return default
        if value < minimum:
            self.error(join_path(path, key), f"must be at least {minimum}")
            return default
        return value

    # the form

    def form(self, raw: object, path: str) -> FormSchema | None:
        data = self.mapping(raw, path, _FORM_KEYS)
        if data is None:
            return None
        version = data.get("version")
        if "version" not in data:
            self.error(join_path(path, "version"), "missing")
        elif isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.error(join_path(path, "version"), "must be a whole number, 1 or more")
        steps = self.steps(data.get("steps"), join_path(path, "steps"))
        attachments = self.attachments(
            data.get("attachments", []), join_path(path, "attachments"),
            fields={f.id: f for step in steps for f in step.fields},
        )
        if self.errors:
            return None
        return FormSchema(version=version, steps=steps, attachments=attachments)

    def steps(self, raw: object, path: str) -> tuple[Step, ...]:
        if raw is None:
            self.error(path, "missing")
            return ()
        if not isinstance(raw, list) or not raw:
            self.error(path, "expected a non-empty list of steps")
            return ()
        steps: list[Step] = []
        step_ids: set[str] = set()
        # Field ids seen so far, in order: show_if may only look back, never forward.
        earlier: dict[str, Field] = {}
        where_defined: dict[str, str] = {}
        for index, raw_step in enumerate(raw):
            step_path = join_path(path, index)
            data = self.mapping(raw_step, step_path, _STEP_KEYS)
            if data is None:
                continue
            step_id = self.identifier(data, step_path)
            if step_id is not None:
                if step_id in step_ids:
                    self.error(join_path(step_path, "id"), f"duplicate step id '{step_id}'")
                step_ids.add(step_id)
            title = self.localized(data.get("title"), join_path(step_path, "title"))
            fields_path = join_path(step_path, "fields")
            raw_fields = data.get("fields")
            if not isinstance(raw_fields, list) or not raw_fields:
                problem = "missing" if raw_fields is None else "expected a non-empty list of fields"
                self.error(fields_path, problem)
                continue
            fields: list[Field] = []
            for findex, raw_field in enumerate(raw_fields):
                field_path = join_path(fields_path, findex)
                parsed = self.field(raw_field, field_path, earlier=earlier, outer={}, in_group=False)
                if parsed is None:
                    continue
                if parsed.id in earlier:
                    self.error(
                        join_path(field_path, "id"),
                        f"duplicate field id '{parsed.id}' (first at {where_defined[parsed.id]})",
                    )
                    continue
                earlier[parsed.id] = parsed
                where_defined[parsed.id] = field_path
                fields.append(parsed)
            if step_id is not None and title is not None:
                steps.append(Step(id=step_id, title=title, fields=tuple(fields)))
        return tuple(steps)

    def field(
        self,
        raw: object,
        path: str,
        *,
        earlier: Mapping[str, Field],
        outer: Mapping[str, Field],
        in_group: bool,
    ) -> Field | None:
        """``earlier``: fields a condition here may look at; ``outer``: the form's, for group items."""
        data = self.mapping(raw, path, _FIELD_KEYS)
        if data is None:
            return None
        field_id = self.identifier(data, path)
        type_ = data.get("type")
        type_path = join_path(path, "type")
        if type_ is None:
            self.error(type_path, "missing")
        elif type_ not in FIELD_TYPES:
            self.error(type_path, f"unknown field type '{type_}'")
            type_ = None
        elif type_ == "group" and in_group:
            self.error(type_path, "a group cannot contain another group")
            type_ = None
        label = self.localized(data.get("label"), join_path(path, "label"))
        hint = self.localized(data.get("hint"), join_path(path, "hint"), required=False)
        required = self.boolean(data, "required", path)

        options: tuple[Option, ...] = ()
        if "options" in data:
            if type_ in CHOICE_TYPES:
                options = self.options(data["options"], join_path(path, "options"))
            elif type_ is not None:
                self.error(join_path(path, "options"), f"options are only for select/radio, not '{type_}'")
        elif type_ in CHOICE_TYPES:
            self.error(join_path(path, "options"), f"a {type_} field needs options")

        validation = Validation()
        if "validation" in data and type_ is not None:
            validation = self.validation(data["validation"], join_path(path, "validation"), type_)

        prefill = prefill_when = prefill_about = None
        rules: list[PrefillRule] = []
        raw_prefill = data.get("prefill")
        if raw_prefill is not None and type_ is not None:
            # One binding or rule, or a list of rules tried in order.
            listed = raw_prefill if isinstance(raw_prefill, list) else [raw_prefill]
            if not listed:
                self.error(join_path(path, "prefill"), "an empty list of prefill rules")
            for index, raw_rule in enumerate(listed):
                rule_path = join_path(path, "prefill")
                if isinstance(raw_prefill, list):
                    rule_path = f"{rule_path}[{index}]"
                    if not isinstance(raw_rule, Mapping):
                        self.error(rule_path, "each rule of a list is {from: …, when: …}")
                        continue
                binding, when, about = self.prefill(
                    raw_rule, rule_path, type_, options, in_group, own_id=field_id, earlier=earlier, outer=outer,
                )
                if binding is not None:
                    rules.append(PrefillRule(binding, when, about))
            if rules:
                prefill, prefill_when, prefill_about = rules[0].binding, rules[0].when, rules[0].about

        show_if = None
        if "show_if" in data:
            show_if = self.condition(data["show_if"], join_path(path, "show_if"), field_id, earlier, outer)

        item_fields: tuple[Field, ...] = ()
        min_items, max_items = 0, DEFAULT_GROUP_MAX_ITEMS
        group_keys = [key for key in ("fields", "min_items", "max_items") if key in data]
        if type_ == "group":
            item_fields = self.group_fields(data.get("fields"), join_path(path, "fields"), outer=earlier)
            min_items = self.integer(data, "min_items", path, 1 if required else 0, 0)
            max_items = self.integer(data, "max_items", path, DEFAULT_GROUP_MAX_ITEMS, 1)
            if max_items < min_items:
                self.error(join_path(path, "max_items"), f"must not be less than min_items ({min_items})")
        elif type_ is not None:
            for key in group_keys:
                self.error(join_path(path, key), f"'{key}' is only for group fields, not '{type_}'")

        if field_id is None or type_ is None or label is None:
            return None
        return Field(
            id=field_id,
            type=type_,
            label=label,
            hint=hint,
            required=required,
            prefill=prefill,
            prefill_when=prefill_when,
            prefill_about=prefill_about,
            prefill_rules=tuple(rules),
            show_if=show_if,
            validation=validation,
            options=options,
            fields=item_fields,
            min_items=min_items,
            max_items=max_items,
        )

    def group_fields(self, raw: object, path: str, *, outer: Mapping[str, Field]) -> tuple[Field, ...]:
        if not isinstance(raw, list) or not raw:
            self.error(path, "missing" if raw is None else "a group needs a non-empty list of fields")
            return ()
        siblings: dict[str, Field] = {}
        for index, raw_field in enumerate(raw):
            item_path = join_path(path, index)
            parsed = self.field(raw_field, item_path, earlier=siblings, outer=outer, in_group=True)
            if parsed is None:
                continue
            if parsed.id in siblings:
                self.error(join_path(item_path, "id"), f"duplicate field id '{parsed.id}' in this group")
                continue
            siblings[parsed.id] = parsed
        return tuple(siblings.values())

    def options(self, raw: object, path: str) -> tuple[Option, ...]:
        if not isinstance(raw, list) or not raw:
            self.error(path, "expected a non-empty list of options")
            return ()
        options: list[Option] = []
        seen: set[str] = set()
        for index, raw_option in enumerate(raw):
            option_path = join_path(path, index)
            data = self.mapping(raw_option, option_path, _OPTION_KEYS)
            if data is None:
                continue
            value = data.get("value")
            if not isinstance(value, str) or not value.strip():
                problem = "missing" if value is None else "must be a non-empty text"
                self.error(join_path(option_path, "value"), problem)
                continue
            if value in seen:
                self.error(join_path(option_path, "value"), f"duplicate option value '{value}'")
                continue
            seen.add(value)
            label = self.localized(data.get("label"), join_path(option_path, "label"))
            if label is not None:
                options.append(Option(value=value, label=label))
        return tuple(options)

    def validation(self, raw: object, path: str, type_: str) -> Validation:
        data = self.mapping(raw, path, _ALL_VALIDATION_KEYS)
        if data is None:
            return Validation()
        allowed = VALIDATION_KEYS.get(type_, frozenset())
        values: dict[str, Any] = {}
        for key, value in data.items():
            key_path = join_path(path, key)
            if key not in _ALL_VALIDATION_KEYS:
                continue  # already reported as unknown
            if key not in allowed:
                self.error(key_path, f"'{key}' does not apply to a {type_} field")
                continue
            if key in ("min_length", "max_length"):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    self.error(key_path, "must be a whole number, 0 or more")
                    continue
            elif key in ("min", "max"):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    self.error(key_path, f"must be a number, got {_kind(value)}")
                    continue
            elif key in ("not_future", "not_past"):
                if not isinstance(value, bool):
                    self.error(key_path, f"expected true or false, got {_kind(value)}")
                    continue
            elif key in ("not_before", "not_after"):
                parsed = _iso_date(value)
                if parsed is None:
                    self.error(key_path, f"expected an ISO date like 1900-01-01, got {value!r}")
                    continue
                value = parsed
            elif key == "pattern":
                if not isinstance(value, str) or not value:
                    self.error(key_path, "must be a regular expression")
                    continue
                try:
                    re.compile(value)
                except re.error as problem:
                    self.error(key_path, f"invalid regular expression: {problem}")
                    continue
            elif key == "pattern_message":
                value = self.localized(value, key_path)
                if value is None:
                    continue
            values[key] = value
        if "pattern_message" in values and "pattern" not in values:
            self.error(join_path(path, "pattern_message"), "given without a pattern")
        for low, high in (("min_length", "max_length"), ("min", "max"), ("not_before", "not_after")):
            if low in values and high in values and values[low] > values[high]:
                self.error(join_path(path, high), f"must not be less than {low}")
        if values.get("not_future") and values.get("not_past"):
            self.error(join_path(path, "not_past"), "not_future and not_past together leave only today")
        return Validation(**values)

    def prefill(
        self,
        raw: object,
        path: str,
        type_: str,
        options: tuple[Option, ...],
        in_group: bool,
        *,
        own_id: str | None,
        earlier: Mapping[str, Field],
        outer: Mapping[str, Field],
    ) -> tuple[str | None, Condition | None, str | None]:
        """``prefill: identity.full_name``, or a rule: ``{from: …, when: {field: …, equals: …}, about: …}``."""
        none: tuple[None, None, None] = (None, None, None)
        if in_group:
            self.error(path, "fields inside a group cannot be prefilled")
            return none
        when: Condition | None = None
        about: str | None = None
        name: object = raw
        binding_path = path
        if isinstance(raw, Mapping):
            data = self.mapping(raw, path, _PREFILL_KEYS)
            if data is None:
                return none
            name, binding_path = data.get("from"), join_path(path, "from")
            if "when" in data:
                when = self.condition(data["when"], join_path(path, "when"), own_id, earlier, outer)
                if when is None:
                    return none
            if "about" in data:
                about = self.prefill_about(data["about"], join_path(path, "about"), own_id, earlier)
                if about is None:
                    return none
        if name is None:
            self.error(binding_path, "missing")
            return none
        sources = prefill_sources()
        found = sources.binding(name) if isinstance(name, str) else None
        if found is None:
            known = ", ".join(sources.binding_names())
            self.error(binding_path, f"unknown prefill binding {name!r}; expected one of {known}")
            return none
        if type_ not in found.field_types:
            wanted = " or ".join(sorted(found.field_types))
            self.error(binding_path, f"'{found.name}' cannot fill a {type_} field (needs {wanted})")
            return none
        if found.option_values and not set(found.option_values) <= {o.value for o in options}:
            wanted = " and ".join(f"'{value}'" for value in found.option_values)
            self.error(binding_path, f"'{found.name}' needs options with values {wanted}")
            return none
        return found.name, when, about

    def prefill_about(
        self, raw: object, path: str, own_id: str | None, earlier: Mapping[str, Field]
    ) -> str | None:
        if not isinstance(raw, str):
            self.error(path, f"expected a field id, got {_kind(raw)}")
            return None
        target = earlier.get(raw)
        if raw == own_id or target is None or target.type == "group":
            self.error(path, f"refers to '{raw}', which is not a question before this one")
            return None
        return raw

    def condition(
        self,
        raw: object,
        path: str,
        own_id: str | None,
        earlier: Mapping[str, Field],
        outer: Mapping[str, Field],
    ) -> Condition | None:
        data = self.mapping(raw, path, _CONDITION_KEYS)
        if data is None:
            return None
        target_id = data.get("field")
        tests = [key for key in ("equals", "in", "is_true") if key in data]
        ok = True
        if len(tests) != 1:
            self.error(path, "needs exactly one of 'equals', 'in' or 'is_true'")
            ok = False
        target: Field | None = None
        field_path = join_path(path, "field")
        if not isinstance(target_id, str):
            self.error(field_path, "missing" if target_id is None else "must be a field id")
            ok = False
        elif target_id == own_id:
            self.error(field_path, "a field cannot depend on itself")
            ok = False
        else:
            target = earlier.get(target_id) or outer.get(target_id)
            if target is None:
                self.error(field_path, f"refers to '{target_id}', which is not a field before this one")
                ok = False
            elif target.type == "group":
                self.error(field_path, f"cannot depend on the group '{target_id}'")
                ok = False
        if not ok or target is None:
            return None
        test = tests[0]
        value = data[test]
        test_path = join_path(path, test)
        if test == "is_true":
            if not isinstance(value, bool):
                self.error(test_path, f"expected true or false, got {_kind(value)}")
                return None
            return Condition(field=target.id, is_true=value)
        values = value if test == "in" else [value]
        if test == "in" and (not isinstance(value, list) or not value):
            self.error(test_path, "expected a non-empty list of values")
            return None
        for candidate in values:
            if isinstance(candidate, Mapping | list) or candidate is None:
                self.error(test_path, f"expected a plain value, got {_kind(candidate)}")
                return None
            if target.type in CHOICE_TYPES and candidate not in target.option_values:
                self.error(test_path, f"'{candidate}' is not an option of '{target.id}'")
                return None
            if target.type == "checkbox" and not isinstance(candidate, bool):
                self.error(test_path, f"'{target.id}' is a checkbox: compare with true or false")
                return None
        if test == "in":
            return Condition(field=target.id, one_of=tuple(values))
        return Condition(field=target.id, equals=value)

    def attachments(
        self, raw: object, path: str, fields: Mapping[str, Field] | None = None
    ) -> tuple[AttachmentSlot, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.error(path, f"expected a list, got {_kind(raw)}")
            return ()
        slots: list[AttachmentSlot] = []
        seen: set[str] = set()
        for index, raw_slot in enumerate(raw):
            slot_path = join_path(path, index)
            data = self.mapping(raw_slot, slot_path, _ATTACHMENT_KEYS)
            if data is None:
                continue
            slot_id = self.identifier(data, slot_path)
            if slot_id is not None and slot_id in seen:
                self.error(join_path(slot_path, "id"), f"duplicate attachment id '{slot_id}'")
                slot_id = None
            label = self.localized(data.get("label"), join_path(slot_path, "label"))
            hint = self.localized(data.get("hint"), join_path(slot_path, "hint"), required=False)
            required = self.boolean(data, "required", slot_path)
            max_files = self.integer(data, "max_files", slot_path, DEFAULT_ATTACHMENT_MAX_FILES, 1)
            show_if = None
            if "show_if" in data:
                show_if = self.condition(data["show_if"], join_path(slot_path, "show_if"), None, fields or {}, {})
            if slot_id is None or label is None:
                continue
            seen.add(slot_id)
            slots.append(
                AttachmentSlot(
                    id=slot_id, label=label, hint=hint, required=required, max_files=max_files, show_if=show_if
                )
            )
        return tuple(slots)


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{type(value).__name__} {value!r}"


def _iso_date(value: object) -> date | None:
    # YAML turns an unquoted 1900-01-01 into a date already; a quoted one stays text.
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def parse_form(raw: object, path: str = "form") -> tuple[FormSchema | None, list[SchemaError]]:
    """Parse a ``form:`` mapping. Returns the schema, or None with every problem found."""
    parser = _Parser()
    schema = parser.form(raw, path)
    if parser.errors:
        return None, parser.errors
    return schema, []
