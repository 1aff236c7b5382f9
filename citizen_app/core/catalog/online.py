"""Which catalogue entries can be applied for online here, and how: fully, partially, or not at all.

* A curated entry with a form: as its YAML says (``online_level`` full or partial).
* Any other commune- or province-level entry a citizen can use (its audience is not
  organisations only): the generic partial-online form (:mod:`citizen_app.core.forms.partial`).
  The application is sent and checked online; originals are shown, or the result is collected,
  at the counter (Decree 42/2022/NĐ-CP).
* Ministry-level entries and those of other agencies (courts, customs offices…): not here. The
  service page says where to apply instead.

:func:`online_coverage` measures it over a catalogue (docs/catalogue.md reports the figures).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from citizen_app.core.catalog.model import Level, Procedure
from citizen_app.core.forms.partial import ListedDocument, partial_form

# Levels whose receiving unit the app derives from the citizen's commune (core/agencies.py).
PARTIAL_LEVELS: tuple[Level, ...] = ("commune", "province")


def citizen_facing(procedure: Procedure) -> bool:
    """For people and households (or for both): what a citizen can apply for."""
    return procedure.audience != "organisation"


def offers_generic_form(procedure: Procedure) -> bool:
    """Whether this entry gets the generic partial-online form (it has no form of its own)."""
    return procedure.form is None and procedure.level in PARTIAL_LEVELS and citizen_facing(procedure)


def with_online_form(procedure: Procedure) -> Procedure:
    """The entry as the catalogue serves it: with the generic form when :func:`offers_generic_form`."""
    if not offers_generic_form(procedure):
        return procedure
    documents = tuple(ListedDocument(name=d.name, required=d.required) for d in procedure.documents)
    return dataclasses.replace(procedure, form=partial_form(documents), online_level="partial", generic_form=True)


def applies_elsewhere(procedure: Procedure) -> bool:
    """A ministry's or another central agency's procedure: the page says where to apply instead."""
    return procedure.form is None and procedure.level not in PARTIAL_LEVELS


@dataclass(frozen=True)
class OnlineCoverage:
    """How much of a catalogue can be applied for online (the Measure of issue 16)."""

    entries: int
    full: int
    partial: int
    # Commune- and province-level entries for citizens: the target is all of them online.
    citizen_local: int
    citizen_local_online: int
    # Not online here: ministries' and other central agencies' (the page says where to apply),
    # and commune- or province-level ones for organisations only.
    elsewhere: int = 0
    organisations_only: int = 0

    @property
    def online(self) -> int:
        return self.full + self.partial

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    def lines(self) -> list[str]:
        """The figures as docs/catalogue.md reports them."""

        def row(label: str, part: int, whole: int) -> str:
            return f"{label:58} {part:6,} of {whole:6,}  {self.share(part, whole):7.1%}"

        return [
            row("applicable online, fully (curated form)", self.full, self.entries),
            row("applicable online, partially", self.partial, self.entries),
            row("applicable online, fully or partially", self.online, self.entries),
            row("not here: a ministry's or another central agency's", self.elsewhere, self.entries),
            row("not here: commune/province, for organisations only", self.organisations_only, self.entries),
            row("citizen-facing commune/province entries online (target)", self.citizen_local_online,
                self.citizen_local),
        ]


def online_coverage(procedures: Iterable[Procedure]) -> OnlineCoverage:
    entries = full = partial = citizen_local = citizen_local_online = elsewhere = organisations_only = 0
    for procedure in procedures:
        entries += 1
        online = procedure.can_apply_online
        if online and procedure.online_level == "full":
            full += 1
        elif online:
            partial += 1
        elif applies_elsewhere(procedure):
            elsewhere += 1
        elif not citizen_facing(procedure):
            organisations_only += 1
        if procedure.level in PARTIAL_LEVELS and citizen_facing(procedure):
            citizen_local += 1
            citizen_local_online += online
    return OnlineCoverage(entries, full, partial, citizen_local, citizen_local_online, elsewhere, organisations_only)
