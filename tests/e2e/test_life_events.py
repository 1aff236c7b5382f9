"""Life events (issue 12), on a phone: one application for linked procedures, handled in turn by three agencies.

A mother sends the birth group typing only her baby's details: her own identity fills her fields,
the civil-status registry the father's, the population registry the home. Three parts appear
under one umbrella, each with its own code, agency and due date; the commune, the police and the
social-insurance agency each receive their part in turn, and she follows every step. The death
group is sent the same way by a relative: the deceased's details come from the registries.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in
from tests.e2e.test_apply import wait_for_page

PART_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$")


def _open_part(officer: AppPage, code: str) -> None:
    officer.goto("/vi/staff/open")
    officer.fill("staff-open-code", code)
    officer.click("staff-open-submit")
    officer.page.wait_for_url(re.compile(r"/vi/staff/dossiers/"))
    expect(officer.get("staff-dossier-code")).to_have_text(code)
    officer.settle()


def _status_is(officer: AppPage, status: str) -> None:
    expect(officer.get("staff-dossier")).to_have_attribute("data-status", status)


def _handle(officer: AppPage, code: str, *, pickup: str) -> None:
    """Receive, process, approve and mark the result ready, as the part's officer."""
    _open_part(officer, code)
    _status_is(officer, "submitted")
    officer.click("staff-action-received")
    _status_is(officer, "received")
    officer.click("staff-action-processing")
    _status_is(officer, "processing")
    officer.click("staff-action-approved")
    officer.click("staff-confirm-yes")
    _status_is(officer, "approved")
    officer.click("staff-action-result_ready")
    expect(officer.get("staff-confirm-yes")).to_be_visible()
    # A certificate is issued, signed, on approval (issue 13): then there is nothing to collect at the counter.
    if officer.get("staff-pickup-place").count():
        officer.fill("staff-pickup-place", pickup)
        officer.fill("staff-pickup-hours", "Thứ Hai đến Thứ Sáu, 8:00–11:30")
    officer.click("staff-confirm-yes")
    _status_is(officer, "result_ready")


def _send_from_check_answers(phone: AppPage) -> str:
    wait_for_page(phone, "add-documents")
    phone.click("continue")
    wait_for_page(phone, "check-answers")
    phone.click("continue")
    wait_for_page(phone, "send-application")
    phone.click("submit")
    wait_for_page(phone, "application-sent")
    return phone.get("confirmation-code").inner_text()


def test_a_mother_sends_the_birth_group_and_three_agencies_handle_it_in_turn(open_app) -> None:  # type: ignore[no-untyped-def]
    phone = open_app("Pixel 7")
    phone.goto("/vi/life-events/birth")
    expect(phone.get("life-event-parts")).to_contain_text("Đăng ký khai sinh")
    expect(phone.get("life-event-parts")).to_contain_text("Công an cấp xã")
    expect(phone.get("life-event-time")).to_contain_text("3 ngày làm việc")
    sign_in(phone, "thu.dang", next_path="/vi/life-events/birth")
    phone.click("start-now")

    # About you: her verified identity and contact details are there; she says she is the mother.
    wait_for_page(phone, "applicant")
    expect(phone.get("field-full_name")).to_have_value("Đặng Thị Thu")
    phone.get("field-relationship-mother").check()
    phone.click("continue")

    # The baby: the only answers she types.
    wait_for_page(phone, "child")
    born = (date.today() - timedelta(days=3)).isoformat()
    phone.fill("field-child_full_name", "Nguyễn Minh Khang")
    phone.get("field-child_sex-male").check()
    phone.fill("field-child_birth_date", born)
    phone.fill("field-place_of_birth", "Bệnh viện Phụ sản Hà Nội")
    phone.fill("field-ethnicity", "Kinh")
    phone.get("field-medical_certificate-electronic").check()
    phone.click("continue")

    # The parents: hers from her identity (verified, locked), the father's from the civil-status registry.
    wait_for_page(phone, "parents")
    expect(phone.get("field-mother_full_name")).to_have_value("Đặng Thị Thu")
    expect(phone.get("field-mother_full_name")).to_have_attribute("readonly", "")
    expect(phone.get("badge-mother_full_name")).to_have_text("Đã xác thực bởi VNeID")
    expect(phone.get("field-father_full_name")).to_have_value("Nguyễn Văn An")
    expect(phone.get("badge-father_full_name")).to_have_text("Từ cơ sở dữ liệu hộ tịch")
    expect(phone.get("field-father_known-yes")).to_be_checked()
    phone.click("continue")

    # Where the child will live: from the population registry.
    wait_for_page(phone, "residence")
    expect(phone.get("field-home_address.province_code")).to_have_value("01")
    expect(phone.get("badge-home_address")).to_have_text("Từ cơ sở dữ liệu quốc gia về dân cư")
    expect(phone.get("field-household_head")).to_have_value("Nguyễn Văn An")
    phone.click("continue")

    # By post: the address is asked, already filled, and editable.
    wait_for_page(phone, "result")
    phone.get("field-delivery-post").check()
    expect(phone.get("field-postal_address.street")).to_have_value("Số 12 phố Đội Cấn")
    phone.get("field-declaration").check()
    phone.click("continue")

    umbrella = _send_from_check_answers(phone)
    assert umbrella.startswith("004.00.20.H01-"), umbrella

    # One receipt lists every part with its own code, agency and due date.
    phone.click("receipt-link")
    phone.page.wait_for_url(re.compile(r"/vi/receipts/"))
    phone.settle()
    expect(phone.get("receipt-code")).to_have_text(umbrella)
    codes = [phone.get(f"receipt-part-{n}-code").inner_text() for n in (1, 2, 3)]
    assert all(PART_CODE.match(c) for c in codes), codes
    assert [c.split("-")[0] for c in codes] == ["004.00.20.H01", "004.00.30.H01", "000.00.40.H01"]
    expect(phone.get("receipt-part-2")).to_contain_text("Công an Phường Ba Đình")
    expect(phone.get("receipt-part-3")).to_contain_text("Bảo hiểm xã hội")

    # My applications: the umbrella with its three parts; the first one started, the others waiting.
    phone.goto(f"/vi/applications/{umbrella}")
    expect(phone.get("dossier-part-1-status")).to_have_text("Đã nộp")
    expect(phone.get("dossier-part-2-status")).to_have_text("Chờ phần trước")
    expect(phone.get("dossier-part-3-status")).to_have_text("Chờ phần trước")

    # The police see nothing yet; the commune committee receives the first part.
    police = open_app("Pixel 7")
    sign_in(police, "khoa.dang", next_path="/vi/staff/queue")
    expect(police.get(f"staff-queue-item-{codes[1]}")).to_have_count(0)
    commune = open_app("Pixel 7")
    sign_in(commune, "mai.ngo", next_path="/vi/staff/queue")
    expect(commune.get(f"staff-queue-item-{codes[0]}")).to_be_visible()
    _handle(commune, codes[0], pickup="Bộ phận một cửa, UBND phường Ba Đình")

    # The mother sees the first step done and the birth certificate number; the police now have their part.
    phone.goto(f"/vi/applications/{umbrella}")
    expect(phone.get("dossier-part-1-status")).to_have_text("Đã có kết quả")
    expect(phone.get("dossier-part-1-result")).to_contain_text("Số Giấy khai sinh")
    expect(phone.get("dossier-part-2-status")).to_have_text("Đã nộp")
    police.goto("/vi/staff/queue")
    expect(police.get(f"staff-queue-item-{codes[1]}")).to_be_visible()
    _open_part(police, codes[1])
    expect(police.get("staff-dossier-chain")).to_contain_text("Số Giấy khai sinh")
    # The birth certificate the commune issued is on the police's desk, from the mother's documents, signed.
    files = police.get("staff-files")
    expect(files).to_contain_text("Lấy từ kho giấy tờ của người nộp hồ sơ: Giấy khai sinh")
    expect(files).to_contain_text("chữ ký số hợp lệ")
    _handle(police, codes[1], pickup="Công an phường Ba Đình")

    insurance = open_app("Pixel 7")
    sign_in(insurance, "yen.ly", next_path="/vi/staff/queue")
    expect(insurance.get(f"staff-queue-item-{codes[2]}")).to_be_visible()
    _handle(insurance, codes[2], pickup="Bảo hiểm xã hội Hà Nội")

    # Every part done, each within its due date; the umbrella reads as finished.
    phone.goto(f"/vi/applications/{umbrella}")
    for n in (1, 2, 3):
        expect(phone.get(f"dossier-part-{n}-status")).to_have_text("Đã có kết quả")
    phone.goto("/vi/applications")
    expect(phone.get("applications-finished")).to_contain_text(umbrella)
    expect(phone.get(f"applications-part-{codes[1]}")).to_contain_text("Phần 2/3")


