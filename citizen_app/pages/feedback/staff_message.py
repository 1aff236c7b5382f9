"""``/{locale}/staff/feedback/{code}``: one message, the sender's details, the answer, and publication.

What the citizen typed is shown as text (a ``<script>`` in it is displayed, never run). Test ids:
``feedback-message``, ``feedback-message-title``, ``feedback-message-content``, ``feedback-sender-*``,
``feedback-photo-link``, ``feedback-answer-form`` (``feedback-answer-text``, ``feedback-answer-send``),
``feedback-decline-form`` (``feedback-decline-reason``, ``feedback-decline-send``), ``feedback-publish-form``
(``feedback-public-title``, ``feedback-public-question``, ``feedback-public-answer``, ``feedback-publish``),
``feedback-unpublish``, ``feedback-notice``, ``feedback-error-<field>``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.components import staff_page
from citizen_app.states.feedback.staff import StaffFeedbackState as S
from citizen_app.ui.form_fields import document_link
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href


def _row(label: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.el.div(rx.el.dt(label), rx.el.dd(value, data_testid=testid), class_name="summary-row")


def _error(name: str) -> rx.Component:
    message = S.errors.get(name, "")
    return rx.cond(message != "", rx.el.p(message, id=f"feedback-error-{name}", class_name="field-error",
                                          data_testid=f"feedback-error-{name}"))


def _textarea(label: str, name: str, value: rx.Var | str, testid: str, rows: int = 5) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for=f"staff-{name}", class_name="label"),
        _error(name),
        rx.el.textarea(id=f"staff-{name}", name=name, default_value=value, key=S.form_key, rows=rows,
                       max_length=5000, class_name="textarea", data_testid=testid),
        class_name="field",
    )


def _lines(lines: rx.Var, testid: str) -> rx.Component:
    return rx.el.div(rx.foreach(lines, lambda line: rx.el.p(line)), class_name="message-text", data_testid=testid)


def _message(t: Translator) -> rx.Component:
    _ = t.gettext
    m = S.message
    return rx.el.div(
        rx.el.p(rx.el.span(m.status, class_name="tag"), " ",
                rx.cond(m.overdue, rx.el.span(_("Overdue"), class_name="tag tag-error")), " ",
                rx.cond(m.published, rx.el.span(_("Published"), class_name="tag tag-success"))),
        rx.el.h2(m.title, data_testid="feedback-message-title"),
        _lines(m.content_lines, "feedback-message-content"),
        rx.cond(m.photo_href != "", rx.el.p(document_link(
            rx.icon("image", size=18, aria_hidden="true"), _("Open the photo"), href=m.photo_href, target="_blank",
            rel="noopener", data_testid="feedback-photo-link"))),
        rx.el.dl(
            _row(_("About"), m.subject, "feedback-subject"),
            _row(_("Topic"), m.topic, "feedback-topic"),
            _row(_("Place"), m.place, "feedback-place"),
            _row(_("Sent to"), m.unit, "feedback-unit"),
            _row(_("Received"), m.received, "feedback-received"),
            _row(_("Answer"), m.due, "feedback-due"),
            class_name="summary-list",
        ),
        rx.el.h3(_("Sender (personal data: never published)")),
        rx.el.dl(
            _row(_("Name"), m.sender_name, "feedback-sender-name"),
            _row(_("Mobile number"), m.sender_phone, "feedback-sender-phone"),
            _row(_("Email address"), m.sender_email, "feedback-sender-email"),
            _row(_("Publication"), m.consent, "feedback-consent"),
            class_name="summary-list",
        ),
        rx.cond(m.answer_lines.length() > 0, rx.el.div(rx.el.h3(_("Answer sent")),
                                                       _lines(m.answer_lines, "feedback-answer-sent"),
                                                       class_name="card")),
        rx.cond(m.decline_reason != "", rx.el.div(rx.el.h3(_("Not taken up")), rx.el.p(m.decline_reason),
                                                  class_name="card")),
        rx.cond(m.published, rx.el.div(
            rx.el.h3(_("On the public list")),
            rx.el.p(rx.el.strong(m.public_title)),
            _lines(m.public_question_lines, "feedback-public-question-shown"),
            _lines(m.public_answer_lines, "feedback-public-answer-shown"),
            class_name="card",
        )),
        class_name="stack",
    )


def _answer(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(S.can_answer, rx.el.div(
        rx.el.form(
            rx.el.h3(_("Answer the sender")),
            _textarea(_("Your answer"), "answer", "", "feedback-answer-text", rows=7),
            rx.el.button(_("Send the answer"), type="submit", class_name="button", data_testid="feedback-answer-send"),
            on_submit=S.answer, reset_on_submit=False, class_name="stack card", data_testid="feedback-answer-form",
        ),
        rx.el.details(
            rx.el.summary(_("Not taking it up?"), data_testid="feedback-decline-open"),
            rx.el.form(
                _textarea(_("Reason the sender will read"), "reason", "", "feedback-decline-reason", rows=3),
                rx.el.button(_("Mark as not taken up"), type="submit", class_name="button button-secondary",
                             data_testid="feedback-decline-send"),
                on_submit=S.decline, class_name="stack", data_testid="feedback-decline-form",
            ),
        ),
        class_name="stack",
    ))


def _publish(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.fragment(
        rx.cond(S.can_publish, rx.el.form(
            rx.el.h3(_("Publish on the public list")),
            rx.el.p(_("Personal data has been taken out of these texts where it was found. Read them, remove "
                      "anything else that could identify someone, then publish."), class_name="hint"),
            rx.el.div(
                rx.el.label(_("Public title"), html_for="staff-public_title", class_name="label"),
                _error("public_title"),
                rx.el.input(id="staff-public_title", name="public_title", default_value=S.draft_title,
                            key=S.form_key, max_length=150, class_name="input", data_testid="feedback-public-title"),
                class_name="field",
            ),
            _textarea(_("Public question"), "public_question", S.draft_question, "feedback-public-question", rows=6),
            _textarea(_("Public answer"), "public_answer", S.draft_answer, "feedback-public-answer", rows=6),
            rx.el.button(_("Publish"), type="submit", class_name="button", data_testid="feedback-publish"),
            on_submit=S.publish, class_name="stack card", data_testid="feedback-publish-form",
        )),
        rx.cond(S.can_unpublish, rx.el.button(_("Take off the public list"), type="button", on_click=S.unpublish,
                                              class_name="button button-secondary", data_testid="feedback-unpublish")),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return staff_page(
        t,
        _("Feedback"),
        rx.el.div(
            app_link(rx.icon("chevron-left", size=18, aria_hidden="true"), rx.el.span(_("All feedback")),
                     to=href(t, "/staff/feedback"), class_name="back-link", testid="feedback-back"),
            rx.cond(S.notice != "", rx.el.p(S.notice, class_name="notice", role="status", data_testid="feedback-notice")),
            rx.cond(S.found, rx.fragment(_message(t), _answer(t), _publish(t))),
            class_name="stack",
            data_testid="feedback-message",
        ),
        active="feedback",
    )


PAGE = Page(route="/staff/feedback/[code]", title=N_("Feedback"), build=build, on_load=S.load_message)
