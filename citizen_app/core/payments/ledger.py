"""Payments of a dossier's fee: orders, notifications, credits, refunds, counter payments.

Every change is in the caller's transaction. A notification is handled in this order, and the
first that fails refuses it (recorded in ``payment_notifications`` and the audit trail, nothing
else changes): signature, order, currency, amount. The order is read together with its dossier,
whose row is locked by that same statement (so two providers paying the same dossier at once
queue there, and the second reads what the first committed), and the order is settled with a
conditional UPDATE: a replayed notification finds it settled and is answered "already
confirmed", money for a dossier already paid or withdrawn is recorded as a refund due, never as
a second credit (the partial unique index ``uq_payments_one_paid_per_dossier`` has the last word).
A credit issues the electronic fee receipt's number, moves the dossier out of "awaiting payment"
and counts its due date from the payment; the receipt number is taken by the last statement
before the commit, so the agency's series stays locked as briefly as possible (docs/performance.md).
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import String, bindparam, cast, exists, func, insert, select, update
from sqlalchemy.orm import Session, load_only
from sqlalchemy.orm.attributes import set_committed_value

from citizen_app.core import audit, calendar
from citizen_app.core.dossiers.access import Actor, can_read, deny
from citizen_app.core.dossiers.errors import DossierNotFound, InvalidTransition
from citizen_app.core.dossiers.lifecycle import TRANSITIONS, record_event
from citizen_app.core.i18n import N_, VIETNAM_TZ, Msg
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.payments import FeeReceiptSequence, Payment, PaymentNotification

Outcome = Literal["credited", "duplicate", "refused", "failed", "refund_due"]
# Why a notification was refused or money set aside: the audit trail's and the tests' words.
Reason = Literal[
    "bad_signature", "unknown_order", "wrong_amount", "wrong_currency", "withdrawn", "already_paid", "cancelled",
    "declined", "",
]
COUNTER_METHODS = ("cash", "card_terminal")
# A pending order is offered again (the same order reference, so two tabs pay one order) for this long.
REUSE_PENDING_MINUTES = 15
# Refunds are due when a paid dossier ends without being dealt with.
REFUND_WHEN = ("rejected", "withdrawn")
PAID_STEP = TRANSITIONS[("awaiting_payment", "submitted")]

MSG_NOT_AWAITING = N_("This application is not waiting for a payment")
MSG_BAD_METHOD = N_("Choose how the fee was paid")
MSG_RECEIPT_NUMBER = N_("Enter the number of the counter receipt")
MSG_WRONG_AMOUNT = N_("The amount paid must be exactly the fee due: {amount}")
MSG_RECEIPT_MALFORMED = N_(
    "A receipt number has letters and digits, at least one digit, and may use - / . and spaces between them "
    "(at most 40 characters), for example AA/26P 0001234"
)
MSG_ALREADY_PAID = N_("The fee of this application has already been paid. Nothing was recorded.")
MSG_WITHDRAWN = N_("The applicant has withdrawn this application. No payment can be recorded.")
MSG_RECEIPT_USED = N_("This receipt number is already recorded for another payment. Check the number on the receipt.")
# A paper or terminal receipt's number: series and number, letters and digits with - / . or a space between.
COUNTER_RECEIPT = re.compile(r"[0-9A-Z]+(?:[ ./-][0-9A-Z]+)*")
COUNTER_RECEIPT_MAX = 40


class PaymentRefused(Exception):
    """A request about a payment that cannot be carried out; ``message`` says why, in the reader's language."""

    def __init__(self, message: Msg, detail: str = "") -> None:
        super().__init__(detail or message.msgid)
        self.message = message


@dataclass(frozen=True)
class Notification:
    """What a provider told us (IPN, bank webhook, status query), already read by its plugin."""

    provider: str
    signature_ok: bool
    success: bool
    order_ref: str | None = None
    amount_vnd: int | None = None
    currency: str = "VND"
    provider_txn: str | None = None
    # A bank transfer may only name the application code (the citizen typed the description).
    dossier_code: str | None = None
    cancelled: bool = False
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NotificationResult:
    outcome: Outcome
    reason: str = ""
    payment_id: int | None = None
    dossier_code: str | None = None


