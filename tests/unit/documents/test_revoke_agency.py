"""An agency's signing key is compromised: ``python -m citizen_app documents revoke-agency`` (issue 13).

Every result it signed verifies as revoked, with the reason, on ``/d/<number>`` and in the holder's
store; the agency's next result is signed with a fresh certificate, which verifies."""

from __future__ import annotations

import pytest
from cryptography import x509
from sqlalchemy import Engine, select

from citizen_app.cli import main
from citizen_app.core.documents import authority, issuing, signing, store
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.documents import IssuedDocument
from citizen_app.db.models.dossiers import Dossier
from tests.unit.documents.test_document_routes import client, issued_to

REASON = "Khoá ký bị lộ / signing key compromised"


def _issued(serial: str) -> tuple[str, str]:
    """(agency code, signer certificate serial) of a result on the register."""
    with unit_of_work() as db:
        entry = db.scalar(select(IssuedDocument).where(IssuedDocument.serial == serial))
        return entry.agency_code, entry.signer_serial


def test_revoking_an_agency_revokes_every_result_it_signed_with_the_reason(
        engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    document_id, serial, raw = issued_to("an.nguyen")
    _second_id, second_serial, _raw = issued_to("binh.tran")
    data = client(raw).get(f"/vi/documents/{document_id}/file").content
    agency, signer = _issued(serial)
    assert _issued(second_serial) == (agency, signer)  # the same agency, the same certificate
    assert 'data-verdict="genuine"' in client().get(f"/d/{serial}?lang=vi").text

    assert main(["documents", "revoke-agency", agency, "--reason", REASON]) == 0
    printed = capsys.readouterr().out
    assert f"certificate {int(signer):x} revoked" in printed and "2 result(s)" in printed

    for number in (serial, second_serial):
        page = client().get(f"/d/{number}?lang=vi")
        assert page.status_code == 200 and 'data-verdict="revoked"' in page.text and REASON in page.text
        assert "Chứng thư ký số" in page.text  # says it is the agency's signing certificate, not the result
    english = client().get(f"/d/{serial}?lang=en").text
    assert "The signing certificate of" in english and REASON in english
    assert signing.check(data).verdict == "revoked_signer"
    # The holder's copy, checked on the page: revoked, with the reason (not "altered" or "unknown").
    checked = client().post(f"/d/{serial}?lang=en", files={"file": ("kq.pdf", data, "application/pdf")})
    assert 'data-verdict="revoked"' in checked.text and REASON in checked.text
    # On the CRL anyone can fetch.
    crl = x509.load_der_x509_crl(client().get("/documents/ca.crl").content)
    assert crl.get_revoked_certificate_by_serial_number(int(signer)) is not None
    with unit_of_work() as db:
        (held,) = [d for d in store.held_documents(db, _owner(db, serial)) if d.serial == serial]
        assert held.revoked and held.revoked_reason == REASON
        audit = db.scalar(select(AuditEvent).where(AuditEvent.action == "signing.revoke_agency"))
        assert audit.target_id == agency and audit.actor_role == "operator" and audit.details["results"] == 2


def _owner(db, serial: str) -> int:  # type: ignore[no-untyped-def]
    entry = db.scalar(select(IssuedDocument).where(IssuedDocument.serial == serial))
    return db.get(Dossier, entry.dossier_id).applicant_id


def test_the_agencys_next_result_has_a_fresh_certificate_that_verifies(engine: Engine) -> None:
    _document_id, serial, _raw = issued_to("an.nguyen")
    agency, signer = _issued(serial)
    assert main(["documents", "revoke-agency", agency, "--reason", REASON]) == 0
    new_document_id, new_serial, new_raw = issued_to("binh.tran")
    new_agency, new_signer = _issued(new_serial)
    assert new_agency == agency and new_signer != signer
    assert authority.revocation_of(new_signer) is None
    data = client(new_raw).get(f"/vi/documents/{new_document_id}/file").content
    assert signing.check(data).verdict == "genuine"
    assert 'data-verdict="genuine"' in client().get(f"/d/{new_serial}?lang=vi").text
    assert 'data-verdict="revoked"' in client().get(f"/d/{serial}?lang=vi").text
    # A result revoked by the certificate is no longer offered for reuse; the fresh one is.
    with unit_of_work() as db:
        entry = db.scalar(select(IssuedDocument).where(IssuedDocument.serial == serial))
        owner = db.get(Dossier, entry.dossier_id).applicant_id
        held = {d.serial: d for d in store.held_documents(db, owner)}
        assert held[serial].revoked


def test_an_agency_that_never_signed_or_no_reason_is_refused(engine: Engine,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["documents", "revoke-agency", "H99.99", "--reason", REASON]) == 1
    assert "has no signing certificate to revoke" in capsys.readouterr().out
    _document_id, serial, _raw = issued_to("an.nguyen")
    agency, _signer = _issued(serial)
    assert main(["documents", "revoke-agency", agency, "--reason", "   "]) == 2
    with pytest.raises(SystemExit):
        main(["documents", "revoke-agency", agency])  # --reason is required
    assert 'data-verdict="genuine"' in client().get(f"/d/{serial}?lang=vi").text
    with unit_of_work() as db:
        assert db.scalar(select(AuditEvent).where(AuditEvent.action == "signing.revoke_agency")) is None


def test_a_revoked_result_keeps_its_own_reason_after_the_agency_is_revoked(engine: Engine) -> None:
    _document_id, serial, _raw = issued_to("an.nguyen")
    agency, _signer = _issued(serial)
    with unit_of_work() as db:
        entry = db.scalar(select(IssuedDocument).where(IssuedDocument.serial == serial))
        issuing.revoke(db, entry, reason="Sai ngày sinh", actor_id=None, actor_role="counter_officer",
                       now=entry.issued_at)
    assert main(["documents", "revoke-agency", agency, "--reason", REASON]) == 0
    with unit_of_work() as db:
        status = issuing.public_status(db, serial)
    assert status.verdict == "revoked" and status.revoked_reason == "Sai ngày sinh" and not status.signer_revoked


def test_the_sandbox_authority_says_so_on_every_document_page(engine: Engine) -> None:
    document_id, serial, raw = issued_to("an.nguyen")
    pages = {
        "verify": client().get(f"/d/{serial}?lang=vi"),
        "verify-en": client().get(f"/d/{serial}?lang=en"),
        "list": client(raw).get("/vi/documents"),
        "document": client(raw).get(f"/en/documents/{document_id}"),
        "gone link": client().get("/s/expired-or-never-made?lang=en"),
    }
    for name, page in pages.items():
        assert 'data-testid="signing-sandbox-banner"' in page.text, name
    assert "test certificate authority made by this app" in pages["verify-en"].text
    assert "cơ quan chứng thực thử nghiệm" in pages["verify"].text


def test_the_document_pages_carry_no_sandbox_banner_with_a_configured_authority(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from citizen_app.settings import reset_settings_cache

    document_id, serial, raw = issued_to("an.nguyen")
    monkeypatch.setenv("SIGNING_AUTHORITY", "pkcs12")
    monkeypatch.setenv("SIGNING_PKCS12", "*=/nonexistent/agency.p12")  # nothing on these pages reads the key
    reset_settings_cache()
    listing = client(raw).get("/vi/documents")
    assert listing.status_code == 200 and "Giấy khai sinh" in listing.text
    assert "signing-sandbox-banner" not in listing.text
    assert "signing-sandbox-banner" not in client(raw).get(f"/vi/documents/{document_id}").text
    verify = client().get(f"/d/{serial}?lang=vi")
    assert 'data-verdict="genuine"' in verify.text and "signing-sandbox-banner" not in verify.text
