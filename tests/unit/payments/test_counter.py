"""A fee paid at the counter (cash or card terminal) and recorded by an officer, on SQLite and PostgreSQL.

Every refusal says why in both languages and keeps nothing: the dossier still awaits payment with no
payment row, no receipt number taken and no event; a success credits once, moves the dossier on like an
online payment and names the officer in its history and the audit trail.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from citizen_app.core import dossiers
from citizen_app.core.dossiers import Actor
from citizen_app.core.dossiers.staff_desk import desk_view
from citizen_app.core.i18n import Msg, get_translator
from citizen_app.core.payments import ledger, service
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from citizen_app.db.models.payments import FeeReceiptSequence, Payment
from citizen_app.ui.payment_view import fee_receipt_view
from citizen_app.ui.staff_view import desk_page
from tests.unit.dossiers.helpers import NOW, draft_with_file, make_user, officer, submit
from tests.unit.payments.test_ledger import FEE, awaiting, gateway_params, ipn

VI, EN = get_translator("vi"), get_translator("en")


def record(db: Session, code: str, desk: Actor, receipt: str = "AA/26P 0001234", method: str = "cash",
           amount: int = FEE) -> ledger.NotificationResult:
    return ledger.record_counter_payment(db, code, desk, method=method, counter_receipt=receipt, amount_vnd=amount,
                                         now=NOW + timedelta(minutes=3))


def refused(db: Session, code: str, desk: Actor, **kwargs: object) -> Msg:
    """The refusal's message, after rolling the transaction back as ``unit_of_work`` does."""
    with pytest.raises(ledger.PaymentRefused) as caught:
        record(db, code, desk, **kwargs)  # type: ignore[arg-type]
    db.rollback()
    return caught.value.message


def nothing_kept(db: Session, dossier_id: int, status: str = "awaiting_payment") -> None:
    assert db.scalar(select(Dossier.status).where(Dossier.id == dossier_id)) == status
    assert db.scalar(select(func.count()).select_from(Payment).where(Payment.provider.in_(ledger.COUNTER_METHODS))) == 0
    assert db.scalar(select(func.count()).select_from(FeeReceiptSequence)) == 0  # no receipt number taken
    assert db.scalar(select(func.count()).select_from(DossierEvent).where(
        DossierEvent.dossier_id == dossier_id, DossierEvent.action == "pay")) == 0


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("0001234", "0001234"), ("  aa/26p   0001234 ", "AA/26P 0001234"), ("BL-2026.15", "BL-2026.15")],
)
def test_a_receipt_number_is_tidied(typed: str, kept: str) -> None:
    assert ledger.counter_receipt_number(typed) == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", ledger.MSG_RECEIPT_NUMBER),
        ("   ", ledger.MSG_RECEIPT_NUMBER),
        ("ABCDEF", ledger.MSG_RECEIPT_MALFORMED),  # no digit
        ("12;DROP", ledger.MSG_RECEIPT_MALFORMED),
        ("-0001", ledger.MSG_RECEIPT_MALFORMED),
        ("AA//0001", ledger.MSG_RECEIPT_MALFORMED),
        ("Số 12", ledger.MSG_RECEIPT_MALFORMED),
        ("1" * 41, ledger.MSG_RECEIPT_MALFORMED),
    ],
)
def test_an_empty_or_malformed_receipt_number_is_refused(typed: str, message: str) -> None:
    with pytest.raises(ledger.PaymentRefused) as caught:
        ledger.counter_receipt_number(typed)
    assert caught.value.message.msgid == message
    # Both languages say it, differently.
    assert VI.render(caught.value.message) != EN.render(caught.value.message)


