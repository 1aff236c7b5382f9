"""The applicant's verified identity, as the identity provider asserted it at sign-in.

Locked in the form and put back on every save; labelled with the provider that verified it
("Verified by VNeID", or another provider's display name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citizen_app.core.identity.profile_view import MSG_VERIFIED_BY
from citizen_app.core.prefill.source import PrefillRequest, PrefillSource, binding


class IdentitySource(PrefillSource):
    key = "identity"
    label = MSG_VERIFIED_BY
    locks = True
    calls_out = False
    timeout_seconds = 1.0
    order = 10
    bindings = (
        binding("identity.full_name", "text"),
        binding("identity.personal_id", "personal_id", "text"),
        binding("identity.date_of_birth", "date"),
        binding("identity.sex", "select", "radio", option_values=("male", "female")),
        binding("identity.place_of_origin", "text", "textarea"),
        binding("identity.permanent_address", "address"),
    )

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        values = {}
        for name in bindings:
            found = request.applicant.lookup(name)
            if found is not None:
                values[name] = found.value
        return values


SOURCE = IdentitySource()
