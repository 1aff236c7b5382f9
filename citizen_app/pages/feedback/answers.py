"""``/{locale}/feedback/answers``: answers the units gave, published by supervisors without personal data,
searchable by topic and words. Texts citizens typed are shown as text.

Test ids: ``answers-form``, ``answers-topic``, ``answers-query``, ``answers-submit``, ``answers-total``,
``answer-<id>`` (``answer-title``, ``answer-question``, ``answer-text``), ``answers-next``, ``answers-previous``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.states.feedback.public import PublicAnswersState as S
from citizen_app.ui.feedback_view import AnswerItem
from citizen_app.ui.page import Page
from citizen_app.ui.shell import shell


def _item(t: Translator, item: AnswerItem) -> rx.Component:
    _ = t.gettext
    return rx.el.article(
        rx.el.p(rx.el.span(item.topic, class_name="tag"), " ", rx.el.span(item.answered, class_name="hint")),
        rx.el.h2(item.title, data_testid="answer-title"),
        rx.el.div(rx.foreach(item.question_lines, lambda line: rx.el.p(line)), data_testid="answer-question"),
        rx.el.div(
            rx.el.h3(item.unit, class_name="answer-unit"),
            rx.foreach(item.answer_lines, lambda line: rx.el.p(line)),
            class_name="answer-text",
            data_testid="answer-text",
        ),
        class_name="card public-answer",
        data_testid=rx.Var.create("answer-") + item.id,
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.div(
            rx.el.h1(_("Answers to feedback")),
            rx.el.p(_("What units answered to citizens' feedback, published with the senders' agreement and "
                      "without personal details."), class_name="lead"),
            rx.el.form(
                rx.el.div(
                    rx.el.label(_("Topic"), html_for="answers-topic", class_name="label"),
                    rx.el.select(rx.foreach(S.topic_options, lambda c: rx.el.option(c.label, value=c.value)),
                                 id="answers-topic", name="topic", default_value=S.topic, key=S.form_key,
                                 class_name="select", data_testid="answers-topic"),
                    class_name="field",
                ),
                rx.el.div(
                    rx.el.label(_("Words to find"), html_for="answers-query", class_name="label"),
                    rx.el.input(id="answers-query", name="q", type="search", default_value=S.query, key=S.form_key,
                                max_length=200, class_name="input", data_testid="answers-query"),
                    class_name="field",
                ),
                rx.el.button(rx.icon("search", size=20, aria_hidden="true"), _("Search"), type="submit",
                             class_name="button", data_testid="answers-submit"),
                on_submit=S.search,
                class_name="stack",
                role="search",
                data_testid="answers-form",
            ),
            rx.el.p(S.total_text, role="status", data_testid="answers-total"),
            rx.foreach(S.items, lambda item: _item(t, item)),
            rx.el.nav(
                rx.cond(S.page > 0, rx.el.button(_("Previous"), type="button", on_click=S.previous_page,
                                                 class_name="button button-secondary", data_testid="answers-previous")),
                rx.cond(S.has_next, rx.el.button(_("Next"), type="button", on_click=S.next_page,
                                                 class_name="button button-secondary", data_testid="answers-next")),
                class_name="pager",
                aria_label=_("Pages"),
            ),
            class_name="feedback stack",
            data_testid="answers",
        ),
    )


PAGE = Page(route="/feedback/answers", title=N_("Answers to feedback"), build=build, on_load=S.load)
