"""What the payment pages and the providers' endpoints call: read models and thin steps over the ledger.

``web/payments.py`` (HTTP) stays thin: it reads the request, calls one function here inside
``unit_of_work`` and renders what comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.dossiers.access import Actor, UserLike, can_read, deny
from citizen_app.core.dossiers.errors import DossierNotFound
from citizen_app.core.dossiers.readers import reader_for
from citizen_app.core.fees import FeeBreakdown
from citizen_app.core.payments import vnpay
from citizen_app.core.payments.ledger import NotificationResult, handle_notification, start_payment
from citizen_app.core.payments.registry import (
    Order,
    VietQrTransfer,
    VnpayGateway,
    enabled_providers,
    provider,
)
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.payments import Payment
from citizen_app.settings import Settings


@dataclass(frozen=True)
class PaymentRow:
    order_ref: str
    provider: str
    amount_vnd: int
    status: str
    created_at: datetime
    settled_at: datetime | None
    receipt_number: str | None
    provider_txn: str | None


@dataclass(frozen=True)
class DossierPayments:
    """A dossier's fee and its payments, as its applicant or the agency's staff read them."""

    code: str
    applicant_id: int
    procedure_name: Mapping[str, str]
    receiving_unit: Mapping[str, str]
    status: str
    fee_due_vnd: int | None
    breakdown: FeeBreakdown | None
    paid_at: datetime | None
    payments: tuple[PaymentRow, ...] = ()
    providers: tuple[tuple[str, str], ...] = ()  # (key, label message id) offered to pay now
    applicant_name: str = ""

    @property
    def awaiting(self) -> bool:
        return self.status == "awaiting_payment" and bool(self.fee_due_vnd)

    @property
    def paid(self) -> PaymentRow | None:
        return next((p for p in self.payments if p.status == "paid"), None)


def _dossier(db: Session, code: str, actor: Actor, action: str) -> Dossier:
    dossier = db.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None or dossier.status == "draft":
        raise DossierNotFound(detail=code)
    if not can_read(actor, dossier) or (actor.role == "citizen" and dossier.applicant_id != actor.user_id):
        raise deny(db, action=action, actor=actor, dossier_id=dossier.id, reason="not the applicant or the agency")
    return dossier


def payments_of(db: Session, dossier_id: int) -> tuple[PaymentRow, ...]:
    rows = db.scalars(select(Payment).where(Payment.dossier_id == dossier_id).order_by(Payment.created_at)).all()
    return tuple(
        PaymentRow(p.order_ref, p.provider, p.amount_vnd, p.status, p.created_at, p.settled_at, p.receipt_number,
                   p.provider_txn)
        for p in rows
    )


def dossier_payments(db: Session, code: str, user: UserLike, settings: Settings) -> DossierPayments:
    """``DossierNotFound`` / ``AccessDenied`` (audited) like the receipt."""
    dossier = db.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise DossierNotFound(detail=code)
    dossier = _dossier(db, code, reader_for(user, dossier.applicant_id), "payment.read")
    return DossierPayments(
        code=code,
        applicant_id=dossier.applicant_id,
        procedure_name=dict(dossier.procedure_name or {}),
        receiving_unit=dict(dossier.receiving_unit or {}),
        status=dossier.status,
        fee_due_vnd=dossier.fee_due_vnd,
        breakdown=FeeBreakdown.from_json(dossier.fee_breakdown),
        paid_at=dossier.paid_at,
        payments=payments_of(db, dossier.id),
        providers=tuple((p.key, p.label) for p in enabled_providers(settings)),
        applicant_name=str((dossier.applicant or {}).get("full_name") or ""),
    )


@dataclass(frozen=True)
class Checkout:
    """Where the citizen goes next: a provider's page (redirect) or a code to scan (VietQR)."""

    provider: str
    order_ref: str
    amount_vnd: int
    redirect_url: str = ""
    qr_payload: str = ""
    account_number: str = ""
    account_name: str = ""
    bank_bin: str = ""
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def checkout(
    db: Session, code: str, user: UserLike, settings: Settings, provider_key: str, *, return_url: str,
    ip_address: str, locale: str, now: datetime,
) -> Checkout:
    """Start (or resume) paying with a provider. ``PaymentRefused`` when nothing is due, ``LookupError``
    for a provider that is not offered."""
    chosen = provider(settings, provider_key)
    if chosen is None:
        raise LookupError(provider_key)
    payment = start_payment(db, code, Actor.citizen(user), chosen.key, now)
    order = Order(payment.order_ref, payment.amount_vnd, code, payment.created_at)
    if isinstance(chosen, VnpayGateway):
        url = chosen.checkout_url(order, return_url=return_url, ip_address=ip_address, locale=locale, now=now)
        return Checkout(chosen.key, payment.order_ref, payment.amount_vnd, redirect_url=url)
    if isinstance(chosen, VietQrTransfer):
        return Checkout(
            chosen.key, payment.order_ref, payment.amount_vnd, qr_payload=chosen.qr_payload(order),
            account_number=chosen.account_number, account_name=chosen.account_name, bank_bin=chosen.bank_bin,
            description=code,
        )
    raise LookupError(provider_key)


