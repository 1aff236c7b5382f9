"""The form engine: schema, conditions, server-side validation, prefill and draft migration.

Pages import from here::

    from citizen_app.core.forms import parse_form, validate_step, validate_all, prefill
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from citizen_app.core.forms.conditions import hidden_fields
from citizen_app.core.forms.identifiers import (
    normalize_email,
    normalize_phone,
    parse_personal_id,
    personal_id_matches,
)
from citizen_app.core.forms.migration import MigrationReport, migrate_answers
from citizen_app.core.forms.prefill import PrefillResult, enforce_locked, prefill, reusable_changes
from citizen_app.core.forms.schema import (
    AttachmentSlot,
    Condition,
    Field,
    FormSchema,
    LocalizedText,
    Option,
    Step,
    Validation,
    parse_form,
)
from citizen_app.core.forms.validation import (
    CommuneChecker,
    ValidationResult,
    parse_date,
    validate_all,
    validate_field,
    validate_step,
)
from citizen_app.core.i18n import Msg, Translator

__all__ = [
    "AttachmentSlot",
    "CommuneChecker",
    "Condition",
    "Field",
    "FormSchema",
    "LocalizedText",
    "MigrationReport",
    "Option",
    "PrefillResult",
    "Step",
    "Validation",
    "ValidationResult",
    "enforce_locked",
    "hidden_fields",
    "migrate_answers",
    "normalize_email",
    "normalize_phone",
    "parse_date",
    "parse_form",
    "parse_personal_id",
    "personal_id_matches",
    "prefill",
    "render_message",
    "reusable_changes",
    "validate_all",
    "validate_field",
    "validate_step",
]


def render_message(t: Translator, message: Msg) -> str:
    """``t.render`` that also picks the reader's language for bilingual parameters (schema-authored texts)."""
    params: dict[str, Any] = {}
    for key, value in message.params.items():
        if isinstance(value, LocalizedText):
            params[key] = t.pick(value.texts)
        elif isinstance(value, Mapping) and set(value) <= {"vi", "en"} and value:
            params[key] = t.pick(value)
        else:
            params[key] = value
    return t.render(Msg(message.msgid, params, plural=message.plural))
