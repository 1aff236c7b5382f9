"""Drafts (start, resume, autosave, migration) and submission (validation, code, appointment, idempotency)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.dossiers import Actor
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier, DossierCodeSequence, DossierEvent
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import complete_answers, profile, raw_form
from tests.unit.dossiers.helpers import NOW, draft_with_file, make_user, officer, stored_files, submit, terms


@pytest.fixture
def citizen(db_session: Session) -> Actor:
    return Actor.citizen(make_user(db_session))


# --- drafts ---------------------------------------------------------------------------------------


def test_start_prefills_and_resumes_the_same_draft(db_session: Session, citizen: Actor) -> None:
    view = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW)
    assert view.created
    assert view.answers["full_name"] == "Nguyễn Văn An"
    assert view.locked == {"full_name", "personal_id", "birth_date", "sex"}
    assert view.provenance["phone"] == "profile"
    assert view.filled_count == 7
    db_session.commit()
    again = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW + timedelta(hours=1))
    assert again.dossier_id == view.dossier_id and not again.created
    assert db_session.scalar(select(func.count(Dossier.id))) == 1
    # Another procedure gets its own draft.
    other = dossiers.start_draft(db_session, citizen, terms(code="2.000635"), profile(), now=NOW)
    assert other.dossier_id != view.dossier_id


def test_autosave_merges_and_is_idempotent(db_session: Session, citizen: Actor) -> None:
    view = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW)
    saved = dossiers.save_draft(db_session, view.dossier_id, citizen, {"reason": "work"}, 1, now=NOW)
    assert saved.changed
    again = dossiers.save_draft(db_session, view.dossier_id, citizen, {"reason": "work"}, 1, now=NOW)
    assert not again.changed
    dossiers.save_draft(db_session, view.dossier_id, citizen, {"phone": None}, 1, now=NOW)
    db_session.commit()
    draft = db_session.get(Dossier, view.dossier_id)
    db_session.refresh(draft)
    assert draft.answers["reason"] == "work"
    assert "phone" not in draft.answers
    assert draft.answers["full_name"] == "Nguyễn Văn An"


def test_autosave_puts_locked_fields_back(db_session: Session, citizen: Actor) -> None:
    view = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW)
    result = dossiers.save_draft(
        db_session, view.dossier_id, citizen, {"full_name": "Kẻ Mạo Danh", "personal_id": None}, 1, now=NOW
    )
    assert set(result.restored) == {"full_name", "personal_id"}
    db_session.commit()
    draft = db_session.get(Dossier, view.dossier_id)
    db_session.refresh(draft)
    assert draft.answers["full_name"] == "Nguyễn Văn An"
    assert draft.answers["personal_id"] == "001090012345"


def test_autosave_refusals(db_session: Session, citizen: Actor) -> None:
    view = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW)
    db_session.commit()
    with pytest.raises(dossiers.FormChanged):
        dossiers.save_draft(db_session, view.dossier_id, citizen, {"reason": "work"}, 2, now=NOW)
    with pytest.raises(dossiers.DraftTooLarge):
        dossiers.save_draft(db_session, view.dossier_id, citizen, {"reason_other": "x" * 300_000}, 1, now=NOW)
    stranger = Actor.citizen(make_user(db_session))
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        dossiers.save_draft(db_session, view.dossier_id, stranger, {"reason": "work"}, 1, now=NOW)
    db_session.rollback()
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [(e.action, e.actor_id) for e in denied] == [("dossier.save", str(stranger.user_id))]


def test_discard_draft_removes_files(db_session: Session, citizen: Actor) -> None:
    draft_id = draft_with_file(db_session, citizen)
    db_session.commit()
    files = stored_files(db_session.get(Dossier, draft_id).attachments)
    assert files and all(path.exists() for path in files)
    dossiers.discard_draft(db_session, draft_id, citizen)
    assert all(path.exists() for path in files)  # not before the commit
    db_session.commit()
    assert not any(path.exists() for path in files)
    assert db_session.get(Dossier, draft_id) is None


def test_purge_stale_drafts_with_their_files(db_session: Session, citizen: Actor) -> None:
    old = draft_with_file(db_session, citizen)
    fresh = draft_with_file(db_session, citizen, procedure=terms(code="2.000635"))
    submitted_id, _ = helpers.submitted(db_session)
    db_session.get(Dossier, old).last_touched_at = NOW - timedelta(days=31)
    db_session.get(Dossier, fresh).last_touched_at = NOW - timedelta(days=29)
    submitted = db_session.get(Dossier, submitted_id)
    submitted.last_touched_at = NOW - timedelta(days=400)
    db_session.commit()
    old_files = stored_files(db_session.get(Dossier, old).attachments)
    assert all(path.exists() for path in old_files)
    report = dossiers.purge_stale_drafts(db_session, NOW, 30)
    db_session.commit()
    assert (report.drafts, report.files) == (1, 1)
    assert not any(path.exists() for path in old_files)
    assert db_session.get(Dossier, old) is None
    assert db_session.scalar(select(func.count(DossierEvent.id)).where(DossierEvent.dossier_id == old)) == 0
    assert db_session.get(Dossier, fresh) is not None
    assert db_session.get(Dossier, submitted_id) is not None


# --- schema changed while a draft was open --------------------------------------------------------


def terms_v2() -> dossiers.ProcedureTerms:
    from citizen_app.core.forms import parse_form

    raw = raw_form(version=2)
    raw["steps"][1]["fields"].insert(
        0,
        {
            "id": "move_date",
            "type": "date",
            "label": {"vi": "Ngày chuyển", "en": "Moving date"},
            "required": True,
        },
    )
    del raw["steps"][0]["fields"][5]  # email
    form, errors = parse_form(raw)
    assert form is not None, errors
    base = terms()
    return dossiers.ProcedureTerms(
        base.code, base.name, base.level, form, base.processing_days, base.fees_vnd
    )


def test_submitting_against_a_changed_form_is_refused_then_migrated(
    db_session: Session, citizen: Actor
) -> None:
    draft_id = draft_with_file(db_session, citizen)
    db_session.commit()
    with pytest.raises(dossiers.FormChanged) as refused:
        submit(db_session, draft_id, citizen, procedure=terms_v2())
    assert refused.value.dropped == ("email",)
    assert refused.value.now_required == ("move_date",)
    db_session.rollback()
    assert db_session.get(Dossier, draft_id).status == "draft"

    view = dossiers.resume_draft(db_session, draft_id, citizen, terms_v2(), profile(), now=NOW)
    assert view.form_version == 2
    assert view.migration is not None and view.migration.dropped == ("email",)
    assert [m.params for m in view.notices] == [{"count": 1}, {"count": 1}]
    assert "email" not in view.answers
    db_session.commit()
    # The old page cannot autosave into the migrated draft.
    with pytest.raises(dossiers.FormChanged):
        dossiers.save_draft(db_session, draft_id, citizen, {"reason": "work"}, 1, now=NOW)
    with pytest.raises(dossiers.ValidationFailed) as missing:
        submit(db_session, draft_id, citizen, procedure=terms_v2())
    assert set(missing.value.errors) == {"move_date"}
    db_session.rollback()
    dossiers.save_draft(db_session, draft_id, citizen, {"move_date": "2026-11-10"}, 2, now=NOW)
    result = submit(db_session, draft_id, citizen, procedure=terms_v2())
    assert result.created and result.dossier.form_version == 2


# --- submission -----------------------------------------------------------------------------------


def test_submission_sets_code_appointment_fee_and_snapshots(db_session: Session, citizen: Actor) -> None:
    draft_id = draft_with_file(db_session, citizen, answers=complete_answers() | {"phone": "0987 654 321"})
    result = submit(db_session, draft_id, citizen)
    db_session.commit()
    dossier = result.dossier
    assert result.created
    assert dossier.id == draft_id
    assert dossier.status == "submitted"
    assert dossier.code == "008.00.20.H01-261116-0001"  # Phường Ngọc Hà, the answered address
    assert dossier.agency_code == "008.00.20.H01"
    assert (dossier.province_code, dossier.commune_code) == ("01", "00008")
    assert dossier.receiving_unit == {
        "vi": "Ủy ban nhân dân Phường Ngọc Hà",
        "en": "People's Committee of Phường Ngọc Hà",
    }
    assert dossier.received_at == NOW
    # Monday 09:00 + 3 working days = Thursday 09:00 (Hà Nội).
    assert dossier.appointment_at == datetime(2026, 11, 19, 9, 0, tzinfo=VIETNAM_TZ)
    assert dossier.original_appointment_at == dossier.appointment_at
    assert dossier.appointment_at.tzinfo is not None
    assert (dossier.channel, dossier.fee_due_vnd, dossier.processing_days) == ("online", 10_000, 3)
    assert dossier.applicant == {
        "full_name": "Nguyễn Văn An",
        "address": "5 Ngõ Núi Trúc, Phường Ngọc Hà, Thành phố Hà Nội",
        "phone": "0987654321",
        "email": "an@example.vn",
    }
    assert dossier.applicant_pid_last4 == "2345"
    assert dossier.documents == [
        {
            "name": {"vi": "Giấy tờ chỗ ở hợp pháp", "en": "Giấy tờ chỗ ở hợp pháp"},
            "originals": 0,
            "copies": 0,
            "files": 1,
        }
    ]
    assert dossier.answers["phone"] == "0987654321"  # cleaned
    assert result.reusable == {"contact.phone": "0987654321"}
    events = db_session.scalars(
        select(DossierEvent).where(DossierEvent.dossier_id == draft_id).order_by(DossierEvent.id)
    ).all()
    assert [(e.action, e.from_status, e.to_status, e.actor_role) for e in events][-1] == (
        "submit",
        "draft",
        "submitted",
        "citizen",
    )


def test_second_submission_of_the_day_gets_0002(db_session: Session) -> None:
    first, _ = helpers.submitted(db_session)
    second, _ = helpers.submitted(db_session)
    codes = [db_session.get(Dossier, i).code for i in (first, second)]
    assert codes == ["008.00.20.H01-261116-0001", "008.00.20.H01-261116-0002"]


def test_province_level_procedures_go_to_the_province_centre(db_session: Session, citizen: Actor) -> None:
    procedure = terms(level="province", code="2.000635")
    draft_id = draft_with_file(db_session, citizen, procedure=procedure)
    result = submit(db_session, draft_id, citizen, procedure=procedure)
    assert result.dossier.code == "000.00.00.H01-261116-0001"
    assert result.dossier.commune_code is None
    assert result.dossier.receiving_unit["vi"] == "Trung tâm Phục vụ hành chính công Thành phố Hà Nội"


def test_after_hours_submission_counts_from_the_next_working_day(db_session: Session, citizen: Actor) -> None:
    draft_id = draft_with_file(db_session, citizen)
    friday_night = datetime(2026, 11, 20, 21, 30, tzinfo=VIETNAM_TZ)
    dossier = submit(db_session, draft_id, citizen, now=friday_night).dossier
    assert dossier.code.endswith("-261120-0001")  # the code keeps the real receipt date
    assert dossier.appointment_at == datetime(2026, 11, 26, 8, 0, tzinfo=VIETNAM_TZ)


def test_validation_failure_saves_nothing(db_session: Session, citizen: Actor) -> None:
    bad = complete_answers() | {"phone": "12345", "birth_date": "2030-01-01", "declaration": False}
    view = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW)
    dossiers.save_draft(db_session, view.dossier_id, citizen, bad, 1, now=NOW)
    db_session.commit()
    with pytest.raises(dossiers.ValidationFailed) as failed:
        submit(db_session, view.dossier_id, citizen)
    # The verified birth date was put back, so only the typed answers and the missing file remain.
    assert set(failed.value.errors) == {"phone", "declaration", "attachments.proof_of_residence"}
    db_session.rollback()
    assert db_session.get(Dossier, view.dossier_id).status == "draft"
    assert db_session.scalar(select(func.count()).select_from(DossierCodeSequence)) == 0


def test_missing_required_answers_are_refused(db_session: Session, citizen: Actor) -> None:
    view = dossiers.start_draft(db_session, citizen, terms(), None, now=NOW)
    with pytest.raises(dossiers.ValidationFailed) as failed:
        submit(db_session, view.dossier_id, citizen)
    assert {
        "full_name",
        "personal_id",
        "birth_date",
        "phone",
        "new_address.province_code",
        "reason",
        "declaration",
    } <= set(failed.value.errors)


def test_double_submit_returns_the_same_dossier(db_session: Session, citizen: Actor) -> None:
    draft_id = draft_with_file(db_session, citizen)
    key = str(uuid.uuid4())
    first = submit(db_session, draft_id, citizen, key=key)
    db_session.commit()
    retry = submit(db_session, draft_id, citizen, key=key.upper())  # the same UUID, written differently
    other_tab = submit(db_session, draft_id, citizen)  # a second tab: its own key
    assert first.created and not retry.created and not other_tab.created
    assert first.dossier.id == retry.dossier.id == other_tab.dossier.id
    assert db_session.scalar(select(func.count(Dossier.id))) == 1
    assert db_session.scalar(select(DossierCodeSequence.last_value)) == 1


def test_a_key_cannot_claim_another_dossier(db_session: Session, citizen: Actor) -> None:
    key = str(uuid.uuid4())
    first = draft_with_file(db_session, citizen)
    submit(db_session, first, citizen, key=key)
    second = draft_with_file(db_session, citizen, procedure=terms(code="2.000635"))
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        submit(db_session, second, citizen, key=key, procedure=terms(code="2.000635"))
    db_session.rollback()
    with pytest.raises(dossiers.SubmissionKeyReused):
        submit(db_session, second, citizen, key="not-a-uuid", procedure=terms(code="2.000635"))


def test_someone_else_cannot_submit_my_draft(db_session: Session, citizen: Actor) -> None:
    draft_id = draft_with_file(db_session, citizen)
    stranger = Actor.citizen(make_user(db_session))
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        submit(db_session, draft_id, stranger)


def test_assisted_submission_at_the_counter(db_session: Session) -> None:
    applicant = make_user(db_session)
    desk = officer(db_session, "00008")
    view = dossiers.start_draft(db_session, desk, terms(), profile(), now=NOW, applicant_id=applicant)
    dossiers.save_draft(db_session, view.dossier_id, desk, complete_answers(), 1, now=NOW)
    attachments.add_attachment(
        db_session,
        view.dossier_id,
        desk,
        slot_id="proof_of_residence",
        filename="scan.pdf",
        data=helpers.PDF,
        slot_max_files=2,
        now=NOW,
    )
    result = submit(db_session, view.dossier_id, desk)
    db_session.commit()
    dossier = result.dossier
    assert dossier.applicant_id == applicant and dossier.registrar_id == desk.user_id
    assert (dossier.channel, dossier.status, dossier.fee_due_vnd, dossier.processing_days) == (
        "counter",
        "received",
        20_000,
        5,
    )
    actions = [e.action for e in dossiers.timeline(db_session, dossier.id, Actor.citizen(applicant))]
    assert actions[-2:] == ["submit", "receive"]


def test_session_expiry_then_retry_with_the_same_key(db_session: Session, citizen: Actor) -> None:
    """The page re-authenticates and resends the same key: the dossier made before the expiry comes back."""
    draft_id = draft_with_file(db_session, citizen)
    key = str(uuid.uuid4())
    submit(db_session, draft_id, citizen, key=key)
    db_session.commit()
    later = NOW + timedelta(hours=9)
    again = submit(db_session, draft_id, citizen, key=key, now=later)
    assert not again.created and again.dossier.received_at == NOW


def test_received_at_is_stored_in_utc(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    dossier = db_session.get(Dossier, dossier_id)
    db_session.expire(dossier)
    assert dossier.received_at.utcoffset() == timedelta(0)
    assert dossier.received_at == datetime(2026, 11, 16, 2, 0, tzinfo=UTC)


def test_at_the_counter_the_desk_receives(db_session: Session) -> None:
    applicant = make_user(db_session)
    desk = officer(db_session, "00004")  # Ba Đình desk; the citizen lives in Ngọc Hà
    view = dossiers.start_draft(db_session, desk, terms(), profile(), now=NOW, applicant_id=applicant)
    dossiers.save_draft(db_session, view.dossier_id, desk, complete_answers(), 1, now=NOW)
    attachments.add_attachment(
        db_session,
        view.dossier_id,
        desk,
        slot_id="proof_of_residence",
        filename="scan.pdf",
        data=helpers.PDF,
        slot_max_files=2,
        now=NOW,
    )
    dossier = submit(db_session, view.dossier_id, desk).dossier
    assert (dossier.agency_code, dossier.status) == ("004.00.20.H01", "received")


def test_a_desk_that_does_not_handle_this_procedure_receives_it_and_hands_it_over(db_session: Session) -> None:
    """Reception without boundaries (issue 12): the centre takes it in (its code), the commune handles it."""
    applicant = make_user(db_session)
    desk = helpers.province_officer(db_session, "01")  # the province centre; the procedure is commune-level
    view = dossiers.start_draft(db_session, desk, terms(), profile(), now=NOW, applicant_id=applicant)
    dossiers.save_draft(db_session, view.dossier_id, desk, complete_answers(), 1, now=NOW)
    attachments.add_attachment(
        db_session,
        view.dossier_id,
        desk,
        slot_id="proof_of_residence",
        filename="scan.pdf",
        data=helpers.PDF,
        slot_max_files=2,
        now=NOW,
    )
    dossier = submit(db_session, view.dossier_id, desk).dossier
    assert (dossier.agency_code, dossier.status, dossier.channel) == ("008.00.20.H01", "received", "counter")
    assert (dossier.code or "").startswith("000.00.00.H01-")
    actions = [e.action for e in dossiers.timeline(db_session, dossier.id, Actor.citizen(applicant))]
    assert actions[-3:] == ["submit", "receive", "route"]
