"""What the dossier core needs to know about a procedure, independent of the catalogue's classes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from citizen_app.core.fees import FeeBreakdown, FeeLine, FeeSchedule, compute_fee
from citizen_app.core.forms.schema import FormSchema
from citizen_app.core.i18n import VIETNAM_TZ


def _today() -> date:
    return datetime.now(VIETNAM_TZ).date()

CHANNELS = ("online", "counter")
# When the catalogue does not state a time limit (the national index's entries, applied for with
# the generic partial-online form), the appointment is counted with this many working days and
# marked provisional: the receiving officer confirms the date, or sets a later one (lifecycle.delay).
UNSTATED_WORKING_DAYS = 15


@dataclass(frozen=True)
class DocumentTerm:
    name: Mapping[str, str]
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class TimeLimit:
    """``days`` counted in ``unit`` (working or calendar days); ``stated`` is False for the fallback."""

    days: int
    unit: str = "working"
    stated: bool = True


@dataclass(frozen=True)
class ProcedureTerms:
    code: str
    name: Mapping[str, str]
    level: str  # "commune" | "province"
    form: FormSchema
    # channel -> days (0 = the same day); channel -> fee in dong.
    processing_days: Mapping[str, int] = field(default_factory=dict)
    fees_vnd: Mapping[str, int] = field(default_factory=dict)
    documents: tuple[DocumentTerm, ...] = ()
    # channel -> "calendar" for a limit counted in calendar days; any other channel counts working days.
    day_units: Mapping[str, str] = field(default_factory=dict)
    # False when the catalogue does not know the fee (index entries): the agency says, at the counter.
    fee_stated: bool = True
    # The catalogue's whole fee schedule (per unit, validity, reductions): core/fees. None: the flat
    # ``fees_vnd`` above is all there is (terms built by hand in tests and tools).
    fee_schedule: FeeSchedule | None = None
    # The fee is paid online before the agency starts (issue 11: "awaiting payment"), where the
    # catalogue says so (``online_payment: true``); otherwise the agency collects it, as before.
    online_payment: bool = False

    @property
    def time_stated(self) -> bool:
        return bool(self.processing_days)

    def days_for(self, channel: str) -> int:
        """Processing time for the channel; a channel the catalogue does not list takes the slowest known."""
        if channel in self.processing_days:
            return self.processing_days[channel]
        if self.processing_days:
            return max(self.processing_days.values())
        raise ValueError(f"procedure {self.code} has no processing time")

    def time_for(self, channel: str) -> TimeLimit:
        """The channel's time limit in its unit; :data:`UNSTATED_WORKING_DAYS` (not stated) when unknown.

        A channel the catalogue does not list takes the slowest known, compared in working days.
        """
        if not self.processing_days:
            return TimeLimit(UNSTATED_WORKING_DAYS, "working", stated=False)
        if channel not in self.processing_days:
            channel = max(self.processing_days, key=lambda c: self._in_working_days(c))
        return TimeLimit(self.processing_days[channel], self.day_units.get(channel, "working"))

    def _in_working_days(self, channel: str) -> float:
        days = self.processing_days[channel]
        return days * 5 / 7 if self.day_units.get(channel) == "calendar" else days

    def fee_for(self, channel: str, on: date | None = None) -> int:
        """What the channel costs on that day (today in Vietnam) before any answer is known."""
        return self.fee_breakdown(channel, on or _today(), None).total_vnd

    def fee_breakdown(self, channel: str, on: date, answers: Mapping[str, Any] | None) -> FeeBreakdown:
        """The fee of an application through ``channel`` on ``on`` with these answers, line by line."""
        if self.fee_schedule is not None:
            return compute_fee(self.fee_schedule, channel, on, answers)
        amount = int(self.fees_vnd.get(channel, 0))
        return FeeBreakdown(channel, (FeeLine("fee", amount, unit_vnd=amount),) if amount else ())

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
            processing_days={p.channel: p.days for p in procedure.processing_time},
            fees_vnd={f.channel: f.amount_vnd for f in procedure.fees},
            documents=tuple(
                DocumentTerm(name=dict(d.name), originals=d.originals, copies=d.copies)
                for d in procedure.documents
            ),
            day_units={p.channel: p.unit for p in procedure.processing_time if p.unit != "working"},
            fee_stated=bool(procedure.fees) or not procedure.information_only,
            fee_schedule=FeeSchedule(fees=tuple(procedure.fees), reductions=tuple(procedure.fee_reductions)),
            online_payment=bool(getattr(procedure, "online_payment", False)) and bool(procedure.fees),
        )
