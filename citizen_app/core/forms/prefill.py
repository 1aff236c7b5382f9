"""Prefill with provenance ("once-only"), locked verified fields, and data worth saving back.

A field bound to ``identity.*`` arrives filled from VNeID and locked: the server
puts the verified value back whatever the client sends (:func:`enforce_locked`).
A field bound to ``contact.*`` arrives filled "from your profile" and stays
editable; what the citizen types instead may be offered back to the profile
after submission (:func:`reusable_changes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citizen_app.core.forms.conditions import hidden_fields
from citizen_app.core.forms.identifiers import normalize_email, normalize_phone
from citizen_app.core.forms.schema import FormSchema
from citizen_app.core.i18n import NP_, Msg
from citizen_app.core.identity.profile_view import ProfileView, Provenance

# Profile data a citizen may want to reuse next time; identity data is VNeID's to change, not ours.
REUSABLE_BINDINGS: tuple[str, ...] = ("contact.phone", "contact.email", "contact.current_address")

MSG_FILLED = NP_(
    "We filled in {count} answer from your VNeID identity and your profile. Check it.",
    "We filled in {count} answers from your VNeID identity and your profile. Check them.",
)


@dataclass(frozen=True)
class PrefillResult:
    answers: dict[str, Any]
    # field id -> "verified" (locked, badged) or "profile" (editable, "from your profile")
    provenance: dict[str, Provenance]

    @property
    def filled_count(self) -> int:
        return len(self.provenance)

    @property
    def locked(self) -> frozenset[str]:
        return frozenset(fid for fid, source in self.provenance.items() if source == "verified")

    @property
    def locked_values(self) -> dict[str, Any]:
        return {fid: self.answers[fid] for fid in self.locked}

    def summary(self) -> Msg | None:
        """The line telling the citizen how many fields were filled for them."""
        return Msg.counted(MSG_FILLED, self.filled_count) if self.filled_count else None


def prefill(form: FormSchema, profile: ProfileView) -> PrefillResult:
    answers: dict[str, Any] = {}
    provenance: dict[str, Provenance] = {}
    for field in form.prefilled_fields():
        assert field.prefill is not None
        found = profile.lookup(field.prefill)
        if found is None:
            continue
        value = found.value
        if field.type in ("select", "radio") and value not in field.option_values:
            continue
        answers[field.id] = dict(value) if isinstance(value, Mapping) else value
        provenance[field.id] = found.provenance
    return PrefillResult(answers=answers, provenance=provenance)


def enforce_locked(
    answers: Mapping[str, Any], locked_values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Put the verified values back; returns the answers and the ids the client tried to change."""
    result = dict(answers)
    tampered: list[str] = []
    for field_id, value in locked_values.items():
        if result.get(field_id) != value:
            tampered.append(field_id)
        result[field_id] = value
    return result, tampered


def reusable_changes(form: FormSchema, answers: Mapping[str, Any], profile: ProfileView) -> dict[str, Any]:
    """Newly typed contact data (binding → value) the citizen may choose to save to their profile.

    Only fields bound to ``contact.*`` count: an arbitrary phone field might be a
    witness's, not the citizen's own. Hidden fields and unchanged values are left out.
    """
    hidden = hidden_fields(form, answers)
    changes: dict[str, Any] = {}
    for field in form.prefilled_fields():
        if field.prefill not in REUSABLE_BINDINGS or field.id in hidden:
            continue
        value = answers.get(field.id)
        if value in (None, "", {}):
            continue
        current = profile.lookup(field.prefill)
        if current is not None and _same(field.prefill, current.value, value):
            continue
        if field.prefill in changes:
            continue  # the first field bound to it in form order wins
        changes[field.prefill] = dict(value) if isinstance(value, Mapping) else value
    return changes


def _same(binding: str, old: Any, new: Any) -> bool:
    if binding == "contact.phone" and isinstance(old, str) and isinstance(new, str):
        return normalize_phone(old) == normalize_phone(new)
    if binding == "contact.email" and isinstance(old, str) and isinstance(new, str):
        return (normalize_email(old) or old).lower() == (normalize_email(new) or new).lower()
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return all(str(old.get(k, "")).strip() == str(new.get(k, "")).strip()
                   for k in ("province_code", "commune_code", "street"))
    return old == new
