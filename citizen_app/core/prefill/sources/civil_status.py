"""The civil-status registry: the applicant's registered marriage, so the child's other parent is known."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citizen_app.core.i18n import N_
from citizen_app.core.prefill.source import PrefillRequest, PrefillSource, binding
from citizen_app.core.registries import fetch_record


class CivilStatusSource(PrefillSource):
    key = "civil_status"
    label = N_("From the civil-status registry")
    unavailable = N_(
        "The civil-status registry is not answering, so some answers are empty. Please type them in."
    )
    timeout_seconds = 2.0
    order = 40
    bindings = (
        binding("civil_status.married", "select", "radio", option_values=("yes", "no")),
        binding("civil_status.spouse_full_name", "text"),
        binding("civil_status.spouse_personal_id", "personal_id", "text"),
        binding("civil_status.spouse_date_of_birth", "date"),
    )

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        person = request.about if request.about is not None else request.applicant.personal_id
        record = fetch_record("/civil-status/marriages", person, self.timeout_seconds)
        if not record or not record.get("married"):
            return {"civil_status.married": "no"} if record is not None and "civil_status.married" in bindings else {}
        spouse = record.get("spouse") or {}
        values = {
            "civil_status.married": "yes",
            "civil_status.spouse_full_name": spouse.get("full_name"),
            "civil_status.spouse_personal_id": spouse.get("personal_id"),
            "civil_status.spouse_date_of_birth": spouse.get("date_of_birth"),
        }
        return {name: value for name, value in values.items() if name in bindings and value}


SOURCE = CivilStatusSource()
