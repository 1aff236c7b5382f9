"""The public check of a result, and the citizen's document store over HTTP: owner only, links expire."""

from __future__ import annotations

import re
from datetime import timedelta

from cryptography import x509
from sqlalchemy import Engine, func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core import dossiers
from citizen_app.core.documents import store
from citizen_app.core.identity.csrf import form_token
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.documents import CitizenDocument, IssuedDocument
from citizen_app.web import documents as routes
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import complete_answers
from tests.unit.test_apply_state import sign_in


def client(raw: str | None = None) -> TestClient:
    test_client = TestClient(Starlette(routes=routes.routes), follow_redirects=False)
    if raw:
        test_client.cookies.set("citizen_session", raw)
    return test_client


def issued_to(username: str) -> tuple[int, str, str]:
    """A birth registration of this demo citizen, approved: (her certificate's store id, its serial, cookie)."""
    user_id, raw = sign_in(username)
    with unit_of_work() as db:
        citizen = dossiers.Actor.citizen(user_id)
        procedure = helpers.terms(code="1.001193")
        address = {"province_code": "01", "commune_code": "00004", "street": "12 Đội Cấn"}
        draft = helpers.draft_with_file(db, citizen, procedure=procedure,
                                        answers={**complete_answers(), "new_address": address})
        dossier_id = helpers.submit(db, draft, citizen, procedure=procedure).dossier.id
    with unit_of_work() as db:
        desk = helpers.officer(db, "00004")
        for target in ("received", "processing", "approved"):
            dossiers.fire(db, dossier_id, target, desk, now=helpers.NOW)
    with unit_of_work() as db:
        entry = db.scalar(select(IssuedDocument).where(IssuedDocument.dossier_id == dossier_id))
        held = db.scalar(select(CitizenDocument).where(CitizenDocument.issued_document_id == entry.id))
        return held.id, entry.serial, raw


def test_the_qr_page_says_genuine_without_personal_data_and_unknown_otherwise(engine: Engine) -> None:
    _document, serial, _raw = issued_to("an.nguyen")
    page = client().get(f"/d/{serial}?lang=vi")
    assert page.status_code == 200 and 'data-verdict="genuine"' in page.text
    assert "Nguyễn" not in page.text and "Đội Cấn" not in page.text
    assert page.headers["cache-control"] == "no-store"
    english = client().get(f"/d/{serial}?lang=en").text
    assert "This document is genuine" in english
    missing = client().get("/d/AAAA-BBBB-CCCC-DDDD?lang=en")
    assert missing.status_code == 404 and 'data-verdict="unknown"' in missing.text


def test_a_file_checked_on_the_qr_page_must_be_the_one_signed(engine: Engine) -> None:
    document_id, serial, raw = issued_to("an.nguyen")
    data = client(raw).get(f"/vi/documents/{document_id}/file").content
    good = client().post(f"/d/{serial}?lang=en", files={"file": ("c.pdf", data, "application/pdf")})
    assert 'data-verdict="genuine"' in good.text
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    bad = client().post(f"/d/{serial}?lang=en", files={"file": ("c.pdf", bytes(changed), "application/pdf")})
    assert bad.status_code == 404 and 'data-verdict="genuine"' not in bad.text


def test_the_revocation_list_is_public(engine: Engine) -> None:
    issued_to("an.nguyen")
    crl = client().get("/documents/ca.crl")
    assert crl.status_code == 200 and x509.load_der_x509_crl(crl.content).next_update_utc is not None


def test_her_documents_list_view_and_file(engine: Engine) -> None:
    document_id, _serial, raw = issued_to("an.nguyen")
    listing = client(raw).get("/vi/documents")
    assert listing.status_code == 200 and "Giấy khai sinh" in listing.text and f"document-{document_id}" in listing.text
    page = client(raw).get(f"/en/documents/{document_id}")
    assert page.status_code == 200 and "Birth certificate" in page.text and 'data-testid="document-delete"' not in page.text
    pdf = client(raw).get(f"/vi/documents/{document_id}/file")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert client().get("/vi/documents").status_code == 303  # signed out: sign in first


def test_another_citizens_document_is_not_found_by_any_url(engine: Engine) -> None:
    document_id, _serial, _raw = issued_to("an.nguyen")
    _other_id, other = sign_in("binh.tran")
    with unit_of_work() as db:
        before = db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.outcome == "denied")) or 0
    thief = client(other)
    assert thief.get(f"/vi/documents/{document_id}").status_code == 404
    assert thief.get(f"/vi/documents/{document_id}/file").status_code == 404
    token = form_token(other, routes.SHARE_PURPOSE)
    assert thief.post(f"/vi/documents/{document_id}/share", data={"csrf": token, "hours": "24"}).status_code == 404
    token = form_token(other, routes.DELETE_PURPOSE)
    assert thief.post(f"/vi/documents/{document_id}/delete", data={"csrf": token}).status_code == 404
    with unit_of_work() as db:
        after = db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.outcome == "denied")) or 0
        assert after >= before + 4
        assert db.get(CitizenDocument, document_id) is not None


def test_a_share_link_opens_the_document_until_it_expires(engine: Engine) -> None:
    document_id, _serial, raw = issued_to("an.nguyen")
    owner = client(raw)
    page = owner.post(f"/vi/documents/{document_id}/share", data={"csrf": form_token(raw, routes.SHARE_PURPOSE),
                                                                 "hours": "1"})
    assert page.status_code == 200
    link = re.search(r'data-testid="document-share-link">[^<]*/s/([A-Za-z0-9_-]+)<', page.text)
    assert link is not None
    token = link.group(1)
    shared = client().get(f"/s/{token}")
    assert shared.status_code == 200 and shared.content.startswith(b"%PDF-")
    with unit_of_work() as db:
        try:
            store.open_shared(db, token, now=utcnow() + timedelta(hours=1, seconds=1))
            raise AssertionError("an expired link opened the document")
        except store.DocumentNotFound:
            pass
    assert client().get("/s/not-a-token").status_code == 404
    # Without the form token nothing is shared.
    refused = owner.post(f"/vi/documents/{document_id}/share", data={"csrf": "forged", "hours": "24"})
    assert refused.status_code == 400 and "document-share-link" not in refused.text.split("</form>")[0].split("<section>")[0]


def test_she_deletes_her_own_paper_but_not_an_issued_result(engine: Engine) -> None:
    document_id, _serial, raw = issued_to("an.nguyen")
    with unit_of_work() as db:
        own = db.scalar(select(CitizenDocument).where(CitizenDocument.origin == "accepted"))
        own_id = own.id
    owner = client(raw)
    token = form_token(raw, routes.DELETE_PURPOSE)
    refused = owner.post(f"/en/documents/{document_id}/delete", data={"csrf": token})
    assert refused.status_code == 400 and "Issued results stay" in refused.text
    deleted = owner.post(f"/en/documents/{own_id}/delete", data={"csrf": token})
    assert deleted.status_code == 303
    with unit_of_work() as db:
        assert db.get(CitizenDocument, own_id) is None and db.get(CitizenDocument, document_id) is not None
