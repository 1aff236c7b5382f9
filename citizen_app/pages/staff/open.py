"""``/{locale}/staff/open``: open an application by typing its code, or by scanning the receipt's QR code.

The QR holds the receipt's verification URL with a signed token; the server checks the
signature before opening anything (a forged or altered receipt is refused and logged).
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.components import staff_page
from citizen_app.pages.staff.qr_scanner import qr_scanner
from citizen_app.states.staff_desk import StaffOpenState as S
from citizen_app.ui.page import Page


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return staff_page(
        t,
        _("Open an application"),
        rx.cond(
            S.open_problem != "",
            rx.el.p(S.open_problem, class_name="notice notice-error", role="alert", data_testid="staff-open-problem"),
        ),
        rx.el.section(
            rx.el.h2(_("Type the code"), id="open-code-title"),
            rx.el.form(
                rx.el.label(_("Application code"), html_for="staff-open-code", class_name="label"),
                rx.el.p(_("As printed on the receipt, for example 004.00.20.H01-261116-0001."), class_name="hint",
                        id="staff-open-code-hint"),
                rx.el.div(
                    rx.el.input(
                        id="staff-open-code",
                        name="code",
                        auto_complete="off",
                        auto_capitalize="characters",
                        spell_check=False,
                        max_length=64,
                        aria_describedby="staff-open-code-hint",
                        class_name="input input-code",
                        data_testid="staff-open-code",
                    ),
                    rx.el.button(
                        rx.icon("folder-open", size=20, aria_hidden="true"),
                        _("Open"),
                        type="submit",
                        disabled=S.opening,
                        class_name="button",
                        data_testid="staff-open-submit",
                    ),
                    class_name="search-row",
                ),
                on_submit=S.open_code,
                class_name="staff-open-form",
            ),
            aria_labelledby="open-code-title",
            class_name="card staff-card",
        ),
        rx.el.section(
            rx.el.h2(_("Scan the receipt's QR code"), id="open-scan-title"),
            rx.el.p(
                _("Hold the receipt in front of the camera, or take or choose a photo of it. "
                  "Only genuine receipts open."),
                class_name="hint",
            ),
            qr_scanner(
                on_decode=S.scanned,
                on_problem=S.scan_problem,
                camera_label=_("Scan with the camera"),
                stop_label=_("Stop the camera"),
                photo_label=_("Scan from a photo"),
                video_label=_("Camera view for scanning the receipt's QR code"),
                scanning_label=_("Looking for a QR code…"),
            ),
            aria_labelledby="open-scan-title",
            class_name="card staff-card",
        ),
        active="open",
        wide=False,
    )


PAGE = Page(route="/staff/open", title=N_("Open an application"), build=build, on_load=S.load)
