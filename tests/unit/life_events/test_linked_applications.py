"""Life events (issue 12): one application, three parts handled in turn by three agencies.

Runs on SQLite and PostgreSQL (the ``db_session`` fixture)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.dossiers import Actor, chain
from citizen_app.core.dossiers.staff_queue import QueueFilters, staff_queue
from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from citizen_app.idp.accounts import ACCOUNTS
from tests.unit.dossiers.helpers import NOW, jpeg, make_user
from tests.unit.life_events.helpers import (
    BABY,
    DEATH,
    birth_group,
    death_group,
    fill,
    profile_of,
    province_of,
    registries,
    send,
    staff,
)

PAPER = dossiers.ResultPickup("Bộ phận một cửa UBND phường Ba Đình", "Thứ Hai đến Thứ Sáu, 7:30–11:30")


def _mother(db: Session) -> tuple[Actor, object]:
    return Actor.citizen(make_user(db)), profile_of("thu.dang")


def _queue(db: Session, officer: Actor) -> list[str]:
    page = staff_queue(db, officer, QueueFilters(), now=NOW, province_of=province_of)
    return [row.code for row in page.rows]


def _walk(db: Session, part_id: int, officer: Actor, now: datetime, *, to: str = "result_ready") -> None:
    for target in ("received", "processing", "approved", "result_ready"):
        dossiers.fire(db, part_id, target, officer, now=now, pickup=PAPER if target == "result_ready" else None)
        if target == to:
            return


def test_a_mother_sends_the_birth_group_typing_only_the_babys_details(db_session: Session) -> None:
    group = birth_group()
    mother, profile = _mother(db_session)
    with registries():
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"}, BABY)
        draft = db_session.get(Dossier, draft_id)
        assert draft is not None
        answers = draft.answers
        # Her own identity fills the mother's fields, verified; the registries fill the father and the home.
        assert answers["mother_full_name"] == "Đặng Thị Thu" and draft.provenance["mother_full_name"] == "identity"
        assert "mother_personal_id" in draft.locked_values
        assert answers["father_full_name"] == "Nguyễn Văn An" and draft.provenance["father_full_name"] == "civil_status"
        assert answers["father_known"] == "yes"
        assert answers["home_address"]["commune_code"] == "00004" and draft.provenance["home_address"] == "population"
        assert answers["household_head"] == "Nguyễn Văn An"
        assert {"identity", "profile", "population", "civil_status"} <= set(draft.prefill_sources or {})
        result = send(db_session, draft_id, group, mother, profile)
    db_session.commit()

    umbrella = result.dossier
    assert umbrella.status == "linked" and umbrella.code.startswith("004.00.20.H01-")
    assert umbrella.province_code is None  # its parts are what the indicators count
    parts = list(db_session.scalars(select(Dossier).where(Dossier.umbrella_id == umbrella.id).order_by(Dossier.chain_position)))
    assert [p.procedure_code for p in parts] == ["1.001193", "1.004222", "2.000639"]
    assert [p.status for p in parts] == ["submitted", "waiting", "waiting"]
    assert [p.code.split("-")[0] for p in parts] == ["004.00.20.H01", "004.00.30.H01", "000.00.40.H01"]
    # Due one after the other: Monday 09:00 → Tuesday, Wednesday, Thursday; the whole chain on Thursday.
    due = [p.appointment_at.astimezone(VIETNAM_TZ).date() for p in parts]
    assert due == [NOW.date() + timedelta(days=n) for n in (1, 2, 3)]
    assert umbrella.appointment_at == parts[-1].appointment_at

    commune, police, insurance = staff(db_session, "commune", "00004"), staff(db_session, "police", "00004"), staff(
        db_session, "social_insurance", "01"
    )
    # Each agency sees only its part, and only when its turn has come.
    assert _queue(db_session, commune) == [parts[0].code]
    assert _queue(db_session, police) == [] and _queue(db_session, insurance) == []

    later = NOW + timedelta(hours=2)
    _walk(db_session, parts[0].id, commune, later)
    db_session.commit()
    for part in parts:
        db_session.refresh(part)
    assert parts[1].status == "submitted" and parts[2].status == "waiting"
    number = parts[0].chain_data["birth_certificate_number"]
    assert parts[1].chain_data["birth_certificate_number"] == number  # the result feeds the next part
    assert _queue(db_session, police) == [parts[1].code]

    _walk(db_session, parts[1].id, police, later + timedelta(hours=20))
    _walk(db_session, parts[2].id, insurance, later + timedelta(days=1))
    db_session.commit()
    view = chain.umbrella_view(db_session, umbrella)
    assert view.finished and [p.status for p in view.parts] == ["result_ready"] * 3
    assert view.parts[0].results[0][1] == number
    assert all(p.appointment_at >= later for p in view.parts)  # finished within its due date
    # The mother heard of each step.
    kinds = {e.action for e in db_session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == parts[1].id))}
    assert {"chain_wait", "chain_next", "receive", "approve"} <= kinds


def test_the_death_group_is_sent_by_a_relative_with_the_deceased_filled_from_registries(db_session: Session) -> None:
    group = death_group()
    widow, profile = Actor.citizen(make_user(db_session)), profile_of("lan.bui")
    with registries():
        draft_id = fill(db_session, group, widow, profile, DEATH)
        draft = db_session.get(Dossier, draft_id)
        assert draft is not None
        assert draft.answers["deceased_full_name"] == "Đỗ Văn Hùng"
        assert draft.provenance["deceased_full_name"] == "population"
        assert draft.answers["insurance_number"] == "0150001234"
        assert draft.provenance["insurance_number"] == "social_insurance"
        assert draft.answers["last_address"]["commune_code"] == "00004"
        result = send(db_session, draft_id, group, widow, profile)
    db_session.commit()
    parts = list(
        db_session.scalars(select(Dossier).where(Dossier.umbrella_id == result.dossier.id).order_by(Dossier.chain_position))
    )
    assert [p.procedure_code for p in parts] == ["1.000656", "1.003197", "2.000821"]
    assert [p.status for p in parts] == ["submitted", "waiting", "waiting"]


def test_paper_certificates_need_verification_and_five_working_days(db_session: Session) -> None:
    group = birth_group()
    mother, profile = _mother(db_session)
    # Thursday 16:00: after 15:00, the clock starts on Friday.
    late = datetime(2026, 11, 19, 16, 0, tzinfo=VIETNAM_TZ)
    with registries():
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"}, {**BABY, "medical_certificate": "paper"}, now=late)
        # A paper certificate: its slot is asked, and required (a conditional document slot).
        with pytest.raises(dossiers.ValidationFailed) as failed:
            send(db_session, draft_id, group, mother, profile, now=late)
        assert set(failed.value.errors) == {"attachments.birth_certificate"}
        attachments.add_attachment(
            db_session, draft_id, mother, slot_id="birth_certificate", filename="giay-chung-sinh.jpg", data=jpeg(),
            declared_type="image/jpeg", slot_max_files=2, now=late,
        )
        result = send(db_session, draft_id, group, mother, profile, now=late)
    due = result.dossier.appointment_at.astimezone(VIETNAM_TZ).date()
    # Friday + 5 working days = Friday 27 November.
    assert due.isoformat() == "2026-11-27"
    assert result.dossier.chain_data == {"group": "birth", "verification": True}


# --- bad input ------------------------------------------------------------------------------------------


def test_a_registry_contradicting_the_verified_identity_loses_and_the_conflict_is_kept_for_staff(
    db_session: Session,
) -> None:
    group = birth_group()
    citizen, profile = Actor.citizen(make_user(db_session)), profile_of("binh.tran")
    with registries():
        draft_id = fill(db_session, group, citizen, profile, {"relationship": "mother"})
    draft = db_session.get(Dossier, draft_id)
    assert draft is not None
    # The identity's birth date stays; the registry's other date is a conflict on record.
    assert draft.answers["mother_birth_date"] == "1992-07-02"
    conflicts = draft.prefill_sources["population"]["conflicts"]
    assert conflicts == [{"attribute": "date_of_birth", "identity": "1992-07-02", "registry": "1992-07-20"}]


def test_a_part_rejected_mid_chain_stops_the_rest_and_the_citizen_is_told_why(db_session: Session) -> None:
    group = birth_group()
    mother, profile = _mother(db_session)
    with registries():
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"}, BABY)
        result = send(db_session, draft_id, group, mother, profile)
    db_session.commit()
    parts = list(
        db_session.scalars(select(Dossier).where(Dossier.umbrella_id == result.dossier.id).order_by(Dossier.chain_position))
    )
    commune, police = staff(db_session, "commune", "00004"), staff(db_session, "police", "00004")
    _walk(db_session, parts[0].id, commune, NOW + timedelta(hours=1), to="approved")
    dossiers.fire(db_session, parts[1].id, "received", police, now=NOW + timedelta(hours=2))
    dossiers.fire(db_session, parts[1].id, "rejected", police, now=NOW + timedelta(hours=3), note="Địa chỉ không có trong sổ hộ khẩu")
    db_session.commit()
    view = chain.umbrella_view(db_session, result.dossier)
    assert [p.status for p in view.parts] == ["approved", "rejected", "stopped"]
    assert view.stopped_by is not None and view.stopped_by.rejection_reason == "Địa chỉ không có trong sổ hộ khẩu"
    stop = db_session.scalar(select(DossierEvent).where(DossierEvent.dossier_id == parts[2].id, DossierEvent.action == "chain_stop"))
    assert stop is not None and stop.note == "Địa chỉ không có trong sổ hộ khẩu"
    # Nothing for the insurance agency to do.
    assert _queue(db_session, staff(db_session, "social_insurance", "01")) == []


def test_a_child_of_six_or_more_cannot_have_the_under_six_card(db_session: Session) -> None:
    group = birth_group()
    mother, profile = _mother(db_session)
    with registries():
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"}, {**BABY, "child_birth_date": "2020-11-16"})
        with pytest.raises(dossiers.ValidationFailed) as failed:
            send(db_session, draft_id, group, mother, profile)
    assert set(failed.value.errors) == {"child_birth_date"}
    assert db_session.get(Dossier, draft_id).status == "draft"  # type: ignore[union-attr]
    # Five years and 364 days is still under 6.
    assert not chain.group_errors(group, {"child_birth_date": "2020-11-17"}, NOW.date())


def test_an_address_outside_the_chosen_province_is_refused(db_session: Session) -> None:
    group = birth_group()
    mother, profile = _mother(db_session)
    elsewhere = {"receive_elsewhere": True, "receiving_place": {"province_code": "79", "commune_code": "26734", "street": "1 Lê Lợi"}}
    with registries():
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"}, {**BABY, **elsewhere})
        with pytest.raises(dossiers.ValidationFailed) as failed:
            send(db_session, draft_id, group, mother, profile)
    assert set(failed.value.errors) == {"home_address.province_code"}


def test_any_commune_of_the_province_may_receive_and_the_code_names_it(db_session: Session) -> None:
    group = birth_group()
    mother, profile = _mother(db_session)
    elsewhere = {"receive_elsewhere": True, "receiving_place": {"province_code": "01", "commune_code": "00008", "street": "UBND"}}
    with registries():
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"}, {**BABY, **elsewhere})
        result = send(db_session, draft_id, group, mother, profile)
    parts = list(
        db_session.scalars(select(Dossier).where(Dossier.umbrella_id == result.dossier.id).order_by(Dossier.chain_position))
    )
    # Received by Ngọc Hà (00008); the residence is still registered by the police where the child lives.
    assert result.dossier.code.startswith("008.00.20.H01-") and parts[0].code.startswith("008.00.20.H01-")
    assert parts[1].code.startswith("004.00.30.H01-")


def test_a_registry_that_is_down_leaves_its_fields_to_type(db_session: Session) -> None:
    group = birth_group()
    mother, profile = _mother(db_session)

    def down(path: str, timeout: float):
        raise ValueError("connection refused")

    with registries(down):
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"})
    draft = db_session.get(Dossier, draft_id)
    assert draft is not None
    assert "father_full_name" not in draft.answers and "home_address" not in draft.answers
    assert draft.answers["mother_full_name"] == "Đặng Thị Thu"  # the identity still fills hers
    assert draft.prefill_sources["population"]["status"] == "unavailable"


def test_the_demo_officers_serve_the_parts_of_the_ba_dinh_mother() -> None:
    units = {a.username: (a.unit_level, a.unit_code) for a in ACCOUNTS}
    assert units["mai.ngo"] == ("commune", "00004")
    assert units["khoa.dang"] == ("police", "00004")
    assert units["yen.ly"] == ("social_insurance", "01")


def test_one_receipt_lists_every_part_and_carries_delivery_by_post(db_session: Session) -> None:
    from citizen_app.core.receipts import receipt_for

    group = birth_group()
    mother, profile = _mother(db_session)
    with registries():
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"}, {**BABY, "delivery": "post"})
        draft = db_session.get(Dossier, draft_id)
        assert draft is not None and draft.answers["postal_address"]["street"] == "Số 12 phố Đội Cấn"
        result = send(db_session, draft_id, group, mother, profile)
    db_session.commit()
    slip = receipt_for(db_session, result.dossier.id, mother)
    assert [p.position for p in slip.parts] == [1, 2, 3]
    assert slip.parts[1].agency["vi"].startswith("Công an")
    assert slip.collect_at["en"].startswith("By post to: Số 12 phố Đội Cấn")
