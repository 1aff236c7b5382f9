"""The fee line by line, in the reader's language, wherever it is shown (issue 11).

Check-your-answers, the send page, the confirmation, the receipt, the payment page, the fee
receipt and the staff view all draw :func:`fee_lines` from the same ``FeeBreakdown`` (computed
by ``core/fees``), with the one money format of the language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from citizen_app.core.fees import FeeBreakdown
from citizen_app.core.i18n import N_, NP_, Msg, Translator
from citizen_app.core.payments.collected import Collected

FEE_LINE = N_("Fee")
PER_UNIT_LINE = NP_("{label}: {count} × {unit}", "{label}: {count} × {unit}")
REDUCTION_LINE = N_("{label} (−{percent}%)")
TOTAL = N_("Total to pay")
PAYMENT_STATUS = {
    "pending": N_("Waiting for the payment"),
    "paid": N_("Paid"),
    "failed": N_("Payment failed"),
    "cancelled": N_("Payment cancelled"),
    "refund_due": N_("To be refunded"),
    "refunded": N_("Refunded"),
}
PAYMENT_METHODS = {
    "vnpay": N_("Card or e-wallet (VNPAY)"),
    "vietqr": N_("Bank transfer by VietQR"),
    "cash": N_("Cash at the counter"),
    "card_terminal": N_("Card terminal at the counter"),
}


@dataclass
class FeeLineView:
    label: str
    amount: str
    kind: str = "fee"


def fee_lines(breakdown: FeeBreakdown | None, t: Translator) -> list[FeeLineView]:
    """Every line of the fee; empty when there is nothing to pay."""
    if breakdown is None:
        return []
    lines: list[FeeLineView] = []
    for line in breakdown.lines:
        if line.kind == "fee":
            label = t.gettext(FEE_LINE)
        elif line.kind == "per_unit":
            label = t.plural(
                PER_UNIT_LINE, line.quantity, label=t.pick(line.label or {}), unit=t.format_money(line.unit_vnd)
            )
        else:
            label = t.render(Msg(REDUCTION_LINE, {"label": t.pick(line.label or {}), "percent": line.percent}))
        amount = ("−" + t.format_money(-line.amount_vnd)) if line.amount_vnd < 0 else t.format_money(line.amount_vnd)
        lines.append(FeeLineView(label=label, amount=amount, kind=line.kind))
    return lines


def total_text(breakdown: FeeBreakdown | None, t: Translator) -> str:
    return t.format_money(breakdown.total_vnd) if breakdown is not None else ""


def payment_status_text(status: str, t: Translator) -> str:
    return t.gettext(PAYMENT_STATUS.get(status, status))


def payment_method_text(provider: str, t: Translator) -> str:
    return t.gettext(PAYMENT_METHODS.get(provider, provider))


@dataclass
class CollectedView:
    """One row of the supervisor's "fees collected" table: a day and a payment method."""

    key: str
    day: str
    method: str
    payments: str
    amount: str


def collected_rows(rows: Sequence[Collected], t: Translator) -> list[CollectedView]:
    return [
        CollectedView(
            key=f"{row.day.isoformat()}-{row.method}",
            day=t.format_date(row.day),
            method=payment_method_text(row.method, t),
            payments=t.format_number(row.payments),
            amount=t.format_money(row.amount_vnd),
        )
        for row in rows
    ]
