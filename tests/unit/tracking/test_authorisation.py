"""Citizen B can neither read nor act on citizen A's dossier or files: every core entry point the tracking
pages use, and the HTTP file route. Every refusal is in the audit trail with outcome "denied"."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from citizen_app.core import attachments, dossiers, notifications, ratings, receipts
from citizen_app.core.attachments import RESULT_SLOT
from citizen_app.core.dossiers import Actor
from citizen_app.core.identity.sessions import create_session
from citizen_app.db.base import utcnow
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.identity import User
from citizen_app.settings import get_settings
from citizen_app.web import files
from tests.unit.dossiers.forms_fixtures import form
from tests.unit.dossiers.helpers import NOW, PDF, jpeg, make_user, terms
from tests.unit.tracking.helpers import STEP, desk, submitted

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from starlette.testclient import TestClient


def denied_actions(db: Session) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)))


@pytest.fixture
def two_citizens(db_session: Session) -> dict[str, Any]:
    """A's dossier waiting on a supplement (with a file in it), A's open draft, and citizen B."""
    dossier_id, a = submitted(db_session)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW + STEP)
    dossiers.request_supplement(
        db_session, dossier_id, staff, form=form(), fields=["reason"], attachments=["other_documents"],
        message="Bổ sung", now=NOW + 2 * STEP,
    )
    added = attachments.add_attachment(
        db_session, dossier_id, a, slot_id="other_documents", filename="a.jpg", data=jpeg(), slot_max_files=3,
        now=NOW + 3 * STEP,
    )
    draft = dossiers.start_draft(db_session, a, terms(code="2.000635"), None, now=NOW)
    # A second dossier, received: one a citizen could still withdraw.
    withdrawable, _ = submitted(db_session, a)
    dossiers.fire(db_session, withdrawable, "received", staff, now=NOW + STEP)
    b = Actor.citizen(make_user(db_session))
    db_session.commit()
    code = db_session.get(Dossier, dossier_id).code
    return {"a": a, "b": b, "staff": staff, "id": dossier_id, "code": code, "file": added.id,
            "draft": draft.dossier_id, "withdrawable": withdrawable}


ENTRY_POINTS: dict[str, Callable[[Session, dict[str, Any]], object]] = {
    "open by code": lambda db, s: dossiers.open_by_code(db, s["code"], s["b"]),
    "timeline": lambda db, s: dossiers.timeline(db, s["id"], s["b"]),
    "list files": lambda db, s: attachments.list_attachments(db, s["id"], s["b"]),
    "open a file": lambda db, s: attachments.open_attachment(db, s["file"], s["b"]),
    "open a thumbnail": lambda db, s: attachments.open_attachment(db, s["file"], s["b"], thumbnail=True),
    "add a supplement file": lambda db, s: attachments.add_attachment(
        db, s["id"], s["b"], slot_id="other_documents", filename="b.jpg", data=jpeg(), slot_max_files=3, now=NOW
    ),
    "remove a file": lambda db, s: attachments.remove_attachment(db, s["file"], s["b"], now=NOW),
    "answer the supplement": lambda db, s: dossiers.respond_to_supplement(
        db, s["id"], s["b"], form=form(), answers={"reason": "work"}, now=NOW
    ),
    "withdraw": lambda db, s: dossiers.withdraw(db, s["withdrawable"], s["b"], now=NOW),
    "rate": lambda db, s: ratings.rate(db, s["id"], s["b"], score=1, now=NOW),
    "read the rating": lambda db, s: ratings.rating_of(db, s["id"], s["b"]),
    "the receipt": lambda db, s: receipts.receipt_for(db, s["id"], s["b"]),
    "discard a draft": lambda db, s: dossiers.discard_draft(db, s["draft"], s["b"]),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_citizen_b_is_refused_everywhere_and_it_is_audited(
    db_session: Session, two_citizens: dict[str, Any], entry: str
) -> None:
    before = len(denied_actions(db_session))
    with pytest.raises(dossiers.AccessDenied):
        ENTRY_POINTS[entry](db_session, two_citizens)
    db_session.rollback()  # what unit_of_work does on the way out; the denial has its own transaction
    after = denied_actions(db_session)
    assert len(after) == before + 1, after
    row = db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id.desc())).first()
    assert row.actor_id == str(two_citizens["b"].user_id) and row.actor_role == "citizen"
    # Nothing changed for A.
    for dossier_id, status in ((two_citizens["id"], "supplement_requested"), (two_citizens["withdrawable"], "received")):
        dossier = db_session.get(Dossier, dossier_id)
        db_session.refresh(dossier)
        assert dossier.status == status


def test_lists_and_buttons_show_b_nothing_of_a(db_session: Session, two_citizens: dict[str, Any]) -> None:
    s = two_citizens
    mine = dossiers.applicant_dossiers(db_session, s["b"])
    assert (mine.drafts, mine.in_progress, mine.finished) == ([], [], [])
    dossier = db_session.get(Dossier, s["id"])
    assert dossiers.allowed_targets(dossier, s["b"]) == []
    assert not ratings.can_rate(dossier, s["b"])
    assert notifications.list_for(db_session, s["b"].user_id) == []
    assert notifications.mark_read(db_session, s["b"].user_id, now=NOW, dossier_id=s["id"]) == 0
    db_session.commit()
    # received and supplement requested; received (the second dossier)
    assert notifications.unread_count(db_session, s["a"].user_id) == 3


def test_a_sees_the_result_document_only_once_it_is_ready(db_session: Session, two_citizens: dict[str, Any]) -> None:
    s = two_citizens
    attachments.add_attachment(
        db_session, s["id"], s["a"], slot_id="other_documents", filename="c.jpg", data=jpeg(), slot_max_files=3,
        now=NOW + 4 * STEP,
    )
    dossiers.respond_to_supplement(db_session, s["id"], s["a"], form=form(), answers={"reason": "work"}, now=NOW + 4 * STEP)
    dossiers.fire(db_session, s["id"], "approved", s["staff"], now=NOW + 5 * STEP)
    result = attachments.add_attachment(
        db_session, s["id"], s["staff"], slot_id=RESULT_SLOT, filename="ket-qua.pdf", data=PDF, now=NOW + 5 * STEP
    )
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        attachments.open_attachment(db_session, result.id, s["a"])  # approved, not ready yet
    db_session.rollback()
    dossiers.fire(db_session, s["id"], "result_ready", s["staff"], now=NOW + 6 * STEP)
    db_session.commit()
    assert attachments.open_attachment(db_session, result.id, s["a"]).filename == "ket-qua.pdf"
    with pytest.raises(dossiers.AccessDenied):
        attachments.open_attachment(db_session, result.id, s["b"])
    db_session.rollback()


def _cookie_for(db: Session, user_id: int) -> dict[str, str]:
    raw, _row = create_session(db, db.get(User, user_id), utcnow())
    db.commit()
    return {get_settings().session_cookie_name: raw}


def test_the_file_route_gives_b_a_404_and_a_the_file(db_session: Session, two_citizens: dict[str, Any]) -> None:
    s = two_citizens
    app = Starlette(routes=files.routes)
    a_cookie = _cookie_for(db_session, s["a"].user_id)
    b_cookie = _cookie_for(db_session, s["b"].user_id)
    with TestClient(app, follow_redirects=False) as client:
        client.cookies.update(b_cookie)
        for path in (f"/files/{s['file']}", f"/files/{s['file']}/thumbnail", f"/files/{s['file']}?download=1"):
            refused = client.get(path)
            assert refused.status_code == 404, path
            assert "image/jpeg" not in refused.headers.get("content-type", "")
        client.cookies.clear()
        client.cookies.update(a_cookie)
        allowed = client.get(f"/files/{s['file']}?download=1")
        # What was stored is the picture encoded afresh (no metadata): that is what comes back.
        assert allowed.status_code == 200 and allowed.content == attachments.reencode_image(jpeg(), "image/jpeg")
        assert "attachment" in allowed.headers["content-disposition"]
        client.cookies.clear()
        anonymous = client.get(f"/files/{s['file']}")
        assert anonymous.status_code == 404
    db_session.expire_all()
    assert denied_actions(db_session).count("attachment.open") == 3


def test_the_public_lookup_needs_both_factors_and_shows_no_personal_data(
    db_session: Session, two_citizens: dict[str, Any]
) -> None:
    s = two_citizens
    dossier = db_session.get(Dossier, s["id"])
    last4 = dossier.applicant_pid_last4
    assert last4 and len(last4) == 4
    wrong = f"{(int(last4) + 1) % 10000:04d}"
    now = NOW + timedelta(days=1)
    assert dossiers.public_lookup(db_session, s["code"], wrong, now=now) is None
    assert dossiers.public_lookup(db_session, s["code"][:-1] + "9", last4, now=now) is None
    found = dossiers.public_lookup(db_session, s["code"].lower(), last4, now=now)
    assert found is not None and found.status == "supplement_requested"
    shown = repr(found)
    for private in ("Nguyễn Văn An", "001090012345", "0912345678", "an@example.vn", "Ngõ Núi Trúc"):
        assert private not in shown
