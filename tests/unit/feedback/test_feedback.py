"""A message from sending to publication, on both databases: the unit, the due date, who may act, the
public list, and the limits against abuse."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import calendar
from citizen_app.core.feedback import handling, public, rules, sending
from citizen_app.core.feedback.errors import FeedbackInvalid, FeedbackRefused, FeedbackStateError
from citizen_app.core.feedback.photos import prepare_photo
from citizen_app.core.storage import get_storage
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.feedback import Feedback
from citizen_app.settings import load_settings
from tests.unit.feedback.helpers import NOW, SCRIPT, UNITS, answers, staff
from tests.unit.staff.helpers import place, province_of


def send(db: Session, **changes: str) -> sending.SentFeedback:
    sent = sending.send_feedback(db, answers(**changes), photo=None, user_id=None, locale="vi", now=NOW, units=UNITS)
    db.commit()
    return sent


def test_feedback_about_an_agency_goes_to_it_with_a_due_date_in_working_days(db_session: Session) -> None:
    sent = send(db_session)
    assert rules.normalize_code(sent.code) == sent.code
    assert sent.unit_name == {"vi": "Ủy ban nhân dân Phường Ba Đình", "en": "People's Committee of Phường Ba Đình"}
    assert sent.due_at == calendar.add_working_days(NOW, 10)
    stored = db_session.scalar(select(Feedback).where(Feedback.code == sent.code))
    assert stored is not None
    assert (stored.agency_code, stored.province_code, stored.commune_code) == ("004.00.20.H01", "01", "00004")
    assert stored.sender_phone == "0912345678" and stored.may_publish
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.send")).all()
    assert [e.details["code"] for e in events] == [sent.code]


def test_the_unit_follows_the_subject(db_session: Session) -> None:
    commune_level = send(db_session, subject_type="procedure", procedure_code="1.000656", commune_code="00008")
    province_level = send(db_session, subject_type="procedure", procedure_code="1.001456", commune_code="00008")
    centre = send(db_session, subject_type="agency", commune_code="")
    dossier = place(db_session, commune="00008")
    db_session.commit()
    about_dossier = send(db_session, subject_type="dossier", dossier_code=dossier.code, pid_last4="2345")
    agencies = {
        sent.code: db_session.scalar(select(Feedback.agency_code).where(Feedback.code == sent.code))
        for sent in (commune_level, province_level, centre, about_dossier)
    }
    assert agencies == {
        commune_level.code: "008.00.20.H01",
        province_level.code: "000.00.00.H01",
        centre.code: "000.00.00.H01",
        about_dossier.code: "008.00.20.H01",
    }


def test_nothing_half_valid_is_stored(db_session: Session) -> None:
    with pytest.raises(FeedbackInvalid) as refused:
        sending.send_feedback(
            db_session, answers(title="", sender_email="bad"), photo=None, user_id=None, locale="vi", now=NOW,
            units=UNITS,
        )
    assert set(refused.value.errors) == {"title", "sender_email"}
    dossier = place(db_session)
    db_session.commit()
    with pytest.raises(FeedbackInvalid) as wrong_digits:
        sending.send_feedback(
            db_session, answers(subject_type="dossier", dossier_code=dossier.code, pid_last4="9999"),
            photo=None, user_id=None, locale="vi", now=NOW, units=UNITS,
        )
    assert set(wrong_digits.value.errors) == {"dossier_code"}
    db_session.rollback()
    assert db_session.scalars(select(Feedback)).all() == []


def test_naming_a_dossier_is_a_lookup_under_the_lookup_limit(db_session: Session) -> None:
    dossier = place(db_session)
    db_session.commit()
    settings = load_settings({"LOOKUP_RATE_LIMIT_PER_MINUTE": "3"})

    def check(digits: str) -> dict[str, object]:
        found = sending.check_step(
            db_session, "subject", answers(subject_type="dossier", dossier_code=dossier.code, pid_last4=digits),
            client="203.0.113.7", now=NOW, settings=settings,
        )
        db_session.commit()
        return {name: message.msgid for name, message in found.items()}

    assert check("2345") == {}
    assert check("0000") == {"dossier_code": rules.MSG_DOSSIER_NOT_FOUND}
    assert check("0001") == {"dossier_code": rules.MSG_DOSSIER_NOT_FOUND}
    # Over the limit even the right digits are not looked up: codes cannot be walked through this way.
    assert check("2345") == {"dossier_code": sending.MSG_LOOKUPS_LIMITED}


def test_sending_is_limited_per_connection_and_hour(db_session: Session) -> None:
    settings = load_settings({"FEEDBACK_RATE_LIMIT_PER_HOUR": "2"})
    decisions = []
    for minutes in (0, 10, 20):
        decisions.append(sending.sending_allowed(db_session, "198.51.100.1", now=NOW + timedelta(minutes=minutes),
                                                 settings=settings))
        db_session.commit()
    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[-1].retry_after_seconds > 0
    other = sending.sending_allowed(db_session, "198.51.100.2", now=NOW, settings=settings)
    assert other.allowed


def test_the_photo_is_stored_privately_and_shown_to_the_unit_only(db_session: Session) -> None:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), "red").save(out, "JPEG")
    photo = prepare_photo("queue.jpg", out.getvalue(), "image/jpeg", settings=load_settings({}))
    sent = sending.send_feedback(db_session, answers(), photo=photo, user_id=None, locale="vi", now=NOW, units=UNITS)
    db_session.commit()
    officer = staff(db_session)
    download = handling.photo(db_session, sent.code, officer)
    assert get_storage().read(download.key) == photo.data
    local = get_storage().local_path(download.key)
    assert local is not None and local.stat().st_mode & 0o777 == 0o600
    elsewhere = staff(db_session, code="00008")
    with pytest.raises(FeedbackRefused):
        handling.photo(db_session, sent.code, elsewhere)


def test_a_failed_send_leaves_no_photo_behind(db_session: Session, isolated_settings) -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    photo = prepare_photo("queue.jpg", out.getvalue(), "image/jpeg", settings=load_settings({}))
    sending.send_feedback(db_session, answers(), photo=photo, user_id=None, locale="vi", now=NOW, units=UNITS)
    db_session.rollback()
    files_dir = isolated_settings / "files"
    assert not files_dir.exists() or not [p for p in files_dir.rglob("*") if p.is_file()]


def test_the_unit_answers_and_its_supervisor_publishes_without_personal_data(db_session: Session) -> None:
    sent = send(db_session, content=f"Cán bộ không hướng dẫn. {SCRIPT} Liên hệ Nguyễn Thị Hoa 0912345678.")
    officer = staff(db_session)
    inbox = handling.inbox(db_session, officer, now=NOW, province_of=province_of)
    assert [row.code for row in inbox.rows] == [sent.code]
    view = handling.open_feedback(db_session, sent.code, officer, now=NOW)
    assert view.content.count(SCRIPT) == 1  # kept as typed: pages show it as text
    assert view.sender_name == "Nguyễn Thị Hoa" and view.can_answer and not view.can_publish

    handling.answer(db_session, sent.code, officer, "Phường đã bố trí thêm một cán bộ hướng dẫn.",
                    now=NOW + timedelta(days=2))
    db_session.commit()
    with pytest.raises(FeedbackStateError):
        handling.answer(db_session, sent.code, officer, "Một câu trả lời nữa cho cùng phản ánh.", now=NOW)
    with pytest.raises(FeedbackRefused):  # a counter officer does not publish
        handling.publish(db_session, sent.code, officer, title="x" * 10, question="y" * 30, answer_text="z" * 20,
                         now=NOW)

    supervisor = staff(db_session, level="province", code="01", roles=("counter_officer", "supervisor"))
    view = handling.open_feedback(db_session, sent.code, supervisor, now=NOW)
    assert view.can_publish
    assert "Nguyễn Thị Hoa" not in view.draft_public_question and "0912345678" not in view.draft_public_question
    # Whatever the supervisor leaves in, personal data is taken out again.
    handling.publish(
        db_session, sent.code, supervisor, title=view.draft_public_title,
        question=view.draft_public_question + " Gọi 0987 654 321.", answer_text=view.draft_public_answer,
        now=NOW + timedelta(days=3),
    )
    db_session.commit()
    listed = public.public_answers(db_session)
    assert listed.total == 1
    item = listed.items[0]
    for secret in ("Nguyễn Thị Hoa", "0912345678", "0987 654 321", "hoa.nguyen@example.vn"):
        assert secret not in f"{item.title} {item.question} {item.answer}"
    assert SCRIPT in item.question
    assert item.answer == "Phường đã bố trí thêm một cán bộ hướng dẫn."
    tracked = public.track(db_session, sent.code.lower(), now=NOW)
    assert tracked is not None and tracked.status == "answered" and tracked.published

    handling.unpublish(db_session, sent.code, supervisor, now=NOW)
    db_session.commit()
    assert public.public_answers(db_session).total == 0


def test_only_the_competent_unit_and_its_supervisors_see_a_message(db_session: Session) -> None:
    sent = send(db_session)
    elsewhere = staff(db_session, code="00008")
    other_province = staff(db_session, level="province", code="79", roles=("counter_officer", "supervisor"))
    assert handling.inbox(db_session, elsewhere, now=NOW, province_of=province_of).total == 0
    assert handling.inbox(db_session, other_province, now=NOW).total == 0
    for actor in (elsewhere, other_province):
        with pytest.raises(FeedbackRefused):
            handling.open_feedback(db_session, sent.code, actor, now=NOW)
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert {event.action for event in denied} == {"feedback.open"}
    province_supervisor = staff(db_session, level="province", code="01", roles=("supervisor",))
    assert handling.inbox(db_session, province_supervisor, now=NOW).total == 1


def test_a_message_without_consent_is_never_published(db_session: Session) -> None:
    sent = send(db_session, may_publish="no")
    supervisor = staff(db_session, level="province", code="01", roles=("counter_officer", "supervisor"))
    handling.answer(db_session, sent.code, supervisor, "Cảm ơn ông/bà, chúng tôi đã chấn chỉnh.", now=NOW)
    assert not handling.open_feedback(db_session, sent.code, supervisor, now=NOW).can_publish
    with pytest.raises(FeedbackStateError):
        handling.publish(db_session, sent.code, supervisor, title="Tiêu đề đủ dài", question="q" * 30,
                         answer_text="a" * 20, now=NOW)


def test_declining_tells_the_sender_why(db_session: Session) -> None:
    sent = send(db_session)
    officer = staff(db_session)
    with pytest.raises(FeedbackInvalid):
        handling.decline(db_session, sent.code, officer, "   ", now=NOW)
    handling.decline(db_session, sent.code, officer, "Nội dung không thuộc thẩm quyền của phường.", now=NOW)
    tracked = public.track(db_session, sent.code, now=NOW)
    assert tracked is not None and tracked.status == "declined"
    assert tracked.decline_reason == "Nội dung không thuộc thẩm quyền của phường."


def test_the_public_list_is_searched_by_topic_and_words_without_accents(db_session: Session) -> None:
    supervisor = staff(db_session, level="province", code="01", roles=("counter_officer", "supervisor"))
    for topic, title in (("fees", "Lệ phí cấp bản sao quá cao"), ("delay", "Trả kết quả chậm hai tuần")):
        sent = send(db_session, topic=topic, title=title)
        handling.answer(db_session, sent.code, supervisor, "Đã trả lời công dân theo quy định.", now=NOW)
        view = handling.open_feedback(db_session, sent.code, supervisor, now=NOW)
        handling.publish(db_session, sent.code, supervisor, title=view.draft_public_title,
                         question=view.draft_public_question, answer_text=view.draft_public_answer, now=NOW)
    send(db_session, topic="fees", title="Chưa trả lời thì không công khai")
    db_session.commit()
    assert public.public_answers(db_session).total == 2
    assert [i.title for i in public.public_answers(db_session, topic="fees").items] == ["Lệ phí cấp bản sao quá cao"]
    assert [i.title for i in public.public_answers(db_session, query="ket qua CHAM").items] == [
        "Trả kết quả chậm hai tuần"
    ]
    assert public.public_answers(db_session, query="100%_").total == 0
    assert public.track(db_session, "PA-0000-0000", now=NOW) is None
