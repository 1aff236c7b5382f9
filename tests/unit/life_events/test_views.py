"""The life-event page, the parts on the citizen's and the staff's pages, the group links, the counts."""

from __future__ import annotations

from datetime import UTC, datetime

from citizen_app.core.dossiers.chain import PartView
from citizen_app.core.dossiers.staff_desk import DeskApplicant, DeskView
from citizen_app.core.i18n import get_translator
from citizen_app.core.life_events.groups import groups_with_component, linked_groups
from citizen_app.core.life_events.measure import count_fields
from citizen_app.ui.life_event_view import group_page, groups_for, slug_from_path
from citizen_app.ui.staff_view import chain_lines, conflict_lines
from citizen_app.ui.tracking_view import chain_stopped, part_rows
from tests.unit.life_events.helpers import birth_group, death_group, profile_of, registries

VI = get_translator("vi")
EN = get_translator("en")


def test_the_life_event_page_names_every_part_its_office_and_the_time() -> None:
    page = group_page(birth_group(), EN)
    assert [p.agency for p in page.parts] == ["Commune People's Committee", "Commune police", "Social insurance agency"]
    assert page.time == "3 working days, or 5 working days if something must be checked"
    assert page.parts[2].service_href == "/en/services/2.000639"
    assert group_page(death_group(), VI).parts[0].name == "Đăng ký khai tử"
    assert slug_from_path("/vi/life-events/birth") == "birth" and slug_from_path("/vi/search") == ""


def test_search_and_service_pages_point_to_the_groups() -> None:
    groups = list(linked_groups().values())
    assert [g.slug for g in groups_for(["1.004222"], "", groups)] == ["birth"]
    assert [g.slug for g in groups_for([], "death-in-the-family", groups)] == ["death"]
    assert groups_for(["1.000894"], "getting-married", groups) == []
    assert [g.slug for g in groups_with_component("1.000656")] == ["death"]


def _part(position: int, status: str, reason: str | None = None) -> PartView:
    return PartView(
        position=position, dossier_id=position, code=f"004.00.20.H01-261116-000{position}",
        name={"vi": f"Phần {position}", "en": f"Part {position}"},
        agency={"vi": "Công an Phường Ba Đình", "en": "Police of Phường Ba Đình"}, status=status,
        appointment_at=datetime(2026, 11, 17, 2, tzinfo=UTC),
        results=(({"vi": "Số Giấy khai sinh", "en": "Birth certificate number"}, "12/2026"),) if position == 1 else (),
        rejection_reason=reason,
    )


def test_the_citizen_sees_each_part_and_why_the_chain_stopped() -> None:
    parts = [_part(1, "approved"), _part(2, "rejected", "Sai địa chỉ"), _part(3, "stopped")]
    rows = part_rows(parts, VI)
    assert [r.status_text for r in rows] == ["Đã phê duyệt", "Bị từ chối", "Đã dừng: một phần trước bị từ chối"]
    assert rows[0].results == "Số Giấy khai sinh: 12/2026"
    assert rows[1].href == "/vi/applications/004.00.20.H01-261116-0002"
    stopped = chain_stopped(parts, EN)
    assert "Part 2 (Part 2) was rejected: Sai địa chỉ." in stopped and "Police of Phường Ba Đình" in stopped
    assert chain_stopped(parts[:1], EN) == ""


def _desk(**changes: object) -> DeskView:
    base = dict(
        dossier_id=1, code="c", procedure_code="1.004222", procedure_name={}, form=None, status="submitted",
        overdue=False, channel="online", received_at=None, appointment_at=None, appointment_provisional=False,
        delayed_from=None, receiving_unit=None, fee_due_vnd=None,
        applicant=DeskApplicant(full_name="", phone="", email="", address="", personal_id=""), answers={},
        locked=(), rejection_reason="", supplement_request={}, files=(), events=(), actions=(), result_file=False,
        has_result_document=False, delivery=None, pickup=None,
    )
    base.update(changes)
    return DeskView(**base)  # type: ignore[arg-type]


def test_the_officer_sees_the_part_what_was_handed_on_and_registry_conflicts() -> None:
    desk = _desk(
        chain=(2, 3, "004.00.20.H01-261116-0001"),
        handed_on=(({"vi": "Số Giấy khai sinh", "en": "Birth certificate number"}, "12/2026"),),
        conflicts=({"source": "population", "attribute": "date_of_birth", "identity": "1992-07-02", "registry": "1992-07-20"},),
    )
    assert chain_lines(desk, EN) == [
        "Part 2 of 3 of the linked application 004.00.20.H01-261116-0001. Only this part is yours to handle.",
        "From the previous part: Birth certificate number 12/2026",
    ]
    assert conflict_lines(desk, EN) == [
        "The population registry holds the date of birth “1992-07-20”, but the verified identity says “1992-07-02”. "
        "The verified identity was kept: check it."
    ]
    assert chain_lines(_desk(), EN) == [] and conflict_lines(_desk(), EN) == []


def test_the_mother_types_only_what_the_state_does_not_hold() -> None:
    with registries():
        counts = count_fields(birth_group().form, profile_of("thu.dang"), {"relationship": "mother", "delivery": "post"})
    # Her identity, her contacts, the father (civil status), the home and household (population) are filled.
    assert counts.prefilled_by == {"identity": 6, "profile": 2, "civil_status": 4, "population": 3}
    assert set(counts.typed_fields) == {
        "relationship", "child_full_name", "child_sex", "child_birth_date", "place_of_birth", "ethnicity",
        "medical_certificate", "receive_elsewhere", "delivery", "declaration",
    }