# --- the providers' side ------------------------------------------------------------------------

IPN_ANSWERS: Mapping[tuple[str, str], tuple[str, str]] = {
    ("credited", ""): vnpay.RSP_CONFIRMED,
    ("failed", "declined"): vnpay.RSP_CONFIRMED,  # a failed payment is recorded: confirmed as received
    ("failed", "cancelled"): vnpay.RSP_CONFIRMED,
    ("refund_due", "already_paid"): vnpay.RSP_CONFIRMED,
    ("refund_due", "withdrawn"): vnpay.RSP_CONFIRMED,
    ("refund_due", "rejected"): vnpay.RSP_CONFIRMED,
    ("refused", "bad_signature"): vnpay.RSP_INVALID_CHECKSUM,
    ("refused", "unknown_order"): vnpay.RSP_ORDER_NOT_FOUND,
    ("refused", "wrong_amount"): vnpay.RSP_INVALID_AMOUNT,
    ("refused", "wrong_currency"): vnpay.RSP_INVALID_AMOUNT,
}


def vnpay_ipn(db: Session, settings: Settings, params: Mapping[str, str], now: datetime) -> dict[str, str]:
    """The IPN endpoint's answer ``{"RspCode", "Message"}`` after settling the notification."""
    gateway = VnpayGateway(settings)
    result = handle_notification(db, gateway.read_notification(params), now)
    if result.outcome == "duplicate":
        code, message = vnpay.RSP_ALREADY_CONFIRMED
    else:
        code, message = IPN_ANSWERS.get((result.outcome, result.reason), vnpay.RSP_UNKNOWN_ERROR)
    return {"RspCode": code, "Message": message}


@dataclass(frozen=True)
class ReturnedFromGateway:
    """What the return URL said, checked: ``verified`` False means tampered (nothing was changed)."""

    verified: bool
    paid: bool
    cancelled: bool
    dossier_code: str | None
    order_ref: str | None


def vnpay_return(db: Session, settings: Settings, params: Mapping[str, str], now: datetime) -> ReturnedFromGateway:
    """The citizen back from the gateway. Only the IPN credits; a return URL whose signature or amount
    does not hold is refused and audited, and a cancelled one closes its order."""
    gateway = VnpayGateway(settings)
    note = gateway.read_notification(params)
    payment = db.scalar(select(Payment).where(Payment.order_ref == (note.order_ref or "")))
    code = db.scalar(select(Dossier.code).where(Dossier.id == payment.dossier_id)) if payment else None
    tampered = not note.signature_ok or payment is None or note.amount_vnd != payment.amount_vnd
    if tampered:
        handle_notification(db, note, now)  # refused for its signature, order or amount: recorded, audited
        return ReturnedFromGateway(False, False, False, code, note.order_ref)
    if not note.success:
        handle_notification(db, note, now)
    return ReturnedFromGateway(True, note.success, note.cancelled, code, note.order_ref)


def bank_webhook(db: Session, settings: Settings, body: bytes, signature: str, now: datetime) -> NotificationResult:
    bank = VietQrTransfer(settings)
    return handle_notification(db, bank.read_notification(body, signature), now)


# --- the electronic fee receipt -------------------------------------------------------------------


@dataclass(frozen=True)
class FeeReceipt:
    """Biên lai thu phí, lệ phí điện tử: issued by the receiving agency when the fee was credited."""

    number: str
    dossier_code: str
    issuer: Mapping[str, str]
    payer_name: str
    procedure_name: Mapping[str, str]
    procedure_code: str
    breakdown: FeeBreakdown | None
    amount_vnd: int
    method: str
    paid_at: datetime
    provider_txn: str | None


def fee_receipt(db: Session, code: str, user: UserLike) -> FeeReceipt:
    """``DossierNotFound`` when there is no such dossier or it has no paid fee; ``AccessDenied`` (audited)."""
    found = db.scalar(select(Dossier).where(Dossier.code == code))
    if found is None:
        raise DossierNotFound(detail=code)
    dossier = _dossier(db, code, reader_for(user, found.applicant_id), "payment.receipt")
    payment = db.scalar(
        select(Payment).where(Payment.dossier_id == dossier.id, Payment.receipt_number.is_not(None))
        .order_by(Payment.settled_at)
        .limit(1)
    )
    if payment is None or payment.receipt_number is None or payment.settled_at is None:
        raise DossierNotFound(detail=f"{code}: no fee receipt")
    return FeeReceipt(
        number=payment.receipt_number,
        dossier_code=code,
        issuer=dict(dossier.receiving_unit or {}),
        payer_name=str((dossier.applicant or {}).get("full_name") or ""),
        procedure_name=dict(dossier.procedure_name or {}),
        procedure_code=dossier.procedure_code,
        breakdown=FeeBreakdown.from_json(dossier.fee_breakdown),
        amount_vnd=payment.amount_vnd,
        method=payment.provider,
        paid_at=payment.settled_at,
        provider_txn=payment.provider_txn,
    )
