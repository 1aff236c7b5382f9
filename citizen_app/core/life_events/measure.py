"""How much a citizen types versus what is filled for her (issue 12, "Measure"; docs/apply.md).

For a form, a profile and the answers a scenario gives (what the citizen chooses), count the
questions she is shown, those the prefill sources filled, and those left for her to type or
choose. Rules that follow the answers are applied the way the apply flow applies them: the
sources are asked again once the scenario's answers are in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citizen_app.core.forms.conditions import hidden_fields
from citizen_app.core.forms.prefill import prefill
from citizen_app.core.forms.schema import FormSchema
from citizen_app.core.identity.profile_view import ProfileView


@dataclass(frozen=True)
class FieldCounts:
    shown: int
    prefilled: int
    typed: int
    typed_fields: tuple[str, ...]
    prefilled_by: Mapping[str, int]  # source key -> fields it filled


def count_fields(form: FormSchema, profile: ProfileView, scenario: Mapping[str, Any]) -> FieldCounts:
    first = prefill(form, profile, answers=scenario)
    answers: dict[str, Any] = {**first.answers, **scenario}
    second = prefill(form, profile, answers=answers)
    answers = {**answers, **second.answers}
    hidden = hidden_fields(form, answers)
    shown = [f.id for f in form.fields() if f.id not in hidden]
    filled = [fid for fid in shown if fid in second.provenance]
    by: dict[str, int] = {}
    for fid in filled:
        by[second.provenance[fid]] = by.get(second.provenance[fid], 0) + 1
    typed = tuple(fid for fid in shown if fid not in second.provenance)
    return FieldCounts(len(shown), len(filled), len(typed), typed, by)
