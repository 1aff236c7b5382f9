"""Reception without administrative boundaries within a province (issue 12, item 5), on a tablet.

The Ba Đình counter (mai.ngo) takes in a citizen's application in person, then sends it to the
competent unit, the Ngọc Hà counter (son.vu). The code keeps naming Ba Đình; the application
leaves Ba Đình's desk and appears in Ngọc Hà's queue; the history says who handed it over, from
where to where; the citizen reads the hand-over in plain words on her phone.

The citizen is nhung.vo (no other flow uses her temporary-residence application), with a fresh
dossier each run.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.kit import sign_in
from tests.e2e.test_apply import wait_for_page
from tests.e2e.test_staff import BA_DINH_CODE, TEMPORARY_RESIDENCE, open_dossier, status_is

NHUNG_VO_ID = "092169001847"
NGOC_HA = "008.00.20.H01"  # the People's Committee of Phường Ngọc Hà (core/agencies.py)


def test_a_ba_dinh_counter_hands_an_application_over_to_ngoc_ha(open_app) -> None:  # type: ignore[no-untyped-def]
    citizen = open_app("Pixel 7")
    sign_in(citizen, "nhung.vo", next_path="/vi/")  # the counter only helps people who signed in once

    # Ba Đình takes the application in at the counter.
    officer = open_app("Galaxy Tab S4")
    sign_in(officer, "mai.ngo", next_path="/vi/staff/assist")
    officer.fill("staff-assist-pid", NHUNG_VO_ID)
    officer.click("staff-assist-find")
    expect(officer.get("staff-assist-name")).to_have_text("Võ Thị Hồng Nhung")
    officer.get("staff-assist-procedure").select_option(TEMPORARY_RESIDENCE)
    officer.click("staff-assist-start")
    officer.page.wait_for_url(re.compile(r"/vi/apply/\d+/"))
    if "/applicant" not in officer.path:  # an open draft of an earlier run: from its first step
        officer.goto(re.sub(r"/apply/(\d+)/.*", r"/apply/\1/applicant", officer.path))
    wait_for_page(officer, "applicant")
    officer.click("continue")
    wait_for_page(officer, "stay")
    officer.get("field-temporary_address.province_code").select_option("01")
    commune = officer.get("field-temporary_address.commune_code")
    expect(commune.locator('option[value="00008"]')).to_have_count(1)
    commune.select_option("00008")
    officer.fill("field-temporary_address.street", "Số 31 phố Đội Cấn")
    officer.fill("field-stay_months", "6")
    officer.get("field-residence_basis").select_option("own_home")
    officer.click("continue")
    wait_for_page(officer, "household")
    officer.get("field-declaration").check()
    officer.click("continue")
    wait_for_page(officer, "add-documents")
    officer.click("continue")
    wait_for_page(officer, "check-answers")
    officer.click("continue")
    wait_for_page(officer, "send-application")
    officer.click("submit")
    wait_for_page(officer, "application-sent")
    code = officer.get("confirmation-code").inner_text()
    assert BA_DINH_CODE.match(code), code

    # The stay is in Ngọc Hà: Ba Đình sends it there.
    open_dossier(officer, code)
    status_is(officer, "received")
    officer.click("staff-route-open")
    route = officer.get("staff-route-unit")
    expect(route.locator(f'option[value="{NGOC_HA}"]')).to_have_count(1)
    expect(route.locator('option[value="004.00.20.H01"]')).to_have_count(0)  # not to itself
    route.select_option(NGOC_HA)
    officer.fill("staff-route-note", "Nơi tạm trú thuộc Phường Ngọc Hà")
    officer.click("staff-action-route")
    expect(officer.get("staff-dossier-handed-over")).to_be_attached()
    expect(officer.get("staff-notice")).to_contain_text("Đã chuyển đến đơn vị có thẩm quyền")
    # Ba Đình no longer handles it, but its officer still prints the slip she gave.
    officer.goto(f"/vi/staff/dossiers/{code}")
    expect(officer.get("staff-dossier-other-unit")).to_be_attached()
    assert officer.page.request.get(f"{officer.base_url}/vi/receipts/{code}").status == 200
    officer.goto("/vi/staff/queue?status=all")
    expect(officer.get("staff-queue-count")).not_to_be_empty()
    expect(officer.get(f"staff-queue-item-{code}")).to_have_count(0)

    # Ngọc Hà finds it in its queue, with the hand-over in its history, and takes it on.
    ngoc_ha = open_app("Galaxy Tab S4")
    sign_in(ngoc_ha, "son.vu", next_path="/vi/staff/queue?status=all")
    expect(ngoc_ha.get(f"staff-queue-item-{code}")).to_be_visible()
    open_dossier(ngoc_ha, code)
    status_is(ngoc_ha, "received")
    expect(ngoc_ha.get("staff-dossier-unit")).to_have_text("Ủy ban nhân dân Phường Ba Đình")
    expect(ngoc_ha.get("staff-dossier-handled-by")).to_have_text("Ủy ban nhân dân Phường Ngọc Hà")
    timeline = ngoc_ha.get("staff-timeline")
    expect(timeline).to_contain_text(
        "Chuyển đến đơn vị có thẩm quyền: từ Ủy ban nhân dân Phường Ba Đình đến Ủy ban nhân dân Phường Ngọc Hà"
    )
    expect(timeline).to_contain_text("Ngô Thị Mai")
    expect(timeline).to_contain_text("Nơi tạm trú thuộc Phường Ngọc Hà")
    ngoc_ha.click("staff-action-processing")
    status_is(ngoc_ha, "processing")

    # The citizen reads the hand-over in plain words.
    citizen.goto(f"/vi/applications/{code}")
    history = citizen.get("dossier-timeline")
    expect(history).to_contain_text("Đã chuyển đến đơn vị giải quyết")
    expect(history).to_contain_text(
        "Ủy ban nhân dân Phường Ba Đình đã tiếp nhận hồ sơ của bạn và chuyển đến Ủy ban nhân dân Phường Ngọc Hà"
    )
