"""What the catalogue says about a procedure's fees: plain data, read by ``core/catalog/loader.py``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from citizen_app.core.forms.schema import Condition

# What a reduction lowers: the fixed fee, the per-unit part, or both.
ReductionTarget = Literal["all", "base", "per_unit"]
REDUCTION_TARGETS: tuple[str, ...] = ("all", "base", "per_unit")


def in_period(valid_from: date | None, valid_until: date | None, on: date) -> bool:
    """Both ends count: a rate "until 31/12/2026" still applies on that day."""
    return (valid_from is None or valid_from <= on) and (valid_until is None or on <= valid_until)


@dataclass(frozen=True)
class UnitFee:
    """So much for each unit the applicant asks for, counted by a number field of the form (e.g. copies)."""

    field: str
    amount_vnd: int
    label: Mapping[str, str]  # {vi, en}: what one unit is ("Bản sao Giấy khai sinh")


@dataclass(frozen=True)
class Fee:
    """The fee of one channel during one period (open ends: always)."""

    channel: str
    amount_vnd: int
    note: Mapping[str, str] | None = None
    per_unit: UnitFee | None = None
    valid_from: date | None = None
    valid_until: date | None = None

    def valid_on(self, on: date) -> bool:
        return in_period(self.valid_from, self.valid_until, on)


@dataclass(frozen=True)
class FeeReduction:
    """A reduction (``percent`` < 100) or an exemption (100) that applies during its period, on the
    listed channels (all when empty) and, with ``when``, only for applicants whose answer matches."""

    label: Mapping[str, str]
    percent: int
    channels: tuple[str, ...] = ()
    applies_to: ReductionTarget = "all"
    when: Condition | None = None
    valid_from: date | None = None
    valid_until: date | None = None

    def applies(self, channel: str, answers: Mapping[str, object] | None, on: date) -> bool:
        if self.channels and channel not in self.channels:
            return False
        if not in_period(self.valid_from, self.valid_until, on):
            return False
        if self.when is None:
            return True
        # Without answers (the catalogue page) an answer-dependent reduction is not assumed.
        return answers is not None and self.when.holds(answers.get(self.when.field))


@dataclass(frozen=True)
class FeeSchedule:
    fees: tuple[Fee, ...] = ()
    reductions: tuple[FeeReduction, ...] = ()

    def fee_on(self, channel: str, on: date) -> Fee | None:
        """The channel's fee valid on that day; None when the catalogue lists none for it then."""
        return next((f for f in self.fees if f.channel == channel and f.valid_on(on)), None)
