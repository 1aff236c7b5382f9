"""The social-insurance registry: a person's social-insurance number and whether they were insured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citizen_app.core.i18n import N_
from citizen_app.core.prefill.source import PrefillRequest, PrefillSource, binding
from citizen_app.core.registries import fetch_record


class SocialInsuranceSource(PrefillSource):
    key = "social_insurance"
    label = N_("From the social-insurance registry")
    unavailable = N_(
        "The social-insurance registry is not answering, so some answers are empty. Please type them in."
    )
    timeout_seconds = 2.0
    order = 50
    bindings = (
        binding("social_insurance.number", "text"),
        binding("social_insurance.insured", "select", "radio", option_values=("yes", "no")),
    )

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        person = request.about if request.about is not None else request.applicant.personal_id
        record = fetch_record("/social-insurance/people", person, self.timeout_seconds)
        if not record:
            return {}
        values = {
            "social_insurance.number": record.get("insurance_number"),
            "social_insurance.insured": "yes" if record.get("insured") else "no",
        }
        return {name: value for name, value in values.items() if name in bindings and value}


SOURCE = SocialInsuranceSource()
