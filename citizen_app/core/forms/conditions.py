"""Which fields are shown, given the answers so far (``show_if``).

A hidden field's answer does not count: it is neither required nor kept on
submit. Because ``show_if`` may only look back (the parser enforces it), one
pass in form order settles everything, including chains (C depends on B, which
is hidden because of A).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from citizen_app.core.forms.schema import Field, FormSchema


def _effective(field: Field | None, value: Any) -> Any:
    # An unticked checkbox never reaches the server as False; treat "absent" the same way.
    if field is not None and field.type == "checkbox":
        return bool(value)
    return value


def is_shown(field: Field, scope: Mapping[str, Any], scope_fields: Mapping[str, Field]) -> bool:
    """``scope`` holds the answers visible to this field (hidden ones already removed)."""
    if field.show_if is None:
        return True
    target = field.show_if.field
    return field.show_if.holds(_effective(scope_fields.get(target), scope.get(target)))


def visible_answers(
    fields: Iterable[Field], answers: Mapping[str, Any], outer: Mapping[str, Any] | None = None,
    outer_fields: Mapping[str, Field] | None = None,
) -> tuple[dict[str, Any], set[str]]:
    """Answers of the shown fields, and the ids of the hidden ones.

    ``outer`` is the form-level context a group item's conditions may fall back to.
    """
    kept: dict[str, Any] = {}
    hidden: set[str] = set()
    known: dict[str, Field] = dict(outer_fields or {})
    scope: dict[str, Any] = dict(outer or {})
    for field in fields:
        if is_shown(field, scope, known):
            if field.id in answers:
                kept[field.id] = answers[field.id]
                scope[field.id] = answers[field.id]
            else:
                scope.pop(field.id, None)
        else:
            hidden.add(field.id)
            scope.pop(field.id, None)
        known[field.id] = field
    return kept, hidden


def hidden_fields(form: FormSchema, answers: Mapping[str, Any]) -> set[str]:
    """Top-level field ids hidden by ``show_if`` for these answers."""
    return visible_answers(form.fields(), answers)[1]
