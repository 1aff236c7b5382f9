"""The population and residence registry (national population database): people, households, addresses.

About the applicant (no ``about``): her household and permanent address. About someone named
by an earlier answer (``about: deceased_personal_id``): that person's name, birth date, sex and
last permanent address. Where its record of the applicant contradicts the verified identity,
the identity wins and the conflict is kept for the staff (:meth:`conflicts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citizen_app.core.i18n import N_
from citizen_app.core.prefill.source import PrefillRequest, PrefillSource, binding
from citizen_app.core.registries import fetch_record

_FIELDS = {
    "population.full_name": "full_name",
    "population.date_of_birth": "date_of_birth",
    "population.sex": "sex",
    "population.permanent_address": "permanent_address",
    "population.household_head": "household_head",
}
# The record's attributes the verified identity also speaks for (identity attribute, record attribute).
_VERIFIED = (("full_name", "full_name"), ("date_of_birth", "date_of_birth"), ("permanent_address", "permanent_address"))


def _identity_value(request: PrefillRequest, attribute: str) -> Any:
    found = request.applicant.lookup(f"identity.{attribute}")
    return found.value if found is not None else None


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        keys = ("province_code", "commune_code", "street")
        return all(" ".join(str(left.get(k) or "").split()) == " ".join(str(right.get(k) or "").split()) for k in keys)
    return str(left or "").strip() == str(right or "").strip()


class PopulationSource(PrefillSource):
    key = "population"
    label = N_("From the population registry")
    unavailable = N_(
        "The population registry is not answering, so some answers are empty. Please type them in."
    )
    timeout_seconds = 2.0
    order = 30
    bindings = (
        binding("population.full_name", "text"),
        binding("population.date_of_birth", "date"),
        binding("population.sex", "select", "radio", option_values=("male", "female")),
        binding("population.permanent_address", "address"),
        binding("population.household_head", "text"),
    )

    def _record(self, request: PrefillRequest) -> dict[str, Any] | None:
        person = request.about if request.about is not None else request.applicant.personal_id
        return fetch_record("/population/people", person, self.timeout_seconds)

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        record = self._record(request) or {}
        values = {name: record[_FIELDS[name]] for name in bindings if record.get(_FIELDS[name]) not in (None, "")}
        if request.about is None:
            # About the applicant: the verified identity wins over the registry.
            for attribute, field in _VERIFIED:
                name = f"population.{field}"
                verified = _identity_value(request, attribute)
                if name in values and verified not in (None, ""):
                    values[name] = verified
            # Remember the record for conflicts(): fetch runs once per request.
            values = dict(values)
            values["_record"] = record
        return values

    def conflicts(self, request: PrefillRequest, values: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
        record = values.get("_record")
        if request.about is not None or not isinstance(record, Mapping):
            return ()
        found = []
        for attribute, field in _VERIFIED:
            verified = _identity_value(request, attribute)
            held = record.get(field)
            if verified not in (None, "") and held not in (None, "") and not _same(verified, held):
                found.append({"attribute": attribute, "identity": verified, "registry": held})
        return tuple(found)


SOURCE = PopulationSource()
