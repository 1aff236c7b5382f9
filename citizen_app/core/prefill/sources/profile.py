"""What the applicant declared in their profile: editable in the form, offered back after sending."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citizen_app.core.i18n import N_
from citizen_app.core.prefill.source import PrefillRequest, PrefillSource, binding


class ProfileSource(PrefillSource):
    key = "profile"
    label = N_("From your profile")
    calls_out = False
    timeout_seconds = 1.0
    order = 20
    bindings = (
        binding("contact.phone", "phone"),
        binding("contact.email", "email"),
        binding("contact.current_address", "address"),
    )

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        values = {}
        for name in bindings:
            found = request.applicant.lookup(name)
            if found is not None:
                values[name] = found.value
        return values


SOURCE = ProfileSource()