def test_a_relative_sends_the_death_group_with_the_deceased_filled_from_registries(open_app) -> None:  # type: ignore[no-untyped-def]
    phone = open_app("Pixel 7")
    sign_in(phone, "lan.bui", next_path="/vi/life-events/death")
    phone.click("start-now")
    wait_for_page(phone, "applicant")
    expect(phone.get("field-full_name")).to_have_value("Bùi Thị Lan")
    phone.get("field-relationship-spouse").check()
    phone.click("continue")

    # Only the ID number of the deceased: the next page is filled from the population registry.
    wait_for_page(phone, "person")
    phone.fill("field-deceased_personal_id", "001050001234")
    phone.click("continue")

    wait_for_page(phone, "deceased")
    expect(phone.get("field-deceased_full_name")).to_have_value("Đỗ Văn Hùng")
    expect(phone.get("badge-deceased_full_name")).to_have_text("Từ cơ sở dữ liệu quốc gia về dân cư")
    expect(phone.get("field-deceased_birth_date")).to_have_value("1950-02-10")
    phone.fill("field-death_date", (date.today() - timedelta(days=2)).isoformat())
    phone.fill("field-place_of_death", "Bệnh viện Bạch Mai")
    phone.get("field-death_notice-electronic").check()
    phone.click("continue")

    # And the social-insurance number from the social-insurance registry.
    wait_for_page(phone, "benefits")
    expect(phone.get("field-insurance_number")).to_have_value("0150001234")
    expect(phone.get("badge-insurance_number")).to_have_text("Từ cơ sở dữ liệu bảo hiểm xã hội")
    phone.get("field-benefit-funeral").check()
    phone.click("continue")

    wait_for_page(phone, "reception")
    phone.get("field-delivery-counter").check()
    phone.get("field-declaration").check()
    phone.click("continue")
    umbrella = _send_from_check_answers(phone)

    phone.goto(f"/vi/applications/{umbrella}")
    expect(phone.get("dossier-parts")).to_contain_text("Đăng ký khai tử")
    expect(phone.get("dossier-part-1-status")).to_have_text("Đã nộp")
    expect(phone.get("dossier-part-2-agency")).to_contain_text("Công an Phường Ba Đình")
    expect(phone.get("dossier-part-3-agency")).to_contain_text("Bảo hiểm xã hội")

    commune = open_app("Pixel 7")
    sign_in(commune, "mai.ngo", next_path="/vi/staff/queue")
    code = phone.get("dossier-part-1-code").inner_text()
    _open_part(commune, code)
    _status_is(commune, "submitted")
