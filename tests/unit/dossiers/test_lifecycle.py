"""The state machine: each step allowed or denied by role, reasons, withdraw, overdue, delay, supplements."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.dossiers import TRANSITIONS, Actor
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import form
from tests.unit.dossiers.helpers import (
    NOW,
    PDF,  # a readable PDF (unreadable ones are refused)
    jpeg,
    make_user,
    officer,
    province_officer,
)

LATER = NOW + timedelta(hours=1)
ROLES = ("citizen", "counter_officer", "supervisor", "system")
# A paper result to collect at the desk: what "result ready" needs when no document is attached.
PAPER = dossiers.ResultPickup("Bộ phận một cửa UBND phường Ngọc Hà", "Thứ Hai đến Thứ Sáu, 7:30–11:30")


def at_status(db: Session, status: str) -> tuple[int, Actor]:
    dossier_id, citizen = helpers.submitted(db)
    db.execute(update(Dossier).where(Dossier.id == dossier_id).values(status=status))
    if status == "supplement_requested":
        db.execute(
            update(Dossier)
            .where(Dossier.id == dossier_id)
            .values(
                supplement_request={
                    "fields": ["reason"],
                    "attachments": [],
                    "message": "x",
                    "requested_at": NOW.isoformat(),
                }
            )
        )
    db.commit()
    return dossier_id, citizen


def actor_for(db: Session, role: str, citizen: Actor) -> Actor:
    if role == "citizen":
        return citizen
    if role == "system":
        return Actor.system()
    return officer(db, "00008", role)


PLAIN_STEPS = [(s, t) for (s, t), step in TRANSITIONS.items() if step.via is None]


@pytest.mark.parametrize(("source", "target"), PLAIN_STEPS)
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_by_role(db_session: Session, source: str, target: str, role: str) -> None:
    dossier_id, citizen = at_status(db_session, source)
    actor = actor_for(db_session, role, citizen)
    db_session.commit()
    step = TRANSITIONS[(source, target)]
    note = "Hồ sơ thiếu chữ ký" if step.note == "required" else None
    if role in step.roles:
        dossier = dossiers.fire(db_session, dossier_id, target, actor, now=LATER, note=note, pickup=PAPER)
        db_session.commit()
        assert dossier.status == target
        event = db_session.scalars(
            select(DossierEvent).where(DossierEvent.dossier_id == dossier_id).order_by(DossierEvent.id.desc())
        ).first()
        assert (event.from_status, event.to_status, event.actor_role, event.note) == (
            source,
            target,
            role,
            note,
        )
        assert event.actor_id == actor.user_id and event.at == LATER
        if target == "rejected":
            assert dossier.rejection_reason == note
    else:
        with pytest.raises(dossiers.AccessDenied):
            dossiers.fire(db_session, dossier_id, target, actor, now=LATER, note=note)
        db_session.rollback()
        assert db_session.get(Dossier, dossier_id).status == source
        denied = db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
        assert [e.action for e in denied] == [f"dossier.{step.action}"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("submitted", "approved"),
        ("processing", "withdrawn"),
        ("returned", "processing"),
        ("rejected", "received"),
        ("withdrawn", "submitted"),
        ("approved", "returned"),
    ],
)
def test_steps_not_in_the_table_are_refused(db_session: Session, source: str, target: str) -> None:
    dossier_id, _ = at_status(db_session, source)
    supervisor = officer(db_session, "00008", "supervisor")
    with pytest.raises(dossiers.InvalidTransition):
        dossiers.fire(db_session, dossier_id, target, supervisor, now=LATER, note="x")


def test_an_officer_cannot_touch_a_citizens_draft_whatever_the_step(db_session: Session) -> None:
    # Access is checked before the transition table, so the refusal says nothing about the state.
    dossier_id, _ = at_status(db_session, "draft")
    supervisor = officer(db_session, "00008", "supervisor")
    with pytest.raises(dossiers.AccessDenied):
        dossiers.fire(db_session, dossier_id, "received", supervisor, now=LATER, note="x")


def test_steps_with_data_need_their_own_function(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "processing")
    with pytest.raises(dossiers.InvalidTransition):
        dossiers.fire(
            db_session, dossier_id, "supplement_requested", officer(db_session), now=LATER, note="x"
        )


def test_rejection_requires_a_reason(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "processing")
    desk = officer(db_session)
    for empty in (None, "", "   "):
        with pytest.raises(dossiers.NoteRequired):
            dossiers.reject(db_session, dossier_id, desk, now=LATER, reason=empty)  # type: ignore[arg-type]
    dossier = dossiers.reject(db_session, dossier_id, desk, now=LATER, reason="  Không đủ điều kiện  ")
    assert dossier.rejection_reason == "Không đủ điều kiện"
    assert dossier.finished_at == LATER


def test_handing_over_keeps_the_moment_the_result_was_ready(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "approved")
    desk = officer(db_session)
    dossiers.mark_result_ready(db_session, dossier_id, desk, now=LATER, pickup=PAPER)
    returned = dossiers.hand_over(db_session, dossier_id, desk, now=LATER + timedelta(days=3))
    assert returned.status == "returned"
    assert returned.finished_at == LATER


def test_withdraw_only_before_processing(db_session: Session) -> None:
    dossier_id, citizen = at_status(db_session, "received")
    assert dossiers.withdraw(db_session, dossier_id, citizen, now=LATER).status == "withdrawn"
    other_id, other = at_status(db_session, "processing")
    with pytest.raises(dossiers.InvalidTransition):
        dossiers.withdraw(db_session, other_id, other, now=LATER)


def test_another_citizen_cannot_withdraw(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "submitted")
    stranger = Actor.citizen(make_user(db_session))
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        dossiers.withdraw(db_session, dossier_id, stranger, now=LATER)


def test_staff_of_another_unit_are_refused(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "submitted")
    elsewhere = officer(db_session, "00004")
    province = province_officer(db_session, "01")
    db_session.commit()
    for actor in (elsewhere, province):
        with pytest.raises(dossiers.AccessDenied):
            dossiers.fire(db_session, dossier_id, "received", actor, now=LATER)
        db_session.rollback()
    assert db_session.get(Dossier, dossier_id).status == "submitted"
    assert len(db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()) == 2
    assert dossiers.allowed_targets(db_session.get(Dossier, dossier_id), elsewhere) == []
    assert set(dossiers.allowed_targets(db_session.get(Dossier, dossier_id), officer(db_session))) == {
        "received",
        "rejected",
    }


def test_staff_role_must_be_held() -> None:
    class User:
        user_id, roles, unit_level, unit_code = 7, ("citizen",), None, None

    with pytest.raises(dossiers.AccessDenied):
        Actor.staff(User())


def test_the_full_happy_path_and_timeline(db_session: Session) -> None:
    dossier_id, citizen = helpers.submitted(db_session)
    desk = officer(db_session)
    chief = officer(db_session, role="supervisor")
    status = "submitted"
    for verb, actor in [
        (dossiers.receive, desk),
        (dossiers.start_processing, desk),
        (dossiers.approve, chief),
        (dossiers.mark_result_ready, desk),
        (dossiers.hand_over, desk),
    ]:
        extra = {"pickup": PAPER} if verb is dossiers.mark_result_ready else {}
        status = verb(db_session, dossier_id, actor, now=LATER, expected=status, **extra).status
    db_session.commit()
    events = dossiers.timeline(db_session, dossier_id, citizen)
    assert [e.to_status for e in events] == [
        "draft",
        "submitted",
        "received",
        "processing",
        "approved",
        "result_ready",
        "returned",
    ]
    dossier = db_session.get(Dossier, dossier_id)
    assert dossier.status in dossiers.TERMINAL
    with pytest.raises(dossiers.AccessDenied):
        dossiers.timeline(db_session, dossier_id, Actor.citizen(make_user(db_session)))


def test_concurrent_clicks_cannot_both_win(db_session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    dossier_id, _ = at_status(db_session, "processing")
    desk = officer(db_session)
    db_session.commit()
    stale = db_session.get(Dossier, dossier_id)
    with Session(engine) as other:
        dossiers.fire(other, dossier_id, "approved", desk, now=LATER)
        other.commit()
    # This session still believes the dossier is processing.
    step = dossiers.TRANSITIONS[("processing", "rejected")]
    from citizen_app.core.dossiers.lifecycle import apply

    with pytest.raises(dossiers.ConcurrentChange):
        apply(db_session, stale, step, desk, now=LATER, note="too late")


# --- overdue and delay ----------------------------------------------------------------------------


def test_overdue(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "processing")
    dossier = db_session.get(Dossier, dossier_id)
    appointment = dossier.appointment_at
    assert not dossiers.is_overdue(dossier, appointment - timedelta(minutes=1))
    assert dossiers.is_overdue(dossier, appointment + timedelta(minutes=1))
    assert [d.id for d in dossiers.overdue_dossiers(db_session, appointment + timedelta(minutes=1))] == [
        dossier_id
    ]
    assert dossiers.overdue_dossiers(db_session, appointment + timedelta(minutes=1), agency_code="x") == []
    dossier.status = "supplement_requested"  # waiting on the citizen: not the agency's delay
    assert not dossiers.is_overdue(dossier, appointment + timedelta(days=1))
    dossier.status = "result_ready"
    assert not dossiers.is_overdue(dossier, appointment + timedelta(days=1))


def test_delay_sets_a_new_date_with_an_apology(db_session: Session) -> None:
    dossier_id, citizen = at_status(db_session, "processing")
    desk = officer(db_session)
    db_session.commit()
    original = db_session.get(Dossier, dossier_id).appointment_at
    new_date = datetime(2026, 11, 25, 16, 0, tzinfo=VIETNAM_TZ)
    with pytest.raises(dossiers.NoteRequired):
        dossiers.delay(db_session, dossier_id, desk, now=LATER, new_appointment=new_date, apology=" ")
    with pytest.raises(dossiers.InvalidTransition):
        dossiers.delay(
            db_session,
            dossier_id,
            desk,
            now=LATER,
            new_appointment=original - timedelta(hours=1),
            apology="Xin lỗi",
        )
    with pytest.raises(dossiers.AccessDenied):
        dossiers.delay(db_session, dossier_id, citizen, now=LATER, new_appointment=new_date, apology="x")
    db_session.rollback()
    dossier = dossiers.delay(
        db_session,
        dossier_id,
        desk,
        now=LATER,
        new_appointment=new_date,
        apology="Xin lỗi ông/bà vì cần xác minh thêm với Công an phường.",
    )
    db_session.commit()
    assert dossier.appointment_at == new_date
    assert dossier.original_appointment_at == original
    event = dossiers.timeline(db_session, dossier_id, citizen)[-1]
    assert event.action == "delay" and event.note.startswith("Xin lỗi")
    assert event.details["new_appointment"] == new_date.isoformat()
    assert not dossiers.is_overdue(dossier, original + timedelta(hours=1))
    dossiers.fire(db_session, dossier_id, "rejected", desk, now=LATER, note="x")
    with pytest.raises(dossiers.InvalidTransition):
        dossiers.delay(
            db_session,
            dossier_id,
            desk,
            now=LATER,
            new_appointment=new_date + timedelta(days=1),
            apology="Xin lỗi",
        )


# --- supplements ----------------------------------------------------------------------------------


def test_supplement_round_trip(db_session: Session) -> None:
    dossier_id, citizen = at_status(db_session, "processing")
    desk = officer(db_session)
    with pytest.raises(dossiers.ValidationFailed) as bad:
        dossiers.request_supplement(
            db_session,
            dossier_id,
            desk,
            form=form(),
            fields=["full_name", "nope"],
            message="Bổ sung",
            now=LATER,
        )
    assert set(bad.value.errors) == {"full_name", "nope"}
    with pytest.raises(dossiers.NoteRequired):
        dossiers.request_supplement(
            db_session, dossier_id, desk, form=form(), fields=["reason"], message="", now=LATER
        )
    dossier = dossiers.request_supplement(
        db_session,
        dossier_id,
        desk,
        form=form(),
        fields=["reason", "household_size"],
        attachments=["other_documents"],
        message="Vui lòng bổ sung giấy xác nhận của chủ hộ.",
        now=LATER,
    )
    db_session.commit()
    assert dossier.status == "supplement_requested"
    assert dossier.supplement_request["fields"] == ["reason", "household_size"]

    # Only requested slots accept files now; drafts' slots do not.
    with pytest.raises(dossiers.InvalidTransition):
        attachments.add_attachment(
            db_session,
            dossier_id,
            citizen,
            slot_id="proof_of_residence",
            filename="a.jpg",
            data=jpeg(),
            slot_max_files=2,
            now=LATER,
        )
    respond_at = LATER + timedelta(hours=2)
    # Without the requested file the answer is refused.
    with pytest.raises(dossiers.ValidationFailed) as missing:
        dossiers.respond_to_supplement(
            db_session, dossier_id, citizen, form=form(), answers={"reason": "work"}, now=respond_at
        )
    assert set(missing.value.errors) == {"attachments.other_documents"}
    db_session.rollback()
    attachments.add_attachment(
        db_session,
        dossier_id,
        citizen,
        slot_id="other_documents",
        filename="xac-nhan.jpg",
        data=jpeg(),
        slot_max_files=3,
        now=respond_at,
    )
    with pytest.raises(dossiers.ValidationFailed) as invalid:
        dossiers.respond_to_supplement(
            db_session, dossier_id, citizen, form=form(), answers={"household_size": "lots"}, now=respond_at
        )
    assert set(invalid.value.errors) == {"household_size"}
    dossier = dossiers.respond_to_supplement(
        db_session,
        dossier_id,
        citizen,
        form=form(),
        answers={"reason": "work", "household_size": "4", "full_name": "Changed", "phone": "0900000000"},
        now=respond_at,
    )
    db_session.commit()
    assert dossier.status == "processing"
    assert dossier.supplement_request is None
    assert dossier.answers["reason"] == "work" and dossier.answers["household_size"] == 4
    assert dossier.answers["full_name"] == "Nguyễn Văn An"  # not requested: unchanged
    assert dossier.answers["phone"] == "0912345678"
    event = dossiers.timeline(db_session, dossier_id, citizen)[-1]
    assert (event.action, event.to_status) == ("supply", "processing")
    assert event.details["changed_fields"] == ["reason", "household_size"]
    assert event.details["files_added"] == {"other_documents": 1}


def test_supplement_is_answered_only_by_the_applicant(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "supplement_requested")
    stranger = Actor.citizen(make_user(db_session))
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        dossiers.respond_to_supplement(
            db_session, dossier_id, stranger, form=form(), answers={"reason": "work"}, now=LATER
        )


# --- the status the page showed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "shown", "now_at"),
    [
        (dossiers.receive, "submitted", "received"),  # a second tap on "receive", after it went through
        (dossiers.start_processing, "received", "processing"),
        (dossiers.approve, "processing", "approved"),
        (dossiers.hand_over, "result_ready", "returned"),
    ],
)
def test_a_step_on_a_status_the_page_no_longer_shows_is_refused_and_changes_nothing(
    db_session: Session, verb, shown: str, now_at: str  # type: ignore[no-untyped-def]
) -> None:
    dossier_id, _ = at_status(db_session, now_at)
    events_before = len(db_session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier_id)).all())
    with pytest.raises(dossiers.StatusMoved) as moved:
        verb(db_session, dossier_id, officer(db_session), now=LATER, expected=shown)
    db_session.rollback()
    assert db_session.get(Dossier, dossier_id).status == now_at
    assert len(db_session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier_id)).all()) == (
        events_before
    )
    # Said plainly, in both languages.
    from citizen_app.core.i18n import get_translator

    vi, en = (get_translator(locale).render(moved.value.message) for locale in ("vi", "en"))
    assert en.startswith("This application has changed since your page showed it") and "Nothing was done" in en
    assert vi != en and "Không có thay đổi nào" in vi


def test_the_next_step_is_not_taken_by_a_tap_meant_for_the_previous_one(db_session: Session) -> None:
    # Without the expected status the receive step's second tap would have been "start processing".
    dossier_id, _ = at_status(db_session, "submitted")
    desk = officer(db_session)
    dossiers.receive(db_session, dossier_id, desk, now=LATER, expected="submitted")
    with pytest.raises(dossiers.StatusMoved):
        dossiers.fire(db_session, dossier_id, "processing", desk, now=LATER, expected="submitted")
    with pytest.raises(dossiers.StatusMoved):
        dossiers.perform(db_session, dossier_id, "start_processing", desk, now=LATER, expected="submitted")
    assert db_session.get(Dossier, dossier_id).status == "received"


def test_a_delay_carries_the_status_too_and_keeps_the_time_of_day(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "processing")
    desk = officer(db_session)
    original = db_session.get(Dossier, dossier_id).appointment_at
    with pytest.raises(dossiers.StatusMoved):
        dossiers.delay_to_day(db_session, dossier_id, desk, now=LATER, day=original.date() + timedelta(days=7),
                              apology="Xin lỗi", expected="received")
    moved = dossiers.delay_to_day(db_session, dossier_id, desk, now=LATER, day=original.date() + timedelta(days=7),
                                  apology="Xin lỗi", expected="processing")
    local_before, local_after = original.astimezone(VIETNAM_TZ), moved.appointment_at.astimezone(VIETNAM_TZ)
    assert local_after.time() == local_before.time()
    assert local_after.date() == original.astimezone(VIETNAM_TZ).date() + timedelta(days=7)


def test_perform_takes_only_the_declared_action_from_where_the_dossier_is(db_session: Session) -> None:
    dossier_id, _ = at_status(db_session, "submitted")
    desk = officer(db_session)
    with pytest.raises(dossiers.InvalidTransition):
        dossiers.perform(db_session, dossier_id, "reject", desk, now=LATER, note="x")  # "refuse" at reception
    with pytest.raises(dossiers.InvalidTransition):
        dossiers.perform(db_session, dossier_id, "request_supplement", desk, now=LATER, note="x")  # carries data
    with pytest.raises(dossiers.InvalidTransition):
        dossiers.perform(db_session, dossier_id, "no_such_action", desk, now=LATER)
    dossiers.perform(db_session, dossier_id, "refuse", desk, now=LATER, note="Sai thẩm quyền")
    db_session.commit()
    assert dossiers.timeline(db_session, dossier_id, desk)[-1].action == "refuse"


# --- result ready needs a result ---------------------------------------------------------------------


def _with_delivery(db: Session, dossier_id: int, delivery: str | None) -> None:
    dossier = db.get(Dossier, dossier_id)
    answers = dict(dossier.answers)
    if delivery is None:
        answers.pop("delivery", None)
    else:
        answers["delivery"] = delivery
    dossier.answers = answers
    db.commit()


@pytest.mark.parametrize("role", ["counter_officer", "system"])
def test_result_ready_with_nothing_for_the_applicant_is_refused(db_session: Session, role: str) -> None:
    dossier_id, citizen = at_status(db_session, "approved")
    actor = actor_for(db_session, role, citizen)
    with pytest.raises(dossiers.ResultRequired) as refused:
        dossiers.mark_result_ready(db_session, dossier_id, actor, now=LATER)
    assert refused.value.message.msgid.startswith("Attach the result document, or say where")
    with pytest.raises(dossiers.ResultRequired):
        dossiers.fire(db_session, dossier_id, "result_ready", actor, now=LATER)  # the generic path too
    for incomplete in (dossiers.ResultPickup("Bộ phận một cửa", ""), dossiers.ResultPickup("", "8:00–17:00")):
        with pytest.raises(dossiers.ResultRequired):
            dossiers.mark_result_ready(db_session, dossier_id, actor, now=LATER, pickup=incomplete)
    db_session.rollback()
    assert db_session.get(Dossier, dossier_id).status == "approved"


def test_a_paper_result_is_recorded_with_where_and_when_for_the_applicant(db_session: Session) -> None:
    dossier_id, citizen = at_status(db_session, "approved")
    _with_delivery(db_session, dossier_id, "counter")
    desk = officer(db_session)
    assert dossiers.pickup_of(db_session.get(Dossier, dossier_id)) is None
    dossier = dossiers.mark_result_ready(db_session, dossier_id, desk, now=LATER, expected="approved", pickup=PAPER)
    db_session.commit()
    assert dossier.status == "result_ready"
    assert db_session.get(Dossier, dossier_id).result_pickup == {"place": PAPER.place, "hours": PAPER.hours}
    assert dossiers.pickup_of(db_session.get(Dossier, dossier_id)) == PAPER
    event = dossiers.timeline(db_session, dossier_id, citizen)[-1]
    assert event.details == {"result": "paper", "pickup": {"place": PAPER.place, "hours": PAPER.hours}}


def test_electronic_delivery_needs_the_result_document(db_session: Session) -> None:
    dossier_id, citizen = at_status(db_session, "approved")
    _with_delivery(db_session, dossier_id, "electronic")
    desk = officer(db_session)
    db_session.commit()
    with pytest.raises(dossiers.ResultRequired) as refused:
        dossiers.mark_result_ready(db_session, dossier_id, desk, now=LATER, pickup=PAPER)
    assert "electronically" in refused.value.message.msgid
    db_session.rollback()
    attachments.add_attachment(db_session, dossier_id, desk, slot_id="result", filename="kq.pdf", data=PDF, now=LATER)
    dossier = dossiers.mark_result_ready(db_session, dossier_id, desk, now=LATER)
    db_session.commit()
    assert dossier.status == "result_ready" and dossier.result_pickup is None
    assert dossiers.timeline(db_session, dossier_id, citizen)[-1].details == {"result": "document"}
