"""``/{locale}/staff/assist``: apply for a citizen at the counter.

Find the person by their personal ID number, choose the procedure, start: the apply-online
pages open on the citizen's draft, prefilled from the citizen's profile, with the officer
recorded as registrar. Sending it receives it at the desk; its confirmation links to the receipt.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.components import staff_page
from citizen_app.states.staff_assist import StaffAssistState as S
from citizen_app.ui.page import Page


def _find(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.h2(_("1. Find the citizen"), id="assist-find-title"),
        rx.el.form(
            rx.el.label(_("Personal ID number"), html_for="assist-pid", class_name="label"),
            rx.el.p(_("12 digits, from the citizen's ID card or VNeID."), class_name="hint", id="assist-pid-hint"),
            rx.el.div(
                rx.el.input(
                    id="assist-pid",
                    name="personal_id",
                    input_mode="numeric",
                    auto_complete="off",
                    max_length=20,
                    aria_describedby="assist-pid-hint",
                    class_name="input input-personal_id",
                    data_testid="staff-assist-pid",
                ),
                rx.el.button(
                    rx.icon("search", size=20, aria_hidden="true"),
                    _("Find"),
                    type="submit",
                    class_name="button",
                    data_testid="staff-assist-find",
                ),
                class_name="search-row",
            ),
            key=S.search_key,
            on_submit=S.find,
        ),
        rx.cond(
            S.find_error != "",
            rx.el.p(S.find_error, class_name="notice notice-error", role="alert", data_testid="staff-assist-error"),
        ),
        aria_labelledby="assist-find-title",
        class_name="card staff-card",
    )


def _citizen(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.h2(_("2. Check it is them, then choose the procedure"), id="assist-start-title"),
        rx.el.dl(
            rx.el.div(rx.el.dt(_("Name")), rx.el.dd(S.citizen_name, data_testid="staff-assist-name"),
                      class_name="summary-row"),
            rx.el.div(rx.el.dt(_("Date of birth")), rx.el.dd(S.citizen_born, data_testid="staff-assist-born"),
                      class_name="summary-row"),
            rx.el.div(rx.el.dt(_("Permanent address")),
                      rx.el.dd(S.citizen_address, data_testid="staff-assist-address"), class_name="summary-row"),
            rx.el.div(rx.el.dt(_("Identity level")), rx.el.dd(S.citizen_level), class_name="summary-row"),
            class_name="summary-list",
            data_testid="staff-assist-citizen",
        ),
        rx.el.button(
            _("Someone else"),
            type="button",
            on_click=S.clear,
            class_name="button button-secondary",
            data_testid="staff-assist-clear",
        ),
        rx.el.form(
            rx.el.label(_("Procedure"), html_for="assist-procedure", class_name="label"),
            rx.el.select(
                rx.el.option(_("Choose a procedure"), value=""),
                rx.foreach(S.procedures, lambda choice: rx.el.option(choice.label, value=choice.value)),
                id="assist-procedure",
                name="procedure",
                class_name="select",
                data_testid="staff-assist-procedure",
            ),
            rx.cond(
                S.start_error != "",
                rx.el.p(S.start_error, class_name="field-error", role="alert", data_testid="staff-assist-start-error"),
            ),
            rx.el.button(
                _("Start the application"),
                type="submit",
                class_name="button button-start",
                data_testid="staff-assist-start",
            ),
            on_submit=S.start,
            class_name="stack assist-start",
        ),
        aria_labelledby="assist-start-title",
        class_name="card staff-card",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return staff_page(
        t,
        _("Apply for a citizen"),
        rx.el.p(
            _("The form opens with what the citizen's profile already says. You are recorded as the officer "
              "who received it; print the receipt for them at the end."),
            class_name="lead",
        ),
        _find(t),
        rx.cond(S.found, _citizen(t)),
        active="assist",
        wide=False,
    )


PAGE = Page(route="/staff/assist", title=N_("Apply for a citizen"), build=build, on_load=S.load)
