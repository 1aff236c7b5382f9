"""``/{locale}/assistant``: the procedure assistant. The citizen tells her situation in her own
words; the assistant asks at most three questions and ends with a "Start" button on the service.

Test ids: ``assistant`` (the page), ``assistant-form``, ``assistant-input``, ``assistant-submit``,
``assistant-error``, ``assistant-conversation`` with ``assistant-line-<n>`` (``data-speaker``),
``assistant-options`` with ``assistant-option-<id>``, ``assistant-answer`` (``assistant-answer-name``,
``assistant-fact-agency|time|fee``, ``assistant-documents``, ``assistant-members``,
``assistant-start``, ``assistant-service``), ``assistant-others``, ``assistant-search``,
``assistant-restart``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.assistant.policy import MAX_QUESTION_CHARS
from citizen_app.core.i18n import N_, Translator
from citizen_app.states.assistant import AssistantState as S
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import shell


def _line(line: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.p(line["text"]),
        class_name=rx.cond(line["speaker"] == "citizen", "chat-line chat-citizen", "chat-line chat-assistant"),
        data_speaker=line["speaker"],
        data_testid=line["testid"],
    )


def _options(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        S.options.length() > 0,
        rx.el.div(
            rx.foreach(
                S.options,
                lambda option: rx.el.button(
                    option["label"],
                    type="button",
                    on_click=S.choose(option["id"]),
                    class_name="button button-secondary button-block",
                    data_testid=option["testid"],
                ),
            ),
            role="group",
            aria_label=_("Choose an answer"),
            class_name="chat-options",
            data_testid="assistant-options",
        ),
    )


def _answer(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        S.answer_name != "",
        rx.el.section(
            rx.el.h2(S.answer_name, data_testid="assistant-answer-name"),
            rx.el.dl(
                rx.foreach(
                    S.facts,
                    lambda fact: rx.el.div(
                        rx.el.dt(fact["label"]), rx.el.dd(fact["value"], data_testid=fact["testid"]), class_name="summary-row"
                    ),
                ),
                class_name="summary-list",
            ),
            rx.cond(
                S.documents.length() > 0,
                rx.el.div(
                    rx.el.h3(_("Documents to bring")),
                    rx.el.ul(rx.foreach(S.documents, lambda doc: rx.el.li(doc)), data_testid="assistant-documents"),
                ),
            ),
            rx.cond(
                S.members.length() > 0,
                rx.el.div(
                    rx.el.h3(_("Services in this group")),
                    rx.el.ul(rx.foreach(S.members, lambda m: rx.el.li(m["name"])), data_testid="assistant-members"),
                ),
            ),
            rx.el.p(_("Facts from the official catalogue."), class_name="hint"),
            app_link(_("Start"), to=S.answer_href, class_name="button button-block", testid="assistant-start"),
            rx.cond(
                S.answer_service_href != "",
                app_link(_("About this service"), to=S.answer_service_href, class_name="more-link", testid="assistant-service"),
            ),
            rx.cond(
                S.others.length() > 0,
                rx.el.div(
                    rx.el.h3(_("Other services that may fit")),
                    rx.el.ul(
                        rx.foreach(S.others, lambda o: rx.el.li(app_link(o["name"], to=o["href"], testid="assistant-other"))),
                        data_testid="assistant-others",
                    ),
                ),
            ),
            class_name="card chat-answer",
            data_testid="assistant-answer",
        ),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.div(
            rx.el.h1(_("Ask the assistant")),
            rx.el.p(
                _("Tell me what happened or what you need, in your own words. I will find the service for you."),
                class_name="lead",
            ),
            rx.el.ol(rx.foreach(S.lines, _line), class_name="chat", aria_live="polite", data_testid="assistant-conversation"),
            _options(t),
            _answer(t),
            rx.cond(
                (S.phase == "no_match") | (S.phase == "answered"),
                app_link(_("Search the catalogue"), to=S.search_href, class_name="more-link", testid="assistant-search"),
            ),
            rx.cond(
                S.phase == "asking",
                rx.el.form(
                    rx.el.label(_("Your situation"), html_for="assistant-question", class_name="label"),
                    rx.cond(
                        S.error != "",
                        rx.el.p(S.error, id="assistant-question-error", class_name="field-error", role="alert", data_testid="assistant-error"),
                    ),
                    rx.el.textarea(
                        id="assistant-question",
                        name="question",
                        key=S.input_version,
                        rows=3,
                        max_length=MAX_QUESTION_CHARS,
                        placeholder=_("e.g. my child was just born, what papers do I need?"),
                        class_name="input",
                        data_testid="assistant-input",
                    ),
                    rx.el.button(_("Ask"), type="submit", class_name="button button-block", data_testid="assistant-submit"),
                    on_submit=S.ask,
                    reset_on_submit=False,
                    class_name="chat-form",
                    data_testid="assistant-form",
                ),
                rx.el.button(
                    _("Ask something else"),
                    type="button",
                    on_click=S.start_over,
                    class_name="button button-secondary button-block",
                    data_testid="assistant-restart",
                ),
            ),
            data_testid="assistant",
        ),
        active="search",
    )


PAGE = Page(route="/assistant", title=N_("Ask the assistant"), build=build, on_load=S.load)
