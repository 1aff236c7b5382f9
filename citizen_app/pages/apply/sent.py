"""``/{locale}/apply/{draft_id}/application-sent``: the GOV.UK confirmation panel, what happens next,
the receipt (kept on the phone for the counter) and the offer to save new contact details."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.apply.layout import S, flow_page
from citizen_app.ui.apply_view import ReusableRow
from citizen_app.ui.fee_table import fee_table
from citizen_app.ui.form_fields import document_link
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page


def _reusable(t: Translator) -> rx.Component:
    _ = t.gettext

    def row(item: ReusableRow) -> rx.Component:
        return rx.el.div(rx.el.dt(item["label"]), rx.el.dd(item["value"]), class_name="summary-row")

    return rx.cond(
        S.reusable.length() > 0,
        rx.el.section(
            rx.el.h2(_("Save these details for next time?")),
            rx.el.p(_("You typed these in this application. Save them to your profile so forms start with them.")),
            rx.el.dl(rx.foreach(S.reusable, row), class_name="summary-list"),
            rx.foreach(S.profile_errors, lambda text: rx.el.p(text, class_name="field-error", role="alert")),
            rx.el.div(
                rx.el.button(
                    _("Save to my profile"),
                    type="button",
                    on_click=S.save_to_profile,
                    class_name="button",
                    data_testid="save-to-profile",
                ),
                rx.el.button(
                    _("No, thank you"),
                    type="button",
                    on_click=S.skip_profile,
                    class_name="button button-secondary",
                    data_testid="skip-profile",
                ),
                class_name="actions",
            ),
            class_name="reusable",
            data_testid="reusable-offer",
        ),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return flow_page(
        t,
        rx.el.div(
            rx.el.h1(_("Application sent"), class_name="panel-title"),
            rx.el.p(_("Your application code"), class_name="panel-label"),
            rx.el.strong(S.code, class_name="panel-code", data_testid="confirmation-code"),
            class_name="panel",
            data_testid="confirmation-panel",
        ),
        rx.el.p(S.procedure_name, class_name="lead", data_testid="procedure-name"),
        rx.el.dl(
            rx.el.div(rx.el.dt(_("Received by")), rx.el.dd(S.receiving_unit, data_testid="receiving-unit"),
                      class_name="summary-row"),
            rx.el.div(rx.el.dt(_("Result due")), rx.el.dd(S.appointment, data_testid="appointment"),
                      class_name="summary-row"),
            class_name="summary-list",
        ),
        rx.el.h2(_("What happens next")),
        rx.el.p(S.what_next, data_testid="what-next"),
        rx.el.p(S.fee_text, data_testid="fee-due"),
        fee_table(t, S.fee_lines, S.fee_total),  # issue 11
        rx.cond(
            S.pay_href != "",
            document_link(
                rx.icon("credit-card", size=20, aria_hidden="true"),
                _("Pay the fee now"),
                href=S.pay_href,
                class_name="button",
                data_testid="pay-now",
            ),
        ),
        rx.el.p(
            _("Keep your application code: you need it to follow your application or to ask about it at the counter."),
        ),
        rx.el.div(
            # A document navigation, so the service worker keeps the receipt for use offline.
            document_link(
                rx.icon("receipt", size=20, aria_hidden="true"),
                _("View and print your receipt"),
                href=S.receipt_href,
                class_name="button",
                data_testid="receipt-link",
            ),
            app_link(
                rx.icon("folder-open", size=20, aria_hidden="true"),
                rx.el.span(_("My applications")),
                to=S.applications_href,
                class_name="button button-secondary",
                testid="my-applications",
            ),
            class_name="actions",
        ),
        rx.cond(
            S.receipt_saved,
            rx.el.p(
                rx.icon("smartphone", size=20, aria_hidden="true"),
                rx.el.span(
                    _("Your receipt is saved on this phone. You can open it and show it at the counter "
                      "even without a connection.")
                ),
                class_name="notice notice-success notice-row",
                role="status",
                data_testid="receipt-offline",
            ),
        ),
        rx.cond(
            S.profile_saved != "",
            rx.el.p(S.profile_saved, class_name="notice notice-success", role="status", data_testid="profile-saved"),
        ),
        _reusable(t),
        testid="apply-sent",
    )


PAGE = Page(
    route="/apply/[draft_id]/application-sent", title=N_("Application sent"), build=build, on_load=S.load
)
