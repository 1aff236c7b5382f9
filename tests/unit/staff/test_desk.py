"""The desk: opening by code or receipt QR (signature checked), audited; the actions offered per status and role."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import receipt_tokens, receipts
from citizen_app.core.dossiers import AccessDenied, Actor, DossierNotFound
from citizen_app.core.dossiers.staff_desk import (
    DeskActions,
    desk_actions,
    desk_actor,
    open_at_desk,
    token_from_scan,
    view_at_desk,
)
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier
from tests.unit.dossiers import helpers
from tests.unit.dossiers.helpers import Staff, make_user, officer


def audit(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_token_from_what_the_camera_read() -> None:
    token = "MDA4LjAwLjIwLkgwMS0yNjExMTYtMDAwMQ.3mUO0b1uBvo9CdZnqRw1Zw"
    assert token_from_scan(f"http://127.0.0.1:3000/v/{token}") == token
    assert token_from_scan(f"https://dichvucong.example.vn/v/{token}?lang=en") == token
    assert token_from_scan(f"  {token}\n") == token
    for junk in ("", "hello", "https://evil.example/login", "008.00.20.H01-261116-0001", "x" * 600,
                 f"https://x/v/{token}/../../etc", "https://x/v/a.b"):
        assert token_from_scan(junk) is None, junk


def test_open_by_code_and_by_qr_then_a_forged_qr_is_refused_and_logged(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)  # received by Phường Ngọc Hà (00008)
    code = db_session.get(Dossier, dossier_id).code
    desk = officer(db_session, "00008")
    db_session.commit()

    assert open_at_desk(db_session, desk, code=f" {code.lower()} ").id == dossier_id
    url = receipts.verification_url(code)
    assert open_at_desk(db_session, desk, scanned=url).id == dossier_id
    db_session.commit()
    assert [e.details["method"] for e in audit(db_session, "staff.dossier.open")] == ["code", "qr"]

    token = url.rsplit("/v/", 1)[1]
    encoded_code, tag = token.split(".")
    forged = receipt_tokens._b64(code.replace("0001", "0002").encode()) + "." + tag  # another code, the old tag
    for bad in (url[:-3] + "AAA", url.replace(encoded_code, forged.split(".")[0]), "https://x/v/abc", "hello"):
        with pytest.raises(DossierNotFound) as refused:
            open_at_desk(db_session, desk, scanned=bad)
        assert refused.value.message.msgid == "This receipt is not genuine"
    denials = [e for e in audit(db_session, "staff.dossier.open") if e.outcome == "denied"]
    assert len(denials) == 4 and all(e.details["reason"] == "receipt token not genuine" for e in denials)


def test_another_units_officer_cannot_open_it_by_code_or_qr(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    code = db_session.get(Dossier, dossier_id).code
    elsewhere = officer(db_session, "00004")
    hcm = Actor.staff(Staff(make_user(db_session), ("counter_officer",), "province", "79"))
    db_session.commit()
    for actor in (elsewhere, hcm):
        with pytest.raises(AccessDenied):
            open_at_desk(db_session, actor, code=code)
        with pytest.raises(AccessDenied):
            open_at_desk(db_session, actor, scanned=receipts.verification_url(code))
        with pytest.raises(AccessDenied):
            view_at_desk(db_session, actor, code)
    denied = [e for e in db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied"))]
    assert len(denied) == 6
    citizen = Actor.citizen(make_user(db_session))
    with pytest.raises(AccessDenied):
        open_at_desk(db_session, citizen, code=code)


def test_view_is_audited(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    code = db_session.get(Dossier, dossier_id).code
    desk = officer(db_session, "00008")
    assert view_at_desk(db_session, desk, code).id == dossier_id
    db_session.commit()
    assert [(e.actor_role, e.target_id) for e in audit(db_session, "staff.dossier.view")] == [
        ("counter_officer", str(dossier_id))
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("submitted", DeskActions(targets=("received", "rejected"), delay=True)),
        ("received", DeskActions(targets=("processing", "rejected"), supplement=True, delay=True)),
        ("processing", DeskActions(targets=("approved", "rejected"), supplement=True, delay=True)),
        ("supplement_requested", DeskActions(targets=("rejected",), delay=True)),
        ("approved", DeskActions(targets=("result_ready",), delay=True, result_file=True)),
        ("result_ready", DeskActions(targets=("returned",), result_file=True)),
        ("returned", DeskActions()),
        ("rejected", DeskActions()),
        ("withdrawn", DeskActions()),
    ],
)
def test_actions_follow_the_lifecycle_table(db_session: Session, status: str, expected: DeskActions) -> None:
    dossier_id, citizen = helpers.submitted(db_session)
    dossier = db_session.get(Dossier, dossier_id)
    dossier.status = status
    db_session.flush()
    assert desk_actions(dossier, officer(db_session, "00008")) == expected
    assert desk_actions(dossier, officer(db_session, "00008", "supervisor")) == expected
    # Another commune's officer, and the applicant, get nothing from the desk.
    assert desk_actions(dossier, officer(db_session, "00004")) == DeskActions()
    assert desk_actions(dossier, citizen) == DeskActions()


def test_the_desk_acts_as_counter_officer_when_it_can() -> None:
    both = Staff(7, ("counter_officer", "supervisor"), "province", "01")
    assert desk_actor(both).role == "counter_officer"
    assert desk_actor(Staff(8, ("supervisor",), "province", "01")).role == "supervisor"
    with pytest.raises(AccessDenied):
        desk_actor(Staff(9, ("citizen",), "province", "01"))
