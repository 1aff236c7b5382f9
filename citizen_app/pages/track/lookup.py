"""``/{locale}/track``: follow an application without signing in: its code and the last 4 digits of the
applicant's personal ID number. The answer has no personal data; lookups are limited per connection.

Test ids: ``track`` (the page), ``track-form``, ``track-code``, ``track-pid``, ``track-submit``,
``track-code-error``, ``track-pid-error``, ``track-result`` (``track-result-code``, ``track-status``,
``track-procedure``, ``track-unit``, ``track-sent``, ``track-received`` (once received), ``track-due``, ``track-overdue``),
``track-not-found``, ``track-limited`` (``track-message-other``: the same message in the other language).
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.states.tracking import TrackState
from citizen_app.ui.page import Page
from citizen_app.ui.shell import shell

S = TrackState


def _field(
    *, control_id: str, name: str, label: str, hint: str, error: rx.Var, testid: str, **input_props: object
) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=control_id, class_name="label"),
        rx.el.p(hint, id=f"{control_id}-hint", class_name="hint"),
        rx.cond(
            error != "",
            rx.el.p(error, id=f"{control_id}-error", class_name="field-error", data_testid=f"{testid}-error"),
        ),
        rx.el.input(
            id=control_id,
            name=name,
            type="text",
            spell_check=False,
            auto_complete="off",
            aria_describedby=rx.cond(error != "", f"{control_id}-hint {control_id}-error", f"{control_id}-hint"),
            aria_invalid=rx.cond(error != "", "true", "false"),
            class_name="input",
            data_testid=testid,
            **input_props,
        ),
        class_name=rx.cond(error != "", "field field-has-error", "field"),
    )


def _message(testid: str, tone: str) -> rx.Component:
    return rx.el.div(
        rx.el.p(S.message),
        rx.el.p(S.message_other, lang=S.message_other_lang, class_name="hint", data_testid="track-message-other"),
        class_name=f"notice {tone}",
        role="alert",
        data_testid=testid,
    )


def _result(t: Translator) -> rx.Component:
    _ = t.gettext

    def row(label: str, value: rx.Var, testid: str) -> rx.Component:
        return rx.el.div(rx.el.dt(label), rx.el.dd(value, data_testid=testid), class_name="summary-row")

    return rx.el.section(
        rx.el.h2(_("Application"), " ", rx.el.span(S.found_code, data_testid="track-result-code")),
        rx.el.p(
            rx.el.span(_("Status:"), " "),
            rx.el.span(S.found_status, class_name=S.found_status_class, data_testid="track-status"),
            rx.cond(S.found_overdue, rx.el.span(" ", _("Overdue"), class_name="tag tag-error", data_testid="track-overdue")),
            class_name="dossier-status",
        ),
        rx.el.dl(
            row(_("Service"), S.found_procedure, "track-procedure"),
            row(_("Receiving unit"), S.found_unit, "track-unit"),
            row(_("Sent"), S.found_sent, "track-sent"),
            # Only once the agency has received it: before that it has only been sent.
            rx.cond(S.found_received != "", row(_("Received by the agency"), S.found_received, "track-received")),
            row(_("Result due"), S.found_due, "track-due"),
            class_name="summary-list",
        ),
        rx.el.p(
            _("For the details and the documents, sign in and open My applications."),
            class_name="hint",
        ),
        class_name="card track-result",
        role="status",
        data_testid="track-result",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.div(
            rx.el.h1(_("Track an application")),
            rx.el.p(
                _("No need to sign in. Enter the application code from the receipt and the last 4 digits of the "
                  "applicant's personal ID number."),
                class_name="lead",
            ),
            rx.el.form(
                _field(
                    control_id="track-code",
                    name="code",
                    label=_("Application code"),
                    hint=_("For example: 000.00.01.H26-261116-0001"),
                    error=S.code_error,
                    testid="track-code",
                    default_value=S.initial_code,
                    key=S.initial_code,
                    max_length=40,
                    auto_capitalize="characters",
                ),
                _field(
                    control_id="track-pid",
                    name="pid",
                    label=_("Last 4 digits of the personal ID number"),
                    hint=_("The applicant's 12-digit personal ID number (CCCD) ends with these 4 digits."),
                    error=S.pid_error,
                    testid="track-pid",
                    input_mode="numeric",
                    max_length=4,
                    pattern="[0-9]{4}",
                ),
                rx.el.button(
                    rx.icon("search", size=20, aria_hidden="true"),
                    _("Find the application"),
                    type="submit",
                    class_name="button",
                    data_testid="track-submit",
                ),
                on_submit=S.lookup,
                no_validate=True,
                class_name="track-form",
                data_testid="track-form",
            ),
            rx.match(
                S.outcome,
                ("found", _result(t)),
                ("not_found", _message("track-not-found", "notice-warning")),
                ("limited", _message("track-limited", "notice-error")),
                rx.fragment(),
            ),
            class_name="tracking track",
            data_lookups=S.lookups,
            data_testid="track",
        ),
        active="",
    )


PAGE = Page(route="/track", title=N_("Track an application"), build=build, on_load=S.load)
