"""What a prefill source is, and what it is asked.

A source fills form fields by *binding* (``identity.full_name``, ``contact.phone``,
``population.household_head`` …). It declares, once, in its own module:

* ``key``: a short word stored with each answer it filled (the dossier's provenance);
* ``bindings``: what it provides, and which field types each binding may fill;
* ``label``: the msgid shown next to each field it filled ("From your profile"); it may use
  ``{provider}``, the display name of the identity provider that verified the applicant;
* ``unavailable``: the msgid of the notice shown when it fails or is too slow;
* ``timeout_seconds``: how long the form waits for it (a source calling another system is run
  on a worker thread and given up on after this long; its fields stay empty and editable);
* ``locks``: its values are verified: locked in the form and put back on every save.

A source never decides which fields it fills: forms bind fields to it, and the engine asks it
for the bindings those fields need, about the person the rule names.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.profile_view import ProfileView

MSG_SOURCE_UNAVAILABLE = N_(
    "Some answers could not be filled in for you because a service we ask is not answering. "
    "Please type them in."
)


@dataclass(frozen=True)
class Binding:
    """One thing a source can fill, and the field types that can hold it."""

    name: str
    field_types: frozenset[str]
    # A choice field bound to this must offer these option values (e.g. male/female).
    option_values: tuple[str, ...] = ()


def binding(name: str, *field_types: str, option_values: tuple[str, ...] = ()) -> Binding:
    return Binding(name, frozenset(field_types), option_values)


@dataclass(frozen=True)
class PrefillRequest:
    """What a source is asked about.

    ``applicant`` is who applies (verified identity and contact data). ``answers`` are the
    answers so far. ``about`` is the answer a rule names as the person the data is about
    (e.g. the deceased's ID number), or None when the data is about the applicant.
    """

    applicant: ProfileView
    answers: Mapping[str, Any]
    about: Any = None


class SourceUnavailable(Exception):
    """A source could not answer now (down, refused, malformed answer). Its fields stay empty."""


class PrefillSource(ABC):
    key: ClassVar[str]
    bindings: ClassVar[tuple[Binding, ...]]
    label: ClassVar[str]
    unavailable: ClassVar[str] = MSG_SOURCE_UNAVAILABLE
    timeout_seconds: ClassVar[float] = 3.0
    locks: ClassVar[bool] = False
    # False for sources that only read what is already in memory: they run inline, never time out.
    calls_out: ClassVar[bool] = True
    # Where the source comes when several are listed (notices, the dossier's record).
    order: ClassVar[int] = 100

    @abstractmethod
    def fetch(self, request: PrefillRequest, bindings: Sequence[str]) -> Mapping[str, Any]:
        """Values for those of ``bindings`` it has (binding → value); leave out what it lacks.

        Raise :class:`SourceUnavailable` (or let any error through) when it cannot answer.
        """

    def conflicts(self, request: PrefillRequest, values: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
        """Where its record of the applicant contradicts the verified identity (issue 12).

        Each item is ``{"attribute", "identity", "registry"}``; the verified identity wins in the
        form, and the dossier keeps the conflict for the staff to see. None by default.
        """
        return ()

    def label_for(self, applicant: ProfileView | None) -> Msg:
        provider = applicant.verified_by if applicant is not None else ""
        return Msg(self.label, {"provider": provider}) if "{provider}" in self.label else Msg(self.label)
