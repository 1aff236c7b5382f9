"""A fee broken down from the catalogue's schedule, the channel, the day and the answers.

The breakdown is what the check-answers page, the send page, the receipt, the payment and the
staff view all show; the dossier keeps it as submitted (``Dossier.fee_breakdown``), so a later
catalogue edit never changes what a citizen was asked to pay.

Reductions do not stack: where several apply to the same part, the largest is taken (a
temporary 50 % rate and a 100 % exemption give the exemption). Amounts are whole dong; a
reduction is rounded down, so the citizen never pays more than the rate says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from citizen_app.core.fees.model import FeeReduction, FeeSchedule

LineKind = Literal["fee", "per_unit", "reduction"]


@dataclass(frozen=True)
class FeeLine:
    kind: LineKind
    amount_vnd: int  # negative for a reduction
    label: Mapping[str, str] | None = None  # {vi, en}; None: the generic "Fee" label
    quantity: int = 1
    unit_vnd: int = 0
    percent: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "amount_vnd": self.amount_vnd,
            "label": dict(self.label) if self.label else None,
            "quantity": self.quantity,
            "unit_vnd": self.unit_vnd,
            "percent": self.percent,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeeLine:
        return cls(
            kind=data["kind"],
            amount_vnd=int(data["amount_vnd"]),
            label=data.get("label") or None,
            quantity=int(data.get("quantity") or 1),
            unit_vnd=int(data.get("unit_vnd") or 0),
            percent=int(data.get("percent") or 0),
        )


@dataclass(frozen=True)
class FeeBreakdown:
    channel: str
    lines: tuple[FeeLine, ...]

    @property
    def total_vnd(self) -> int:
        return max(0, sum(line.amount_vnd for line in self.lines))

    def as_json(self) -> dict[str, Any]:
        return {"channel": self.channel, "lines": [line.as_json() for line in self.lines], "total_vnd": self.total_vnd}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> FeeBreakdown | None:
        if not data:
            return None
        return cls(channel=str(data.get("channel", "")), lines=tuple(FeeLine.from_json(x) for x in data["lines"]))


def _quantity(answers: Mapping[str, Any] | None, field: str) -> int:
    """How many units were asked for; an empty, negative or unreadable answer counts as none."""
    if answers is None:
        return 0
    value = answers.get(field)
    if isinstance(value, bool):
        return 0
    try:
        number = int(float(value)) if value not in (None, "") else 0
    except (TypeError, ValueError):
        return 0
    return max(0, number)


def _largest(reductions: list[FeeReduction]) -> FeeReduction | None:
    return max(reductions, key=lambda r: r.percent, default=None)


def compute_fee(
    schedule: FeeSchedule, channel: str, on: date, answers: Mapping[str, Any] | None = None
) -> FeeBreakdown:
    """The breakdown for an application through ``channel`` on day ``on`` with these answers.

    Without answers (the catalogue's own pages), no unit is counted and no answer-dependent
    reduction assumed: what anyone pays at least.
    """
    fee = schedule.fee_on(channel, on)
    if fee is None:
        return FeeBreakdown(channel, ())
    lines: list[FeeLine] = []
    if fee.amount_vnd:
        lines.append(FeeLine("fee", fee.amount_vnd, unit_vnd=fee.amount_vnd))
    per_unit_total = 0
    if fee.per_unit is not None:
        quantity = _quantity(answers, fee.per_unit.field)
        if quantity:
            per_unit_total = quantity * fee.per_unit.amount_vnd
            lines.append(
                FeeLine("per_unit", per_unit_total, fee.per_unit.label, quantity=quantity, unit_vnd=fee.per_unit.amount_vnd)
            )
    applicable = [r for r in schedule.reductions if r.applies(channel, answers, on)]
    # One reduction per part (the largest); two parts may take the same one, shown once.
    taken: dict[int, int] = {}  # position in ``applicable`` -> amount taken off
    for part, amount in (("base", fee.amount_vnd), ("per_unit", per_unit_total)):
        best = _largest([r for r in applicable if r.applies_to in ("all", part)])
        if best is not None and amount:
            position = next(i for i, r in enumerate(applicable) if r is best)
            taken[position] = taken.get(position, 0) + amount * best.percent // 100
    for position, amount in sorted(taken.items()):
        reduction = applicable[position]
        if amount:
            lines.append(FeeLine("reduction", -amount, reduction.label, percent=reduction.percent))
    return FeeBreakdown(channel, tuple(lines))


def fee_for_display(schedule: FeeSchedule, channel: str, on: date) -> int:
    """What the channel costs on that day before any answer (catalogue pages, the start page)."""
    return compute_fee(schedule, channel, on).total_vnd
