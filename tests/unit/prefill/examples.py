"""The worked examples of docs/architecture.md ("Adding a prefill source"), as the tests run them.

``HouseholdSource`` is written exactly as a module in ``citizen_app/core/prefill/sources/`` would
be; the tests add it to the registry instead of to that folder.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from citizen_app.core.i18n import N_
from citizen_app.core.prefill import registry as registry_module
from citizen_app.core.prefill.source import PrefillRequest, PrefillSource, SourceUnavailable, binding

# What the residence registry's sandbox would hold, by the head's personal ID number.
HOUSEHOLDS = {"001090012345": {"household.head_name": "Nguyễn Văn An", "household.members": 3}}
# The civil-status registry's sandbox: people by personal ID number.
PEOPLE = {"001045000123": {"civil.full_name": "Nguyễn Văn Tư", "civil.date_of_birth": "1945-02-11"}}


class HouseholdSource(PrefillSource):
    """The applicant's household, from the residence registry."""

    key = "household"
    label = N_("From the residence registry")
    unavailable = N_("The residence registry is not answering, so your household details are empty. Please type them in.")
    timeout_seconds = 2.0
    bindings = (
        binding("household.head_name", "text"),
        binding("household.members", "number"),
    )

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        record = HOUSEHOLDS.get(request.applicant.personal_id, {})
        return {name: record[name] for name in bindings if name in record}


class CivilStatusSource(PrefillSource):
    """Anyone's civil-status record, looked up by the ID number an earlier answer gives (``about``)."""

    key = "civil"
    label = N_("From the civil status registry")
    locks = True
    timeout_seconds = 2.0
    bindings = (binding("civil.full_name", "text"), binding("civil.date_of_birth", "date"))

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(request.about, str):
            raise SourceUnavailable("no ID number to look up")
        record = PEOPLE.get(request.about, {})
        return {name: record[name] for name in bindings if name in record}


class SlowHouseholds(HouseholdSource):
    """Up but never answering within its time limit (released when the test ends)."""

    timeout_seconds = 0.2

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        self.calls += 1
        self.release.wait(10)
        return super().fetch(request, bindings)


class BrokenHouseholds(HouseholdSource):
    """Down: refuses, or fails in a way nobody planned for, or answers nonsense."""

    def __init__(self, failure: str) -> None:
        self.failure = failure

    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        if self.failure == "refused":
            raise SourceUnavailable("HTTP 503")
        if self.failure == "bug":
            raise KeyError("surprise")
        return ["not", "a", "mapping"]  # type: ignore[return-value]


@contextmanager
def registered(*extra: PrefillSource) -> Iterator[None]:
    """The registry as if ``extra`` were modules in core/prefill/sources (forms parse against it too)."""
    original = registry_module.discover
    found = original()
    registry_module.discover = lambda: [*found, *extra]
    registry_module.prefill_sources.cache_clear()
    try:
        yield
    finally:
        registry_module.discover = original
        registry_module.prefill_sources.cache_clear()