def test_cash_at_the_counter_moves_the_dossier_on_like_an_online_payment(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    assert desk_view(db_session, desk, dossier.code, now=NOW).counter_payment is True

    result = record(db_session, dossier.code, desk, receipt=" aa/26p 0001234 ")
    db_session.commit()
    assert result.outcome == "credited" and result.dossier_code == dossier.code
    db_session.refresh(dossier)
    assert dossier.status == "submitted" and dossier.paid_at is not None
    assert dossier.appointment_at > NOW + timedelta(minutes=3)

    # The citizen's electronic fee receipt: method, amount and the counter receipt's number.
    receipt = service.fee_receipt(db_session, dossier.code, user)
    assert (receipt.method, receipt.amount_vnd, receipt.provider_txn) == ("cash", FEE, "AA/26P 0001234")
    assert receipt.number.startswith("BL26-")
    shown = fee_receipt_view(receipt, VI)
    assert (shown.method, shown.amount, shown.transaction) == ("Tiền mặt tại bộ phận một cửa", "10.000\xa0đ", "AA/26P 0001234")
    assert shown.transaction_label == "Số biên lai thu tại bộ phận một cửa"
    assert fee_receipt_view(receipt, EN).transaction_label == "Counter receipt number"

    # Who recorded it: the history and the audit trail name the officer.
    event = db_session.scalar(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id,
                                                         DossierEvent.action == "pay"))
    assert event is not None and (event.actor_id, event.actor_role) == (desk.user_id, "counter_officer")
    assert event.details["counter_receipt"] == "AA/26P 0001234" and event.details["provider"] == "cash"
    trail = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "dossier.pay"))
    assert trail is not None and trail.actor_id == desk.audit_id
    page = desk_page(desk_view(db_session, desk, dossier.code, now=NOW), EN)
    assert page.counter_payment is False and page.counter_methods == []
    paid_event = next(e for e in page.events if e.what == "Fee paid")
    assert paid_event.note == "Cash at the counter, VND\xa010,000, receipt number AA/26P 0001234"
    assert paid_event.who == "Test (Counter officer)"


def test_a_card_terminal_payment_is_recorded_with_its_method(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    assert record(db_session, dossier.code, desk, receipt="POS-000981", method="card_terminal").outcome == "credited"
    db_session.commit()
    receipt = service.fee_receipt(db_session, dossier.code, user)
    assert (receipt.method, receipt.provider_txn) == ("card_terminal", "POS-000981")
    assert fee_receipt_view(receipt, VI).method == "Quẹt thẻ tại bộ phận một cửa"
    assert fee_receipt_view(receipt, EN).method == "Card terminal at the counter"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"receipt": ""}, ledger.MSG_RECEIPT_NUMBER),
        ({"receipt": "no digits"}, ledger.MSG_RECEIPT_MALFORMED),
        ({"method": "bitcoin"}, ledger.MSG_BAD_METHOD),
        ({"amount": FEE - 1}, ledger.MSG_WRONG_AMOUNT),
    ],
)
def test_a_refused_entry_keeps_nothing(db_session: Session, kwargs: dict[str, object], message: str) -> None:
    dossier, _user = awaiting(db_session)
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    assert refused(db_session, dossier.code, desk, **kwargs).msgid == message
    nothing_kept(db_session, dossier.id)


