"""The officer's result page over HTTP: revoke with a reason, issue again, record the postal item number."""

from __future__ import annotations

from sqlalchemy import Engine, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core.documents import issuing
from citizen_app.core.identity.csrf import form_token
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.documents import IssuedDocument
from citizen_app.db.models.dossiers import Dossier
from citizen_app.web import staff_results
from tests.unit.documents.test_document_routes import issued_to
from tests.unit.test_apply_state import sign_in


def client(raw: str) -> TestClient:
    test_client = TestClient(Starlette(routes=staff_results.routes), follow_redirects=False)
    test_client.cookies.set("citizen_session", raw)
    return test_client


def test_the_officer_revokes_reissues_and_posts(engine: Engine) -> None:
    _document, serial, citizen_raw = issued_to("an.nguyen")
    with unit_of_work() as db:
        code = db.scalar(select(Dossier.code).join(IssuedDocument, IssuedDocument.dossier_id == Dossier.id)
                         .where(IssuedDocument.serial == serial))
    _officer_id, raw = sign_in("mai.ngo")  # Phường Ba Đình, where it was received
    desk = client(raw)
    path = f"/en/staff/dossiers/{code}/result"
    page = desk.get(path)
    assert page.status_code == 200 and serial in page.text
    token = form_token(raw, staff_results.PURPOSE)
    no_reason = desk.post(path, data={"csrf": token, "action": "revoke", "serial": serial, "reason": " "})
    assert no_reason.status_code == 400 and "Say why the result is revoked." in no_reason.text
    forged = desk.post(path, data={"csrf": "x", "action": "revoke", "serial": serial, "reason": "Sai"})
    assert forged.status_code == 400
    with unit_of_work() as db:
        assert issuing.public_status(db, serial).verdict == "genuine"
    revoked = desk.post(path, data={"csrf": token, "action": "revoke", "serial": serial, "reason": "Sai ngày sinh"})
    assert revoked.status_code == 200 and 'data-testid="staff-reissue"' in revoked.text
    with unit_of_work() as db:
        status = issuing.public_status(db, serial)
        assert status.verdict == "revoked" and status.revoked_reason == "Sai ngày sinh"
    again = desk.post(path, data={"csrf": token, "action": "reissue"})
    assert again.status_code == 200
    posted = desk.post(path, data={"csrf": token, "action": "post", "tracking": "EB 123 456 789 VN"})
    assert 'data-testid="staff-postal-tracking">EB123456789VN<' in posted.text
    # The applicant herself, or an officer of another unit, gets "not found".
    assert client(citizen_raw).get(path).status_code == 404
    _other, hcm = sign_in("hai.trinh")
    assert client(hcm).get(path).status_code == 404


def test_a_citizen_cannot_post_to_the_result_page(engine: Engine) -> None:
    _document, serial, citizen_raw = issued_to("an.nguyen")
    with unit_of_work() as db:
        code = db.scalar(select(Dossier.code).join(IssuedDocument, IssuedDocument.dossier_id == Dossier.id)
                         .where(IssuedDocument.serial == serial))
    token = form_token(citizen_raw, staff_results.PURPOSE)
    refused = client(citizen_raw).post(f"/vi/staff/dossiers/{code}/result",
                                       data={"csrf": token, "action": "revoke", "serial": serial, "reason": "x"})
    assert refused.status_code == 404
    with unit_of_work() as db:
        assert issuing.public_status(db, serial).verdict == "genuine"
