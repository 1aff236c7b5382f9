"""The frame and the controls of the feedback flow's pages (GOV.UK patterns, phone first).

Controls are uncontrolled (``default_value`` + ``key``): typing never waits for the network; the
state puts its answers back by changing ``form_key``. Every control has ``data-testid``
``feedback-<name>`` (radios ``feedback-<name>-<value>``), its error ``feedback-<name>-error``.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.states.feedback.flow import FeedbackFlowState as S
from citizen_app.ui.form_fields import error_summary
from citizen_app.ui.links import app_link
from citizen_app.ui.shell import shell


def _error(t: Translator, name: str) -> rx.Component:
    message = S.errors.get(name, "")
    return rx.cond(
        message != "",
        rx.el.p(
            rx.el.span(t.gettext("Error:"), " ", class_name="visually-hidden"),
            message,
            id=f"feedback-{name}-error",
            class_name="field-error",
            data_testid=f"feedback-{name}-error",
        ),
    )


def _field_class(name: str) -> Any:
    return rx.cond(S.errors.get(name, "") != "", "field field-has-error", "field")


def described_by(name: str, hint: bool) -> Any:
    base = f"feedback-{name}-hint" if hint else ""
    return rx.cond(S.errors.get(name, "") != "", f"{base} feedback-{name}-error".strip(), base)


def radios(t: Translator, name: str, legend: str, options: Any, *, hint: str = "", heading: bool = False) -> rx.Component:
    def option(choice: Any) -> rx.Component:
        control_id = f"feedback-{name}-" + choice.value
        return rx.el.div(
            rx.el.input(
                type="radio",
                id=control_id,
                name=name,
                value=choice.value,
                default_checked=S.answers.get(name, "") == choice.value,
                class_name="option-input",
                data_testid=f"feedback-{name}-" + choice.value,
            ),
            rx.el.label(choice.label, html_for=control_id, class_name="option-label"),
            class_name="option option-radio",
        )

    return rx.el.div(
        rx.el.fieldset(
            # On a page that asks only this, the page's heading is the question: the legend repeats it
            # for screen readers only.
            rx.el.legend(legend, class_name="visually-hidden" if heading else "legend"),
            rx.el.p(hint, id=f"feedback-{name}-hint", class_name="hint") if hint else rx.fragment(),
            _error(t, name),
            rx.el.div(rx.foreach(options, option), class_name="options"),
            id=f"feedback-{name}",
            aria_describedby=described_by(name, bool(hint)),
            class_name="fieldset",
        ),
        key=S.form_key,
        class_name=_field_class(name),
    )


def text_field(t: Translator, name: str, label: str, *, hint: str = "", max_length: int = 200,
               input_type: str = "text", **props: Any) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=f"feedback-{name}", class_name="label"),
        rx.el.p(hint, id=f"feedback-{name}-hint", class_name="hint") if hint else rx.fragment(),
        _error(t, name),
        rx.el.input(
            id=f"feedback-{name}",
            name=name,
            type=input_type,
            default_value=S.answers.get(name, ""),
            key=S.form_key,
            max_length=max_length,
            aria_describedby=described_by(name, bool(hint)),
            aria_invalid=rx.cond(S.errors.get(name, "") != "", "true", "false"),
            class_name="input",
            data_testid=f"feedback-{name}",
            **props,
        ),
        class_name=_field_class(name),
    )


def text_area(t: Translator, name: str, label: str, *, hint: str = "", max_length: int = 5000) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=f"feedback-{name}", class_name="label"),
        rx.el.p(hint, id=f"feedback-{name}-hint", class_name="hint") if hint else rx.fragment(),
        _error(t, name),
        rx.el.textarea(
            id=f"feedback-{name}",
            name=name,
            default_value=S.answers.get(name, ""),
            key=S.form_key,
            rows=8,
            max_length=max_length,
            aria_describedby=described_by(name, bool(hint)),
            aria_invalid=rx.cond(S.errors.get(name, "") != "", "true", "false"),
            class_name="textarea",
            data_testid=f"feedback-{name}",
        ),
        class_name=_field_class(name),
    )


def select_field(t: Translator, name: str, label: str, options: Any, *, empty: str, hint: str = "",
                 on_change: Any = None) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=f"feedback-{name}", class_name="label"),
        rx.el.p(hint, id=f"feedback-{name}-hint", class_name="hint") if hint else rx.fragment(),
        _error(t, name),
        rx.el.select(
            rx.el.option(empty, value=""),
            rx.foreach(options, lambda choice: rx.el.option(choice.label, value=choice.value)),
            id=f"feedback-{name}",
            name=name,
            default_value=S.answers.get(name, ""),
            key=S.form_key.to_string() + S.answers.get("province_code", ""),
            aria_describedby=described_by(name, bool(hint)),
            aria_invalid=rx.cond(S.errors.get(name, "") != "", "true", "false"),
            class_name="select",
            on_change=on_change,
            data_testid=f"feedback-{name}",
        ),
        class_name=_field_class(name),
    )


def back_link(t: Translator) -> rx.Component:
    return app_link(
        rx.icon("chevron-left", size=18, aria_hidden="true"),
        rx.el.span(t.gettext("Back")),
        to=S.back_href,
        class_name="back-link",
        testid="back",
    )


def continue_button(t: Translator) -> rx.Component:
    return rx.el.button(t.gettext("Continue"), type="submit", class_name="button", data_testid="continue")


def step_form(t: Translator, *controls: rx.Component) -> rx.Component:
    return rx.el.form(*controls, continue_button(t), on_submit=S.save, no_validate=True, class_name="stack",
                      data_testid="feedback-form")


def flow_page(t: Translator, *content: rx.Component, testid: str, title: bool = True) -> rx.Component:
    """A page of the flow: back, caption, progress, the question as the heading, the error summary."""
    _ = t.gettext
    return shell(
        t,
        rx.el.div(
            back_link(t),
            rx.el.p(_("Feedback and petitions"), class_name="caption"),
            rx.cond(S.progress != "", rx.el.p(S.progress, class_name="progress", data_testid="progress")),
            rx.el.h1(S.title, data_testid="page-title") if title else rx.fragment(),
            error_summary(t, S.error_links),
            rx.cond(S.problem != "",
                    rx.el.p(S.problem, class_name="notice notice-error", role="alert", data_testid="feedback-problem")),
            *content,
            class_name="feedback apply",
            data_testid=testid,
        ),
    )