def test_a_dossier_already_paid_online_is_not_credited_again(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    assert ipn(db_session, gateway_params(db_session, dossier, user)) == "00"
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    assert desk_view(db_session, desk, dossier.code, now=NOW).counter_payment is False
    assert refused(db_session, dossier.code, desk).msgid == ledger.MSG_ALREADY_PAID
    payments = db_session.scalars(select(Payment.provider).where(Payment.dossier_id == dossier.id)).all()
    assert payments == ["vnpay"]


def test_a_second_officer_or_tab_is_told_it_is_already_paid(db_session: Session) -> None:
    dossier, _user = awaiting(db_session)
    first = officer(db_session, commune=dossier.commune_code or "00008")
    second = officer(db_session, commune=dossier.commune_code or "00008")
    db_session.commit()
    assert record(db_session, dossier.code, first, receipt="0000001").outcome == "credited"
    db_session.commit()
    assert refused(db_session, dossier.code, second, receipt="0000002").msgid == ledger.MSG_ALREADY_PAID
    assert refused(db_session, dossier.code, first, receipt="0000001").msgid == ledger.MSG_ALREADY_PAID
    assert db_session.scalars(select(Payment.provider_txn).where(Payment.dossier_id == dossier.id)).all() == [
        "0000001"]


def test_two_officers_at_the_same_moment_credit_once(db_session: Session) -> None:
    """Two transactions at once: the dossier row lock makes the second wait, then refuse (PostgreSQL). SQLite
    reads without locking: the second waits for the write lock, then finds the dossier moved on and refuses
    (or gives up waiting: "database is locked", which the app asks to retry). Never two credits."""
    dossier, _user = awaiting(db_session)
    first = officer(db_session, commune=dossier.commune_code or "00008")
    second = officer(db_session, commune=dossier.commune_code or "00008")
    db_session.commit()
    engine = db_session.get_bind()
    outcome: dict[str, object] = {}

    def other_tab() -> None:
        with Session(engine) as other:
            try:
                record(other, dossier.code, second, receipt="0000002")
                other.commit()
                outcome["second"] = "credited"
            except ledger.PaymentRefused as refusal:
                other.rollback()
                outcome["second"] = refusal.message.msgid
            except OperationalError as error:
                other.rollback()
                outcome["second"] = "locked" if "locked" in str(error) else str(error)

    assert record(db_session, dossier.code, first, receipt="0000001").outcome == "credited"
    racing = threading.Thread(target=other_tab)
    racing.start()
    racing.join(0.5)  # the other tab is now waiting for the dossier (or the write lock)
    db_session.commit()
    racing.join(30)
    allowed = {ledger.MSG_ALREADY_PAID} if engine.dialect.name == "postgresql" else {ledger.MSG_ALREADY_PAID, "locked"}
    assert outcome["second"] in allowed
    paid = db_session.scalars(select(Payment.provider_txn).where(Payment.dossier_id == dossier.id)).all()
    assert paid == ["0000001"]


def test_a_dossier_not_awaiting_payment_is_refused(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    free = submit(db_session, draft_with_file(db_session, citizen), citizen).dossier
    db_session.commit()
    assert free.status == "submitted"  # its fee (if any) is not collected through the app
    desk = officer(db_session, commune=free.commune_code or "00008")
    assert desk_view(db_session, desk, free.code, now=NOW).counter_payment is False
    assert refused(db_session, free.code, desk).msgid == ledger.MSG_NOT_AWAITING
    nothing_kept(db_session, free.id, status="submitted")


def test_a_withdrawn_dossier_is_refused(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    dossiers.withdraw(db_session, dossier.id, Actor.citizen(user.user_id), now=NOW)
    db_session.commit()
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    assert refused(db_session, dossier.code, desk).msgid == ledger.MSG_WITHDRAWN
    nothing_kept(db_session, dossier.id, status="withdrawn")


def test_a_receipt_number_cannot_pay_two_dossiers(db_session: Session) -> None:
    one, _user = awaiting(db_session)
    two, _other = awaiting(db_session)
    desk = officer(db_session, commune=one.commune_code or "00008")
    record(db_session, one.code, desk, receipt="0000042")
    db_session.commit()
    assert refused(db_session, two.code, desk, receipt="0000042").msgid == ledger.MSG_RECEIPT_USED
    assert db_session.scalar(select(Dossier.status).where(Dossier.id == two.id)) == "awaiting_payment"
    assert db_session.scalar(select(func.count()).select_from(Payment).where(Payment.dossier_id == two.id)) == 0


def test_only_staff_of_the_agency_may_record(db_session: Session) -> None:
    dossier, user = awaiting(db_session)
    with pytest.raises(dossiers.AccessDenied):
        record(db_session, dossier.code, Actor.citizen(user.user_id))
    db_session.rollback()
    stranger = officer(db_session, commune="99999")
    with pytest.raises(dossiers.AccessDenied):
        desk_view(db_session, stranger, dossier.code, now=NOW)
    db_session.rollback()
    with pytest.raises(dossiers.AccessDenied):
        record(db_session, dossier.code, stranger)
    db_session.rollback()
    nothing_kept(db_session, dossier.id)


def test_the_desk_page_offers_the_counter_methods_in_each_language(db_session: Session) -> None:
    dossier, _user = awaiting(db_session)
    desk = officer(db_session, commune=dossier.commune_code or "00008")
    view = desk_view(db_session, desk, dossier.code, now=NOW)
    vi, en = desk_page(view, VI), desk_page(view, EN)
    assert vi.counter_payment and vi.fee_due_vnd == FEE and vi.fee == "10.000\xa0đ"
    assert [c.value for c in vi.counter_methods] == ["cash", "card_terminal"]
    assert [c.label for c in en.counter_methods] == ["Cash at the counter", "Card terminal at the counter"]
    assert [c.label for c in vi.counter_methods] != [c.label for c in en.counter_methods]