def _new_order_ref(dossier_id: int) -> str:
    # Letters and digits only (VNPAY's vnp_TxnRef, a bank's reference field), unguessable suffix.
    return f"HS{dossier_id}X{secrets.token_hex(4).upper()}"


def _receipt_prefix(agency_code: str, at: datetime) -> tuple[int, str]:
    year = at.astimezone(VIETNAM_TZ).year
    return year, f"BL{year % 100:02d}-{agency_code}-"


def _next_in_series(db: Session, agency_code: str, year: int) -> Any:
    """The upsert that takes the next number of the agency's series of the year (locks that row to commit)."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    table = FeeReceiptSequence.__table__
    return (
        insert(table)
        .values(agency_code=agency_code, year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.agency_code, table.c.year], set_={"last_value": table.c.last_value + 1}
        )
        .returning(table.c.last_value)
    )


def receipt_number(db: Session, agency_code: str, at: datetime) -> str:
    """The next number of the agency's fee receipt series of the year: ``BL26-004.00.20.H01-000001``.

    Gapless like the dossier codes: a rolled-back credit gives its number back.
    """
    year, prefix = _receipt_prefix(agency_code, at)
    return f"{prefix}{int(db.execute(_next_in_series(db, agency_code, year)).scalar_one()):06d}"


_PAYABLE = ("pending", "failed", "cancelled")


def _settle_paid(db: Session, payment_id: int, agency_code: str, provider_txn: str | None, now: datetime) -> bool:
    """``pending``/``failed``/``cancelled`` → ``paid`` with the next fee receipt number; False if it was not.

    The caller's last statement before committing: the number comes from the agency's series row, which
    stays locked until the commit, so every other credit of the agency waits for as short a time as possible.
    """
    moved = db.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.status.in_(_PAYABLE))
        .values(status="paid", settled_at=now, provider_txn=provider_txn,
                receipt_number=receipt_number(db, agency_code, now))
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(moved)


_CLOCK = ("status", "status_changed_at", "paid_at", "last_touched_at")
_CLOCK_APPOINTMENT = ("appointment_at", "original_appointment_at")
_NOTIFICATION_COLUMNS = ("provider", "order_ref", "payment_id", "received_at", "outcome", "reason", "amount_vnd", "payload")


@functools.cache
def _credit_statement(with_appointment: bool) -> Any:
    """The PostgreSQL credit as one statement, built once (with bound parameters): building and keying it
    anew cost more than half a millisecond of CPU per notification (docs/performance.md)."""
    from sqlalchemy.dialects.postgresql import insert as upsert

    dossiers, notes, payments = Dossier.__table__, PaymentNotification.__table__, Payment.__table__
    sequences = FeeReceiptSequence.__table__
    series = (
        upsert(sequences)
        .values(
            agency_code=bindparam("b_agency_code", type_=sequences.c.agency_code.type),
            year=bindparam("b_year", type_=sequences.c.year.type),
            last_value=1,
        )
        .on_conflict_do_update(
            index_elements=[sequences.c.agency_code, sequences.c.year],
            set_={"last_value": sequences.c.last_value + 1},
        )
        .returning(sequences.c.last_value)
        .cte("series")
    )
    clock = _CLOCK + (_CLOCK_APPOINTMENT if with_appointment else ())
    moved_dossier = (
        update(dossiers)
        .where(dossiers.c.id == bindparam("b_dossier_id"), dossiers.c.status == "awaiting_payment")
        .values({name: bindparam(f"d_{name}", type_=dossiers.c[name].type) for name in clock})
        .returning(dossiers.c.id)
        .cte("moved_dossier")
    )
    noted = (
        insert(notes)
        .values({name: bindparam(f"n_{name}", type_=notes.c[name].type) for name in _NOTIFICATION_COLUMNS})
        .returning(notes.c.id)
        .cte("noted")
    )
    digits = cast(select(series.c.last_value).scalar_subquery(), String)
    # Six digits at least, like ``f"{n:06d}"`` (lpad alone would cut a seventh digit off).
    padded = func.lpad(digits, func.greatest(6, func.length(digits)), "0")
    return (
        update(payments)
        .where(
            payments.c.id == bindparam("b_payment_id"),
            payments.c.status.in_(_PAYABLE),
            exists(select(moved_dossier.c.id)),
        )
        .values(
            status="paid",
            settled_at=bindparam("b_settled_at", type_=payments.c.settled_at.type),
            provider_txn=bindparam("b_provider_txn", type_=payments.c.provider_txn.type),
            receipt_number=bindparam("b_prefix", type_=String) + padded,
        )
        .add_cte(noted)
    )


def _credit_in_one_statement(
    db: Session, payment: Payment, dossier: Dossier, clock: Mapping[str, Any], note: Notification, now: datetime
) -> bool:
    """PostgreSQL: the dossier out of "awaiting payment", the notification's record, the next fee receipt number
    and the payment ``paid`` with it, in one statement (data-modifying CTEs: all of it happens, or the payment
    row is not touched and the caller rolls back). Sent last, so the agency's series row is locked only until
    the commit that follows."""
    agency_code = dossier.agency_code or "000.00.00.H00"
    year, prefix = _receipt_prefix(agency_code, now)
    with_appointment = "appointment_at" in clock
    params: dict[str, Any] = {
        "b_agency_code": agency_code, "b_year": year, "b_prefix": prefix, "b_dossier_id": dossier.id,
        "b_payment_id": payment.id, "b_settled_at": now, "b_provider_txn": note.provider_txn,
    }
    params.update({f"d_{name}": clock[name] for name in _CLOCK + (_CLOCK_APPOINTMENT if with_appointment else ())})
    params.update({f"n_{name}": value for name, value in _notification_row(note, "credited", "", payment.id, now).items()})
    return bool(db.execute(_credit_statement(with_appointment), params).rowcount)


def _notification_row(
    note: Notification, outcome: Outcome, reason: str, payment_id: int | None, now: datetime
) -> dict[str, Any]:
    return {
        "provider": note.provider,
        "order_ref": (note.order_ref or note.dossier_code or "")[:64] or None,
        "payment_id": payment_id,
        "received_at": now,
        "outcome": outcome,
        "reason": reason or None,
        "amount_vnd": note.amount_vnd,
        "payload": {str(k): str(v)[:500] for k, v in note.payload.items()},
    }


def _record(
    db: Session, note: Notification, outcome: Outcome, reason: str, payment: Payment | None, now: datetime,
    dossier_code: str | None = None,
) -> NotificationResult:
    db.add(PaymentNotification(**_notification_row(note, outcome, reason, payment.id if payment else None, now)))
    if outcome in ("refused", "refund_due"):
        audit.record(
            db,
            action=f"payment.{outcome}",
            target_type="payment",
            target_id=str(payment.id) if payment else None,
            actor_role="system",
            outcome="refused" if outcome == "refused" else "ok",
            details={"provider": note.provider, "order": note.order_ref, "reason": reason, "amount": note.amount_vnd},
        )
    if payment is not None and dossier_code is None:
        dossier_code = db.scalar(select(Dossier.code).where(Dossier.id == payment.dossier_id))
    return NotificationResult(outcome, reason, payment.id if payment else None, dossier_code)


# What a credit needs of the dossier: read with the lock, not its answers and documents.
_LOCKED_COLUMNS = (
    Dossier.id, Dossier.code, Dossier.status, Dossier.applicant_id, Dossier.agency_code, Dossier.processing_days,
    Dossier.processing_day_unit, Dossier.paid_at,
)


@functools.cache
def _find_statement(by_code: bool, lock: bool) -> Any:
    """The order (by its reference, or the open one of a dossier code and provider) with its dossier; built once."""
    query = select(Payment, Dossier).join(Dossier, Dossier.id == Payment.dossier_id).options(
        load_only(*_LOCKED_COLUMNS)
    )
    if lock:
        query = query.with_for_update(of=Dossier)
    if not by_code:
        return query.where(Payment.order_ref == bindparam("b_order_ref"))
    return (
        query.where(Dossier.code == bindparam("b_code"), Payment.provider == bindparam("b_provider"))
        .order_by(Payment.status != "pending", Payment.created_at.desc())
        .limit(1)
    )


def _find_payment(db: Session, note: Notification) -> tuple[Payment, Dossier] | None:
    """The order the notification is about, with its dossier read and, for a payment, locked.

    One statement: the dossier row is locked (``FOR UPDATE OF dossiers``) as it is read, so every
    credit of one dossier queues here, and what is read of it is its latest committed state once the
    lock is granted. (SQLite has no row locks: one writer at a time, and the conditional UPDATEs of the
    credit refuse a dossier that moved on meanwhile.)
    """
    fresh = {"populate_existing": True}
    if note.order_ref:
        row = db.execute(
            _find_statement(False, note.success), {"b_order_ref": note.order_ref}, execution_options=fresh
        ).first()
        if row is not None and row[0].provider == note.provider:
            return row[0], row[1]
    if note.dossier_code:
        # A transfer whose description names only the application code: its open order with this provider.
        row = db.execute(
            _find_statement(True, note.success), {"b_code": note.dossier_code, "b_provider": note.provider},
            execution_options=fresh,
        ).first()
        if row is not None:
            return row[0], row[1]
    return None


def handle_notification(db: Session, note: Notification, now: datetime) -> NotificationResult:
    """Settle (or refuse) one provider notification; safe to call any number of times for the same one."""
    now = now.astimezone(UTC)
    if not note.signature_ok:
        return _record(db, note, "refused", "bad_signature", None, now)
    found = _find_payment(db, note)
    if found is None:
        return _record(db, note, "refused", "unknown_order", None, now)
    payment, dossier = found
    if note.currency.upper() not in (payment.currency, "704"):
        return _record(db, note, "refused", "wrong_currency", payment, now, dossier.code)
    if note.amount_vnd != payment.amount_vnd:
        return _record(db, note, "refused", "wrong_amount", payment, now, dossier.code)
    if not note.success:
        status, reason = ("cancelled", "cancelled") if note.cancelled else ("failed", "declined")
        moved = db.execute(
            update(Payment)
            .where(Payment.id == payment.id, Payment.status == "pending")
            .values(status=status, settled_at=now, reason=reason)
            .execution_options(synchronize_session=False)
        ).rowcount
        return _record(db, note, "failed" if moved else "duplicate", reason, payment, now, dossier.code)
    return _credit(db, payment, dossier, note, now)


def _credit(
    db: Session, payment: Payment, dossier: Dossier, note: Notification, now: datetime, by: Actor | None = None
) -> NotificationResult:
    """Credit ``payment``; ``dossier`` was read under its row lock by the caller.

    Crediting moves the dossier out of "awaiting payment" in the same transaction, so a dossier still
    awaiting payment under the lock has no paid payment; the partial unique index
    ``uq_payments_one_paid_per_dossier`` keeps that true whatever happens.
    """
    code = dossier.code
    if dossier.status != "awaiting_payment":
        # Money arrived that is not owed (paid twice from two tabs, or after withdrawing): set aside to refund.
        # A replay of the credited notification changes nothing here (its order is no longer pending).
        reason = dossier.status if dossier.status in ("withdrawn", "rejected") else "already_paid"
        moved = db.execute(
            update(Payment)
            .where(Payment.id == payment.id, Payment.status.in_(_PAYABLE))
            .values(status="refund_due", settled_at=now, provider_txn=note.provider_txn, reason=reason)
            .execution_options(synchronize_session=False)
        ).rowcount
        return _record(db, note, "refund_due" if moved else "duplicate", reason if moved else "", payment, now, code)
    clock = _clock(dossier, now)
    if db.get_bind().dialect.name == "postgresql":
        _paid_event(db, dossier, payment, now, by or Actor.system(), note.provider_txn)
        db.flush()  # the event, its audit row and the applicant's notice: before the receipt series is locked
        if not _credit_in_one_statement(db, payment, dossier, clock, note, now):
            raise InvalidTransition(detail=f"dossier {dossier.id} or its payment {payment.id} could not be credited")
    else:
        moved = db.execute(
            update(Dossier)
            .where(Dossier.id == dossier.id, Dossier.status == "awaiting_payment")
            .values(**clock)
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            raise InvalidTransition(detail=f"dossier {dossier.id} left awaiting_payment during the credit")
        _paid_event(db, dossier, payment, now, by or Actor.system(), note.provider_txn)
        _record(db, note, "credited", "", payment, now, code)
        db.flush()
        if not _settle_paid(db, payment.id, dossier.agency_code or "000.00.00.H00", note.provider_txn, now):
            # Only an order already refunded could get here: nothing of this transaction may stay.
            raise InvalidTransition(detail=f"payment {payment.id} of a dossier awaiting payment is not payable")
    for key, value in clock.items():
        # Keep the loaded (locked) object in step with the row without marking it dirty.
        set_committed_value(dossier, key, value)
    return NotificationResult("credited", "", payment.id, code)


def _clock(dossier: Dossier, now: datetime) -> dict[str, Any]:
    """Out of "awaiting payment"; the time limit counts from the payment (the agency's clock starts now)."""
    values: dict[str, Any] = {"status": PAID_STEP.target, "status_changed_at": now, "paid_at": now,
                              "last_touched_at": now}
    if dossier.processing_days is not None:
        due = calendar.appointment(now, dossier.processing_days, dossier.processing_day_unit)  # type: ignore[arg-type]
        values["appointment_at"] = values["original_appointment_at"] = due.at.astimezone(UTC)
    return values


def _paid_event(
    db: Session, dossier: Dossier, payment: Payment, now: datetime, by: Actor, provider_txn: str | None
) -> None:
    """The history's "fee paid" (with its audit row and the applicant's notice), by the system or the officer."""
    details: dict[str, Any] = {"provider": payment.provider, "amount_vnd": payment.amount_vnd, "order": payment.order_ref}
    if payment.provider in COUNTER_METHODS:
        # The history says which paper receipt the officer gave.
        details["counter_receipt"] = provider_txn
    record_event(
        db, dossier, by, PAID_STEP.action, now=now, from_status="awaiting_payment", to_status=PAID_STEP.target,
        details=details,
    )


# --- starting a payment ------------------------------------------------------------------------


def _awaiting(db: Session, dossier_code: str, actor: Actor, action: str) -> Dossier:
    dossier = db.scalar(select(Dossier).where(Dossier.code == dossier_code))
    if dossier is None:
        raise DossierNotFound(detail=dossier_code)
    if not can_read(actor, dossier) or (actor.role == "citizen" and dossier.applicant_id != actor.user_id):
        raise deny(db, action=action, actor=actor, dossier_id=dossier.id, reason="not the applicant or the agency")
    if dossier.status != "awaiting_payment" or not dossier.fee_due_vnd:
        raise PaymentRefused(Msg(MSG_NOT_AWAITING), detail=f"{dossier_code} is {dossier.status}")
    return dossier


def start_payment(db: Session, dossier_code: str, actor: Actor, provider: str, now: datetime) -> Payment:
    """The order the citizen pays now: the pending one of this provider if recent (another tab opened it),
    else a new one for exactly the fee due."""
    dossier = _awaiting(db, dossier_code, actor, "payment.start")
    now = now.astimezone(UTC)
    recent = db.scalar(
        select(Payment)
        .where(Payment.dossier_id == dossier.id, Payment.provider == provider, Payment.status == "pending")
        .order_by(Payment.created_at.desc())
        .limit(1)
    )
    if (
        recent is not None
        and recent.amount_vnd == dossier.fee_due_vnd
        and (now - recent.created_at).total_seconds() < REUSE_PENDING_MINUTES * 60
    ):
        return recent
    payment = Payment(
        dossier_id=dossier.id,
        order_ref=_new_order_ref(dossier.id),
        provider=provider,
        amount_vnd=int(dossier.fee_due_vnd),
        currency="VND",
        status="pending",
        created_at=now,
    )
    db.add(payment)
    db.flush()
    return payment


def counter_receipt_number(text: str | None) -> str:
    """The receipt number as typed, tidied (spaces collapsed, upper case); ``PaymentRefused`` when it is
    missing or cannot be a receipt number (stray characters, no digit, too long)."""
    cleaned = " ".join((text or "").split()).upper()
    if not cleaned:
        raise PaymentRefused(Msg(MSG_RECEIPT_NUMBER))
    if (
        len(cleaned) > COUNTER_RECEIPT_MAX
        or not COUNTER_RECEIPT.fullmatch(cleaned)
        or not any(c.isdigit() for c in cleaned)
    ):
        raise PaymentRefused(Msg(MSG_RECEIPT_MALFORMED), detail=f"malformed counter receipt {cleaned[:64]!r}")
    return cleaned


def may_record_counter_payment(db: Session, dossier: Dossier, actor: Actor) -> bool:
    """Whether the desk offers "record a payment made at the counter" for this dossier now."""
    return (
        actor.is_staff
        and can_read(actor, dossier)
        and dossier.status == "awaiting_payment"
        and bool(dossier.fee_due_vnd)
        and not _paid_count(db, dossier.id)
    )


def _paid_count(db: Session, dossier_id: int) -> int:
    return int(
        db.scalar(
            select(func.count()).select_from(Payment).where(Payment.dossier_id == dossier_id, Payment.status == "paid")
        )
        or 0
    )


def _not_payable_at_counter(db: Session, dossier_id: int) -> PaymentRefused | None:
    """Why the dossier's fee cannot be recorded as paid now (read afresh), or None when it can."""
    status, paid_at, fee_due = db.execute(
        select(Dossier.status, Dossier.paid_at, Dossier.fee_due_vnd).where(Dossier.id == dossier_id)
    ).one()
    if status == "withdrawn":
        return PaymentRefused(Msg(MSG_WITHDRAWN), detail=f"dossier {dossier_id} is withdrawn")
    if _paid_count(db, dossier_id) or (status != "awaiting_payment" and paid_at is not None):
        return PaymentRefused(Msg(MSG_ALREADY_PAID), detail=f"dossier {dossier_id} is already paid")
    if status != "awaiting_payment" or not fee_due:
        return PaymentRefused(Msg(MSG_NOT_AWAITING), detail=f"dossier {dossier_id} is {status}")
    return None


def record_counter_payment(
    db: Session, dossier_code: str, actor: Actor, *, method: str, counter_receipt: str, amount_vnd: int, now: datetime
) -> NotificationResult:
    """Cash or a card terminal at the counter, with the number of the receipt given there.

    Either the dossier is credited once (fee receipt number issued, out of "awaiting payment", the
    officer named in its history and the audit trail) or ``PaymentRefused`` says why and the caller's
    transaction must be rolled back: nothing of a refused attempt is kept. The dossier row is locked
    before anything is read, so two officers (or two tabs) recording the same fee queue, and the second
    is told it is already paid.
    """
    if not actor.is_staff:
        raise deny(db, action="payment.counter", actor=actor, dossier_id=None, reason="not staff")
    if method not in COUNTER_METHODS:
        raise PaymentRefused(Msg(MSG_BAD_METHOD))
    counter_receipt = counter_receipt_number(counter_receipt)
    dossier = db.scalar(
        select(Dossier).where(Dossier.code == dossier_code).with_for_update().execution_options(populate_existing=True)
    )
    if dossier is None or dossier.status == "draft":
        raise DossierNotFound(detail=dossier_code)
    if not can_read(actor, dossier):
        raise deny(db, action="payment.counter", actor=actor, dossier_id=dossier.id, reason="not the agency")
    refusal = _not_payable_at_counter(db, dossier.id)
    if refusal is not None:
        raise refusal
    if amount_vnd != dossier.fee_due_vnd:
        raise PaymentRefused(Msg(MSG_WRONG_AMOUNT, {"amount": int(dossier.fee_due_vnd or 0)}))
    # One receipt, one payment (the unique index on provider and reference says so too, but bluntly).
    used = db.scalar(
        select(Payment.id).where(Payment.provider == method, Payment.provider_txn == counter_receipt).limit(1)
    )
    if used is not None:
        raise PaymentRefused(Msg(MSG_RECEIPT_USED), detail=f"counter receipt {counter_receipt} already recorded")
    now = now.astimezone(UTC)
    payment = Payment(
        dossier_id=dossier.id,
        order_ref=_new_order_ref(dossier.id),
        provider=method,
        amount_vnd=amount_vnd,
        currency="VND",
        status="pending",
        created_at=now,
        recorded_by=actor.user_id,
    )
    db.add(payment)
    db.flush()
    note = Notification(
        provider=method, signature_ok=True, success=True, order_ref=payment.order_ref, amount_vnd=amount_vnd,
        provider_txn=counter_receipt, payload={"counter_receipt": counter_receipt, "officer": actor.user_id},
    )
    try:
        result = _credit(db, payment, dossier, note, now, by=actor)
    except InvalidTransition:
        # SQLite reads without locking: the dossier changed between the read above and this transaction's first
        # write (which waited for the other one to commit). Say what happened to it; the caller rolls back.
        raise _not_payable_at_counter(db, dossier.id) or PaymentRefused(Msg(MSG_NOT_AWAITING)) from None
    if result.outcome != "credited":
        # Paid meanwhile (the lock above makes this the databases' last word, not the usual path).
        raise PaymentRefused(Msg(MSG_ALREADY_PAID), detail=f"{dossier_code}: {result.outcome} {result.reason}")
    return result


# --- refunds and reconciliation ----------------------------------------------------------------


def mark_refunds_due(db: Session, now: datetime) -> int:
    """Paid dossiers that were rejected or withdrawn: their payment is to be refunded."""
    ids = db.scalars(
        select(Payment.id)
        .join(Dossier, Dossier.id == Payment.dossier_id)
        .where(Payment.status == "paid", Dossier.status.in_(REFUND_WHEN))
    ).all()
    for payment_id in ids:
        moved = db.execute(
            update(Payment)
            .where(Payment.id == payment_id, Payment.status == "paid")
            .values(status="refund_due", reason="dossier_ended")
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved:
            audit.record(
                db, action="payment.refund_due", target_type="payment", target_id=str(payment_id),
                actor_role="system", details={"reason": "dossier_ended"},
            )
    return len(ids)


def record_refund(db: Session, payment_id: int, actor: Actor, now: datetime) -> bool:
    """The agency paid the money back (staff): ``refund_due`` → ``refunded``."""
    if not actor.is_staff:
        raise deny(db, action="payment.refund", actor=actor, dossier_id=None, reason="not staff")
    moved = db.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.status == "refund_due")
        .values(status="refunded", refunded_at=now.astimezone(UTC))
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        audit.record(
            db, action="payment.refunded", target_type="payment", target_id=str(payment_id),
            actor_id=actor.audit_id, actor_role=actor.role,
        )
    return bool(moved)


def pending_payments(db: Session, provider: str, older_than: datetime, limit: int = 200) -> list[Payment]:
    return list(
        db.scalars(
            select(Payment)
            .where(Payment.provider == provider, Payment.status == "pending", Payment.created_at <= older_than)
            .order_by(Payment.created_at)
            .limit(limit)
        )
    )
