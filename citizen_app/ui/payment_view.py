"""View models of the payment page, the VietQR page and the electronic fee receipt (issue 11)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from urllib.parse import quote

import qrcode
import qrcode.constants

from citizen_app.core.i18n import N_, Translator
from citizen_app.core.payments.ledger import COUNTER_METHODS
from citizen_app.core.payments.service import DossierPayments, FeeReceipt
from citizen_app.core.statuses import status_label
from citizen_app.ui.fee_view import (
    FeeLineView,
    fee_lines,
    payment_method_text,
    payment_status_text,
    total_text,
)

RESULT_MESSAGES = {
    "paid": (N_("Payment received. Your application is now with the agency."), "success"),
    "pending": (N_("We are waiting for the provider to confirm your payment. Check again in a minute."), "warning"),
    "cancelled": (N_("You cancelled the payment. Nothing was charged. You can pay again."), "warning"),
    "failed": (N_("The payment did not go through. Nothing was charged. You can try again."), "error"),
    "tampered": (
        N_("The payment answer could not be verified, so it was not accepted. If money left your account, "
           "it is refunded; you can also pay again."),
        "error",
    ),
    "unavailable": (N_("Payment is not possible for this application right now."), "error"),
}
TRANSACTION_REFERENCE = N_("Transaction reference")
COUNTER_RECEIPT_NUMBER = N_("Counter receipt number")


@dataclass
class PayOption:
    key: str
    label: str
    href: str


@dataclass
class PaymentLine:
    method: str
    amount: str
    status: str
    when: str


@dataclass
class PayView:
    code: str
    procedure: str
    status: str
    awaiting: bool
    lines: list[FeeLineView]
    total: str
    options: list[PayOption] = field(default_factory=list)
    payments: list[PaymentLine] = field(default_factory=list)
    fee_receipt_href: str = ""


def pay_view(found: DossierPayments, t: Translator) -> PayView:
    base = f"/{t.locale}/pay/{quote(found.code)}"
    return PayView(
        code=found.code,
        procedure=t.pick(found.procedure_name),
        status=t.render(status_label(found.status)),
        awaiting=found.awaiting,
        lines=fee_lines(found.breakdown, t),
        total=total_text(found.breakdown, t) or t.format_money(found.fee_due_vnd or 0),
        options=[PayOption(key, t.gettext(label), f"{base}/{key}") for key, label in found.providers],
        payments=[
            PaymentLine(
                method=payment_method_text(p.provider, t),
                amount=t.format_money(p.amount_vnd),
                status=payment_status_text(p.status, t),
                when=t.format_datetime(p.settled_at) if p.settled_at else "",
            )
            for p in found.payments
        ],
        fee_receipt_href=f"/{t.locale}/receipts/{quote(found.code)}/fee" if found.paid else "",
    )


def result_message(result: str, t: Translator) -> tuple[str, str]:
    message = RESULT_MESSAGES.get(result)
    return (t.gettext(message[0]), message[1]) if message else ("", "")


def qr_data_uri(payload: str) -> str:
    """The VietQR payload as a PNG data URI (medium error correction, as banking apps expect)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(payload)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass
class FeeReceiptView:
    number: str
    code: str
    issuer: str
    payer: str
    procedure: str
    procedure_code: str
    method: str
    paid_at: str
    transaction: str
    # What the reference is: the provider's transaction, or the paper receipt given at the counter.
    transaction_label: str
    lines: list[FeeLineView]
    total: str
    amount: str


def fee_receipt_view(receipt: FeeReceipt, t: Translator) -> FeeReceiptView:
    return FeeReceiptView(
        number=receipt.number,
        code=receipt.dossier_code,
        issuer=t.pick(receipt.issuer),
        payer=receipt.payer_name,
        procedure=t.pick(receipt.procedure_name),
        procedure_code=receipt.procedure_code,
        method=payment_method_text(receipt.method, t),
        paid_at=t.format_datetime(receipt.paid_at),
        transaction=receipt.provider_txn or "",
        transaction_label=t.gettext(
            COUNTER_RECEIPT_NUMBER if receipt.method in COUNTER_METHODS else TRANSACTION_REFERENCE
        ),
        lines=fee_lines(receipt.breakdown, t),
        total=total_text(receipt.breakdown, t) or t.format_money(receipt.amount_vnd),
        amount=t.format_money(receipt.amount_vnd),
    )
