"""The payment lifecycle on SQLite and PostgreSQL, with every bad input of issue 11.

Each bad input has a clear outcome and leaves no half-paid state: the dossier is either still
awaiting payment with nothing credited, or paid exactly once.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core import dossiers
from citizen_app.core.dossiers import Actor
from citizen_app.core.fees import Fee, FeeSchedule
from citizen_app.core.payments import ledger, service, vietqr, vnpay
from citizen_app.core.payments.reconcile import reconcile_with
from citizen_app.core.payments.registry import VietQrTransfer, VnpayGateway
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.payments import Payment, PaymentNotification
from citizen_app.settings import get_settings
from tests.unit.dossiers.helpers import NOW, draft_with_file, make_user, officer, submit, terms

FEE = 10_000


class Citizen:
    def __init__(self, user_id: int) -> None:
        self.user_id, self.roles, self.unit_level, self.unit_code = user_id, ("citizen",), None, None


def paid_terms() -> dossiers.ProcedureTerms:
    return dataclasses.replace(
        terms(), fee_schedule=FeeSchedule(fees=(Fee("online", FEE), Fee("counter", 20_000))), online_payment=True
    )


def awaiting(db: Session) -> tuple[Dossier, Citizen]:
    user_id = make_user(db)
    citizen = Actor.citizen(user_id)
    procedure = paid_terms()
    draft = draft_with_file(db, citizen, procedure=procedure)
    dossier = submit(db, draft, citizen, procedure=procedure).dossier
    db.commit()
    assert dossier.status == "awaiting_payment" and dossier.fee_due_vnd == FEE
    assert dossier.fee_breakdown["total_vnd"] == FEE
    return dossier, Citizen(user_id)


def gateway_params(db: Session, dossier: Dossier, user: Citizen, **changes: str) -> dict[str, str]:
    """What the gateway sends back for a paid order (signed), with ``changes`` applied after signing."""
    out = service.checkout(
        db, dossier.code, user, get_settings(), "vnpay", return_url="https://app/vi/pay/return/vnpay",
        ip_address="1.2.3.4", locale="vi", now=NOW,
    )
    db.commit()
    sent = dict(parse_qsl(urlsplit(out.redirect_url).query))
    answer = {
        "vnp_Amount": sent["vnp_Amount"], "vnp_BankCode": "NCB", "vnp_OrderInfo": sent["vnp_OrderInfo"],
        "vnp_PayDate": "20261116090500", "vnp_ResponseCode": "00", "vnp_TmnCode": sent["vnp_TmnCode"],
        "vnp_TransactionNo": "14000001", "vnp_TransactionStatus": "00", "vnp_TxnRef": sent["vnp_TxnRef"],
    }
    signed = {k: v for k, v in changes.items() if not k.startswith("_")}
    answer.update(signed)
    answer["vnp_SecureHash"] = vnpay.sign(answer, get_settings().vnpay_hash_secret)
    answer.update({k[1:]: v for k, v in changes.items() if k.startswith("_")})  # changed after signing
    return answer


def ipn(db: Session, params: dict[str, str]) -> str:
    answer = service.vnpay_ipn(db, get_settings(), params, NOW + timedelta(minutes=5))
    db.commit()
    return answer["RspCode"]


def credits(db: Session, dossier_id: int) -> int:
    return int(db.scalar(select(func.count()).select_from(Payment).where(
        Payment.dossier_id == dossier_id, Payment.status == "paid")) or 0)


def test_a_paid_ipn_credits_once_and_starts_the_clock(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    params = gateway_params(db_session, dossier, user)
    assert ipn(db_session, params) == "00"
    db_session.refresh(dossier)
    assert dossier.status == "submitted" and dossier.paid_at is not None
    assert dossier.appointment_at > NOW + timedelta(minutes=5)
    payment = db_session.scalar(select(Payment).where(Payment.dossier_id == dossier.id))
    assert payment.receipt_number and payment.receipt_number.startswith("BL26-")
    receipt = service.fee_receipt(db_session, dossier.code, user)
    assert receipt.amount_vnd == FEE and receipt.method == "vnpay"


def test_a_replayed_ipn_is_already_confirmed_and_never_credits_twice(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    params = gateway_params(db_session, dossier, user)
    assert [ipn(db_session, params) for _ in range(3)] == ["00", "02", "02"]
    assert credits(db_session, dossier.id) == 1
    outcomes = db_session.scalars(select(PaymentNotification.outcome).order_by(PaymentNotification.id)).all()
    assert outcomes == ["credited", "duplicate", "duplicate"]


def test_an_ipn_for_an_unknown_order_is_refused_and_audited(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    params = gateway_params(db_session, dossier, user, vnp_TxnRef="HS999XNOPE")
    assert ipn(db_session, params) == "01"
    assert credits(db_session, dossier.id) == 0
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.refused")) is not None


@pytest.mark.parametrize(
    ("changes", "code", "reason"),
    [
        ({"_vnp_Amount": "100000"}, "97", "bad_signature"),  # amount changed after signing: the hash breaks
        ({"_vnp_SecureHash": "00" * 64}, "97", "bad_signature"),
        ({"vnp_Amount": "100000"}, "04", "wrong_amount"),  # signed, but not what the order costs
        ({"vnp_CurrCode": "USD"}, "04", "wrong_currency"),
    ],
)
def test_tampered_or_wrong_notifications_are_refused(
    db_session: Session, changes: dict[str, str], code: str, reason: str
) -> None:
    dossier, user = awaiting(db_session)
    assert ipn(db_session, gateway_params(db_session, dossier, user, **changes)) == code
    db_session.refresh(dossier)
    assert dossier.status == "awaiting_payment" and credits(db_session, dossier.id) == 0
    assert db_session.scalar(select(PaymentNotification.reason)) == reason


def test_a_tampered_return_url_is_refused_and_changes_nothing(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    params = gateway_params(db_session, dossier, user, _vnp_Amount="100")
    back = service.vnpay_return(db_session, get_settings(), params, NOW)
    db_session.commit()
    assert not back.verified and back.dossier_code == dossier.code
    db_session.refresh(dossier)
    assert dossier.status == "awaiting_payment" and credits(db_session, dossier.id) == 0


def test_cancelling_at_the_gateway_leaves_it_awaiting_payment(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    params = gateway_params(db_session, dossier, user, vnp_ResponseCode="24", vnp_TransactionStatus="02")
    back = service.vnpay_return(db_session, get_settings(), params, NOW)
    db_session.commit()
    assert back.verified and back.cancelled and not back.paid
    assert ipn(db_session, params) == "02"  # the IPN of the same cancellation: already recorded
    db_session.refresh(dossier)
    assert dossier.status == "awaiting_payment"
    assert db_session.scalar(select(Payment.status)) == "cancelled"
    # Paying again makes a new order.
    again = service.checkout(db_session, dossier.code, user, get_settings(), "vnpay", return_url="x",
                             ip_address="1.1.1.1", locale="vi", now=NOW)
    assert again.order_ref != params["vnp_TxnRef"]


def test_an_ipn_after_the_citizen_withdrew_records_a_refund_not_a_credit(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    params = gateway_params(db_session, dossier, user)
    dossiers.withdraw(db_session, dossier.id, Actor.citizen(user.user_id), now=NOW)
    db_session.commit()
    assert ipn(db_session, params) == "00"
    db_session.refresh(dossier)
    assert dossier.status == "withdrawn" and credits(db_session, dossier.id) == 0
    payment = db_session.scalar(select(Payment))
    assert payment.status == "refund_due" and payment.reason == "withdrawn"


def test_two_tabs_get_one_order_and_two_providers_paying_credit_once(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    settings = get_settings()
    first = service.checkout(db_session, dossier.code, user, settings, "vnpay", return_url="x",
                             ip_address="1.1.1.1", locale="vi", now=NOW)
    second = service.checkout(db_session, dossier.code, user, settings, "vnpay", return_url="x",
                              ip_address="1.1.1.1", locale="vi", now=NOW + timedelta(minutes=1))
    assert first.order_ref == second.order_ref
    transfer = service.checkout(db_session, dossier.code, user, settings, "vietqr", return_url="x",
                                ip_address="1.1.1.1", locale="vi", now=NOW)
    db_session.commit()
    assert ipn(db_session, gateway_params(db_session, dossier, user)) == "00"
    decoded = vietqr.decode(transfer.qr_payload)
    body = json.dumps({"transaction_id": "FT1", "account_number": decoded.account_number, "amount": decoded.amount_vnd,
                       "currency": "VND", "description": decoded.description, "reference": decoded.reference}).encode()
    result = service.bank_webhook(db_session, settings, body, vietqr.webhook_signature(settings.vietqr_webhook_secret,
                                                                                        body), NOW)
    db_session.commit()
    assert result.outcome == "refund_due" and result.reason == "already_paid"
    assert credits(db_session, dossier.id) == 1


def test_a_bank_webhook_with_a_bad_signature_or_amount_is_refused(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    settings = get_settings()
    transfer = service.checkout(db_session, dossier.code, user, settings, "vietqr", return_url="x",
                                ip_address="1.1.1.1", locale="vi", now=NOW)
    db_session.commit()
    item = {"transaction_id": "FT2", "account_number": transfer.account_number, "amount": FEE, "currency": "VND",
            "description": dossier.code, "reference": transfer.order_ref}
    body = json.dumps(item).encode()
    assert service.bank_webhook(db_session, settings, body, "bad", NOW).reason == "bad_signature"
    wrong = json.dumps({**item, "amount": FEE - 1}).encode()
    sign = vietqr.webhook_signature
    assert service.bank_webhook(db_session, settings, wrong, sign(settings.vietqr_webhook_secret, wrong),
                                NOW).reason == "wrong_amount"
    # A transfer that names only the application code (typed by hand) still finds its order.
    by_code = json.dumps({**item, "reference": ""}).encode()
    result = service.bank_webhook(db_session, settings, by_code, sign(settings.vietqr_webhook_secret, by_code), NOW)
    db_session.commit()
    assert result.outcome == "credited" and credits(db_session, dossier.id) == 1


def test_reconciliation_settles_a_lost_notification_and_survives_a_provider_that_is_down(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    params = gateway_params(db_session, dossier, user)
    settings = get_settings()

    def down(_request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("the gateway is slow")

    later = NOW + timedelta(minutes=20)
    assert reconcile_with(db_session, VnpayGateway(settings, transport=httpx.MockTransport(down)), later) == 0
    db_session.commit()
    db_session.refresh(dossier)
    assert dossier.status == "awaiting_payment" and db_session.scalar(select(Payment.status)) == "pending"

    def gateway(request: httpx.Request) -> httpx.Response:
        answer = {
            "vnp_ResponseId": "1", "vnp_Command": "querydr", "vnp_ResponseCode": "00", "vnp_Message": "ok",
            "vnp_TmnCode": params["vnp_TmnCode"], "vnp_TxnRef": params["vnp_TxnRef"],
            "vnp_Amount": params["vnp_Amount"], "vnp_BankCode": "NCB", "vnp_PayDate": "20261116090500",
            "vnp_TransactionNo": "14000009", "vnp_TransactionType": "01", "vnp_TransactionStatus": "00",
            "vnp_OrderInfo": params["vnp_OrderInfo"], "vnp_PromotionCode": "", "vnp_PromotionAmount": "",
        }
        answer["vnp_SecureHash"] = vnpay.sign_query_response(answer, settings.vnpay_hash_secret)
        return httpx.Response(200, json=answer)

    assert reconcile_with(db_session, VnpayGateway(settings, transport=httpx.MockTransport(gateway)), later) == 1
    db_session.commit()
    db_session.refresh(dossier)
    assert dossier.status == "submitted" and credits(db_session, dossier.id) == 1
    assert reconcile_with(db_session, VnpayGateway(settings, transport=httpx.MockTransport(gateway)), later) == 0


def test_the_bank_is_asked_too(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    settings = get_settings()
    transfer = service.checkout(db_session, dossier.code, user, settings, "vietqr", return_url="x",
                                ip_address="1.1.1.1", locale="vi", now=NOW)
    db_session.commit()

    def bank(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {settings.vietqr_api_key}"
        return httpx.Response(200, json={"transactions": [{
            "transaction_id": "FT9", "account_number": transfer.account_number, "amount": FEE, "currency": "VND",
            "description": dossier.code, "reference": transfer.order_ref, "status": "success"}]})

    assert reconcile_with(db_session, VietQrTransfer(settings, transport=httpx.MockTransport(bank)),
                          NOW + timedelta(minutes=20)) == 1
    db_session.commit()
    assert credits(db_session, dossier.id) == 1


def test_counter_staff_record_cash_with_its_receipt_number(db_session: Session) -> None:
    dossier, _user = awaiting(db_session)
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    with pytest.raises(ledger.PaymentRefused):
        ledger.record_counter_payment(db_session, dossier.code, desk, method="cash", counter_receipt="",
                                      amount_vnd=FEE, now=NOW)
    with pytest.raises(ledger.PaymentRefused):
        ledger.record_counter_payment(db_session, dossier.code, desk, method="cash", counter_receipt="Q-1",
                                      amount_vnd=FEE + 1, now=NOW)
    result = ledger.record_counter_payment(db_session, dossier.code, desk, method="cash", counter_receipt="Q-1",
                                           amount_vnd=FEE, now=NOW)
    db_session.commit()
    assert result.outcome == "credited"
    with pytest.raises(ledger.PaymentRefused):  # not awaiting payment any more
        ledger.record_counter_payment(db_session, dossier.code, desk, method="card_terminal", counter_receipt="Q-2",
                                      amount_vnd=FEE, now=NOW)
    payment = db_session.scalar(select(Payment))
    assert (payment.provider, payment.provider_txn, payment.recorded_by) == ("cash", "Q-1", desk.user_id)


def test_a_paid_dossier_that_is_rejected_gets_its_refund_marked_due(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    assert ipn(db_session, gateway_params(db_session, dossier, user)) == "00"
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    dossiers.reject(db_session, dossier.id, desk, now=NOW + timedelta(hours=1), reason="Not eligible")
    assert ledger.mark_refunds_due(db_session, NOW) == 1
    payment = db_session.scalar(select(Payment))
    assert payment.status == "refund_due"
    assert ledger.record_refund(db_session, payment.id, desk, NOW)
    db_session.commit()
    assert db_session.scalar(select(Payment.status)) == "refunded"


def test_only_the_applicant_or_the_agency_may_pay_or_read(db_session: Session) -> None:
    dossier, _user = awaiting(db_session)
    stranger = Citizen(make_user(db_session))
    with pytest.raises(dossiers.AccessDenied):
        service.checkout(db_session, dossier.code, stranger, get_settings(), "vnpay", return_url="x",
                         ip_address="1.1.1.1", locale="vi", now=NOW)
    with pytest.raises(dossiers.AccessDenied):
        service.dossier_payments(db_session, dossier.code, stranger, get_settings())


def test_the_supervisor_sees_fees_collected_per_day_and_method(db_session: Session) -> None:
    from citizen_app.core.i18n import get_translator
    from citizen_app.core.payments.collected import collected
    from citizen_app.ui.fee_view import collected_rows

    dossier, user = awaiting(db_session)
    assert ipn(db_session, gateway_params(db_session, dossier, user)) == "00"
    other, _user = awaiting(db_session)
    desk = officer(db_session, commune=other.commune_code or "00008")
    ledger.record_counter_payment(db_session, other.code, desk, method="cash", counter_receipt="Q-7",
                                  amount_vnd=FEE, now=NOW + timedelta(minutes=5))
    db_session.commit()
    supervisor = Actor(role="supervisor", user_id=desk.user_id, unit_level="province", unit_code="01")
    rows = collected(db_session, supervisor, start=NOW - timedelta(days=1), end=NOW + timedelta(days=1))
    assert {(r.day.isoformat(), r.method, r.payments, r.amount_vnd) for r in rows} == {
        ("2026-11-16", "vnpay", 1, FEE), ("2026-11-16", "cash", 1, FEE)}
    shown = collected_rows(rows, get_translator("en"))
    assert {row.amount for row in shown} == {"VND\xa010,000"}
    with pytest.raises(dossiers.AccessDenied):
        collected(db_session, desk, start=NOW, end=NOW + timedelta(days=1))
