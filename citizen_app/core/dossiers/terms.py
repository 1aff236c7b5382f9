"""What the dossier core needs to know about a procedure, independent of the catalogue's classes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from citizen_app.core.forms.schema import FormSchema

CHANNELS = ("online", "counter")


@dataclass(frozen=True)
class DocumentTerm:
    name: Mapping[str, str]
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class ProcedureTerms:
    code: str
    name: Mapping[str, str]
    level: str  # "commune" | "province"
    form: FormSchema
    # channel -> working days (0 = the same day); channel -> fee in dong.
    processing_days: Mapping[str, int] = field(default_factory=dict)
    fees_vnd: Mapping[str, int] = field(default_factory=dict)
    documents: tuple[DocumentTerm, ...] = ()

    def days_for(self, channel: str) -> int:
        """Processing time for the channel; a channel the catalogue does not list takes the slowest known."""
        if channel in self.processing_days:
            return self.processing_days[channel]
        if self.processing_days:
            return max(self.processing_days.values())
        raise ValueError(f"procedure {self.code} has no processing time")

    def fee_for(self, channel: str) -> int:
        return int(self.fees_vnd.get(channel, 0))

    @classmethod
    def from_procedure(cls, procedure: Any) -> ProcedureTerms:
        """From ``citizen_app.core.catalog.model.Procedure`` (read by attribute, so no import is needed)."""
        form = procedure.form
        if not isinstance(form, FormSchema):
            raise ValueError(
                f"procedure {procedure.code} has no parsed form: it cannot be applied for online"
            )
        return cls(
            code=procedure.code,
            name=dict(procedure.name),
            level=procedure.level,
            form=form,
            processing_days={p.channel: p.working_days for p in procedure.processing_time},
            fees_vnd={f.channel: f.amount_vnd for f in procedure.fees},
            documents=tuple(
                DocumentTerm(name=dict(d.name), originals=d.originals, copies=d.copies)
                for d in procedure.documents
            ),
        )
