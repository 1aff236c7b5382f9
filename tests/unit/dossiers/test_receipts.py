"""Receipt slips, signed verification tokens, QR images decoded independently, public verification."""

from __future__ import annotations

import base64
import io
import os
import stat
from dataclasses import fields
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from citizen_app.core import dossiers, receipt_tokens, receipts
from citizen_app.core.dossiers import Actor
from citizen_app.core.i18n import get_translator
from citizen_app.db.models.dossiers import Dossier
from citizen_app.settings import get_settings, load_settings
from tests.unit.dossiers import helpers
from tests.unit.dossiers.helpers import NOW, make_user, officer

CODE = "008.00.20.H01-261116-0001"


def test_token_round_trip() -> None:
    token = receipt_tokens.sign_code(CODE)
    assert receipt_tokens.verify_token(token) == CODE
    assert len(token) < 64
    assert all(c.isalnum() or c in "-_." for c in token)


def test_the_key_is_made_once_and_kept_private() -> None:
    settings = get_settings()
    first = receipt_tokens.signing_key()
    path = settings.keys_dir / receipt_tokens.KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert receipt_tokens.signing_key() == first and len(first) == 32


def test_tampered_and_forged_tokens_are_not_genuine() -> None:
    token = receipt_tokens.sign_code(CODE)
    encoded_code, tag = token.split(".")
    other_code = base64.urlsafe_b64encode(CODE.replace("0001", "0002").encode()).rstrip(b"=").decode()
    flipped = tag[:-1] + ("A" if tag[-1] != "A" else "B")
    forged_key = load_settings({"RECEIPT_SIGNING_KEY": "attacker", "DATA_DIR": "/tmp/forger"})
    for bad in [
        f"{other_code}.{tag}",  # someone else's code with my tag
        f"{encoded_code}.{flipped}",  # tag altered (maybe only in base64's spare bits)
        f"{encoded_code}.{tag[:-1]}{chr(ord(tag[-1]) ^ 1)}",
        receipt_tokens.sign_code(CODE, forged_key),  # signed with another key
        f"{encoded_code}.",
        encoded_code,
        "",
        "....",
        "%%%.%%%",
        token + "x",
        f"{base64.urlsafe_b64encode(b'not a code').decode()}.{tag}",
    ]:
        assert receipt_tokens.verify_token(bad) is None, bad


def test_configured_key_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECEIPT_SIGNING_KEY", "a-long-random-secret")
    from citizen_app.settings import reset_settings_cache

    reset_settings_cache()
    token = receipt_tokens.sign_code(CODE)
    assert receipt_tokens.verify_token(token) == CODE
    monkeypatch.setenv("RECEIPT_SIGNING_KEY", "another-secret")
    reset_settings_cache()
    assert receipt_tokens.verify_token(token) is None


def test_verification_url() -> None:
    url = receipts.verification_url(CODE)
    assert url.startswith("http://localhost:3000/v/")
    assert receipt_tokens.verify_token(url.rsplit("/", 1)[1]) == CODE


def test_qr_decodes_back_to_the_url() -> None:
    pyzbar = pytest.importorskip("pyzbar.pyzbar", reason="pyzbar and libzbar0 decode the QR independently")
    url = receipts.verification_url(CODE)
    image = Image.open(io.BytesIO(receipts.receipt_qr_png(CODE)))
    decoded = pyzbar.decode(image)
    assert [d.data.decode() for d in decoded] == [url]
    data_uri = receipts.receipt_qr_data_uri(CODE)
    assert data_uri.startswith("data:image/png;base64,")
    from_uri = Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1])))
    assert pyzbar.decode(from_uri)[0].data.decode() == url


def test_slip_has_every_field(db_session: Session) -> None:
    dossier_id, citizen = helpers.submitted(db_session)
    slip = receipts.receipt_for(db_session, dossier_id, citizen)
    assert slip.code == CODE
    assert slip.receiving_unit["vi"] == "Ủy ban nhân dân Phường Ngọc Hà"
    assert slip.applicant_name == "Nguyễn Văn An"
    assert slip.applicant_address == "5 Ngõ Núi Trúc, Phường Ngọc Hà, Thành phố Hà Nội"
    assert (slip.phone, slip.email) == ("0912345678", "an@example.vn")
    assert slip.procedure_name["vi"] == "Đăng ký thường trú"
    assert [(d.name["vi"], d.files) for d in slip.documents] == [("Giấy tờ chỗ ở hợp pháp", 1)]
    assert slip.processing_days == 3
    assert slip.sent_at == NOW and slip.received_at is None  # sent, not yet received by the agency
    assert get_translator("vi").format_datetime(slip.appointment_at) == "09:00 ngày 19/11/2026"
    assert "Bộ phận Tiếp nhận và Trả kết quả" in slip.collect_at["vi"]
    assert slip.fee_due_vnd == 10_000
    assert receipt_tokens.verify_token(slip.verification_url.rsplit("/", 1)[1]) == CODE
    assert slip.status_label.msgid == "Submitted"
    for field in fields(slip):
        if field.name != "received_at":
            assert getattr(slip, field.name) not in (None, "", {}), field.name
    dossiers.fire(db_session, dossier_id, "received", officer(db_session), now=NOW + timedelta(hours=2))
    db_session.commit()
    assert receipts.receipt_for(db_session, dossier_id, citizen).received_at == NOW + timedelta(hours=2)


def test_slip_access(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    assert receipts.receipt_for(db_session, dossier_id, officer(db_session)).code == CODE
    stranger = Actor.citizen(make_user(db_session))
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        receipts.receipt_for(db_session, dossier_id, stranger)


def test_public_verification_shows_status_and_no_personal_data(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    dossiers.fire(db_session, dossier_id, "received", officer(db_session), now=NOW)
    db_session.commit()
    token = receipt_tokens.sign_code(CODE)
    result = receipts.verify_receipt(db_session, token)
    assert result.genuine and result.code == CODE and result.status == "received"
    assert result.status_label.msgid == "Received"
    assert result.receiving_unit["en"] == "People's Committee of Phường Ngọc Hà"
    dossier = db_session.get(Dossier, dossier_id)
    public = repr(result)
    for private in ("Nguyễn Văn An", "0912345678", "an@example.vn", "001090012345", "2345", "Núi Trúc"):
        assert private not in public
    assert {f.name for f in fields(result)} == {
        "genuine",
        "code",
        "procedure_name",
        "receiving_unit",
        "status",
        "status_label",
        "sent_at",
        "received_at",
        "appointment_at",
    }
    assert (result.sent_at, result.received_at) == (dossier.received_at, NOW)
    assert result.appointment_at == dossier.appointment_at


def test_genuine_signature_for_an_unknown_dossier_is_not_genuine(db_session: Session) -> None:
    assert not receipts.verify_receipt(db_session, receipt_tokens.sign_code(CODE)).genuine
    assert not receipts.verify_receipt(db_session, "garbage").genuine
