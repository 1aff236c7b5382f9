"""Notifications: one per status change (and delay), unread only for what others did, email after commit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import dossiers, jobs, notifications
from citizen_app.core.dossiers import Actor
from citizen_app.core.i18n import get_translator
from citizen_app.db.base import utcnow
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from citizen_app.db.models.tracking import Notification
from citizen_app.settings import reset_settings_cache
from tests.unit.dossiers.helpers import NOW, make_user
from tests.unit.tracking.helpers import citizen_with_email, desk, submitted, to_result_ready
from tests.unit.tracking.smtp_sink import Sink, smtp_sink


def deliver(engine, *, days_later: int = 0) -> list[jobs.Outcome]:  # type: ignore[no-untyped-def]
    """Run the queued jobs as the worker would (``days_later`` moves the clock past any back-off)."""
    return jobs.run_due(engine, utcnow() + timedelta(days=days_later))


def rows(db: Session, dossier_id: int) -> list[Notification]:
    return list(
        db.scalars(select(Notification).where(Notification.dossier_id == dossier_id).order_by(Notification.id))
    )


@pytest.fixture
def mail(engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sink]:  # type: ignore[no-untyped-def]
    """SMTP_HOST/SMTP_PORT pointing at a local sink for this test."""
    with smtp_sink() as sink:
        monkeypatch.setenv("SMTP_HOST", sink.host)
        monkeypatch.setenv("SMTP_PORT", str(sink.port))
        reset_settings_cache()
        yield sink


def test_every_status_change_makes_one_notification(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    to_result_ready(db_session, dossier_id, citizen, staff)
    dossiers.fire(db_session, dossier_id, "returned", staff, now=NOW + timedelta(days=1))
    db_session.commit()

    changes = list(
        db_session.scalars(
            select(DossierEvent).where(
                DossierEvent.dossier_id == dossier_id,
                DossierEvent.to_status != DossierEvent.from_status,
                DossierEvent.to_status != "draft",
            ).order_by(DossierEvent.id)
        )
    )
    found = rows(db_session, dossier_id)
    assert [(n.kind, n.status) for n in found] == [(e.action, e.to_status) for e in changes]
    assert [n.status for n in found] == [
        "submitted", "received", "processing", "supplement_requested", "processing", "approved",
        "result_ready", "returned",
    ]
    assert {n.user_id for n in found} == {citizen.user_id}
    # The citizen's own steps (sending, answering the supplement) are listed but already read.
    unread = [n.kind for n in found if n.read_at is None]
    assert unread == ["receive", "start_processing", "request_supplement", "approve", "result_ready", "return"]
    assert notifications.unread_count(db_session, citizen.user_id) == 6
    assert all(n.email_status is None for n in found)  # no SMTP configured: in the app only


def test_withdraw_rejection_and_delay_are_notified_drafts_are_not(db_session: Session) -> None:
    first, citizen = submitted(db_session)
    second, _ = submitted(db_session, citizen)
    staff = desk(db_session)
    dossiers.withdraw(db_session, first, citizen, now=NOW)
    dossiers.fire(db_session, second, "received", staff, now=NOW)
    dossier = db_session.get(Dossier, second)
    dossiers.delay(
        db_session, second, staff, now=NOW, new_appointment=dossier.appointment_at + timedelta(days=3),
        apology="Xin lỗi ông/bà vì sự chậm trễ",
    )
    dossiers.reject(db_session, second, staff, now=NOW, reason="Không đủ điều kiện")
    db_session.commit()
    assert [(n.kind, n.status, n.read_at is None) for n in rows(db_session, first)] == [
        ("submit", "submitted", False), ("withdraw", "withdrawn", False),
    ]
    assert [(n.kind, n.status) for n in rows(db_session, second)] == [
        ("submit", "submitted"), ("receive", "received"), ("delay", "received"), ("reject", "rejected"),
    ]
    # Starting and autosaving a draft tells nobody anything.
    draft_only = Actor.citizen(make_user(db_session))
    from tests.unit.dossiers.helpers import draft_with_file

    draft_id = draft_with_file(db_session, draft_only)
    db_session.commit()
    assert rows(db_session, draft_id) == []


def test_a_rolled_back_transition_leaves_no_notification(db_session: Session) -> None:
    dossier_id, _citizen = submitted(db_session)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW)
    db_session.rollback()
    assert [n.status for n in rows(db_session, dossier_id)] == ["submitted"]


def test_listing_and_marking_read_stay_within_the_users_own_notifications(db_session: Session) -> None:
    mine, citizen = submitted(db_session)
    theirs, other = submitted(db_session)
    staff = desk(db_session)
    for dossier_id in (mine, theirs):
        dossiers.fire(db_session, dossier_id, "received", staff, now=NOW)
    db_session.commit()

    listed = notifications.list_for(db_session, citizen.user_id)
    assert {item.dossier_id for item in listed} == {mine}
    assert [item.status for item in listed] == ["received", "submitted"]  # newest first
    newest = listed[0]
    assert newest.code and not newest.read and newest.procedure_name["vi"] == "Đăng ký thường trú"
    assert get_translator("vi").render(newest.headline) == get_translator("vi").gettext("Received")

    # Marking read is scoped to the user: the other citizen's notice stays unread.
    assert notifications.mark_read(db_session, citizen.user_id, now=NOW, dossier_id=theirs) == 0
    assert notifications.mark_read(db_session, citizen.user_id, now=NOW) == 1
    db_session.commit()
    assert notifications.unread_count(db_session, citizen.user_id) == 0
    assert notifications.unread_count(db_session, other.user_id) == 1


def test_email_is_sent_by_a_job_after_commit_in_the_citizens_language(
    db_session: Session, mail: Sink, engine  # type: ignore[no-untyped-def]
) -> None:
    citizen = citizen_with_email(db_session, email="an@example.vn", locale="en")
    dossier_id, _ = submitted(db_session, citizen)
    staff = desk(db_session)
    assert mail.messages == []  # nothing goes out inside the request
    assert [o.result for o in deliver(engine)] == ["done"]
    assert len(mail.messages) == 1  # the submission's
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW)
    db_session.flush()
    with Session(engine) as elsewhere:  # what a worker on another connection sees: no job before the commit
        assert jobs.depth(elsewhere)["queued"] == 0
    db_session.commit()
    assert [o.task for o in deliver(engine)] == ["notifications.email"]

    assert [m.recipients for m in mail.messages] == [["an@example.vn"], ["an@example.vn"]]
    code = db_session.get(Dossier, dossier_id).code
    received = mail.messages[1].message
    assert received["Subject"] == f"Application {code}: Received"
    body = received.get_content()
    assert f"/en/applications/{code}" in body
    assert "Permanent residence registration" in body
    assert "001090012345" not in body  # no personal data beyond the code
    db_session.expire_all()
    assert [n.email_status for n in rows(db_session, dossier_id)] == ["sent", "sent"]


def test_email_follows_the_citizens_choice(db_session: Session, mail: Sink, engine) -> None:  # type: ignore[no-untyped-def]
    quiet = citizen_with_email(db_session, email="quiet@example.vn", notify=False)
    no_address = citizen_with_email(db_session, email=None, notify=True)
    vietnamese = citizen_with_email(db_session, email="vi@example.vn", locale="vi")
    for citizen in (quiet, no_address, vietnamese):
        submitted(db_session, citizen)
    deliver(engine)
    assert [m.recipients for m in mail.messages] == [["vi@example.vn"]]
    assert mail.messages[0].message["Subject"].endswith("Đã nộp")


def test_a_failing_mail_server_never_undoes_the_transition(
    db_session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, engine  # type: ignore[no-untyped-def]
) -> None:
    with smtp_sink(refuse_data=True) as sink:
        monkeypatch.setenv("SMTP_HOST", sink.host)
        monkeypatch.setenv("SMTP_PORT", str(sink.port))
        reset_settings_cache()
        citizen = citizen_with_email(db_session)
        dossier_id, _ = submitted(db_session, citizen)
        staff = desk(db_session)
        dossiers.fire(db_session, dossier_id, "received", staff, now=NOW)
        db_session.commit()
        first = deliver(engine)
        assert [o.result for o in first] == ["retry", "retry"]  # retried with back-off, not given up
        assert deliver(engine) == []  # nothing is due again straight away
        for day in range(1, 10):
            deliver(engine, days_later=day)
    assert sink.messages == []
    db_session.expire_all()
    assert db_session.get(Dossier, dossier_id).status == "received"
    assert [n.email_status for n in rows(db_session, dossier_id)] == ["failed", "failed"]
    failed = jobs.failed_jobs(db_session)
    assert [(f.task, f.attempts) for f in failed] == [("notifications.email", 6)] * 2
    assert "SMTPDataError" in failed[0].last_error
    assert "attempt failed" in caplog.text
    assert "an@example.vn" not in caplog.text and "an@example.vn" not in failed[0].last_error

    # Nobody listening at all: the same.
    monkeypatch.setenv("SMTP_PORT", "1")
    reset_settings_cache()
    dossiers.fire(db_session, dossier_id, "processing", staff, now=NOW)
    db_session.commit()
    for day in range(10):
        deliver(engine, days_later=day)
    db_session.expire_all()
    assert db_session.get(Dossier, dossier_id).status == "processing"
    assert rows(db_session, dossier_id)[-1].email_status == "failed"


def test_no_email_for_a_rolled_back_transition(db_session: Session, mail: Sink, engine) -> None:  # type: ignore[no-untyped-def]
    citizen = citizen_with_email(db_session)
    dossier_id, _ = submitted(db_session, citizen)
    deliver(engine)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW)
    db_session.flush()
    db_session.rollback()
    db_session.commit()  # an empty commit later sends nothing left over either
    assert jobs.depth(db_session)["queued"] == 0  # the rolled-back transaction enqueued nothing
    assert deliver(engine) == []
    assert len(mail.messages) == 1
