"""The assistant page's state: the conversation as a plain dict, events → core → view model."""

from __future__ import annotations

import dataclasses

import reflex as rx

from citizen_app.core.assistant.policy import Dialogue, restart
from citizen_app.core.assistant.service import get_assistant
from citizen_app.states.base import AppState
from citizen_app.ui.assistant_view import assistant_view


class AssistantState(AppState):
    _dialogue: dict = {}  # noqa: RUF012 (a backend var: Reflex copies it per state)
    phase: str = "asking"
    lines: list[dict[str, str]] = rx.field(default_factory=list)
    options: list[dict[str, str]] = rx.field(default_factory=list)
    error: str = ""
    answer_kind: str = ""
    answer_name: str = ""
    answer_href: str = ""
    answer_service_href: str = ""
    facts: list[dict[str, str]] = rx.field(default_factory=list)
    documents: list[str] = rx.field(default_factory=list)
    members: list[dict[str, str]] = rx.field(default_factory=list)
    others: list[dict[str, str]] = rx.field(default_factory=list)
    search_href: str = ""
    input_version: int = 0

    def _show(self, dialogue: Dialogue) -> None:
        self._dialogue = dialogue.as_dict()
        assistant = get_assistant()
        locale = self.locale
        view = assistant_view(
            dialogue,
            assistant.catalog,
            assistant.knowledge,
            self._t(),
            lambda sentence: assistant.rephraser.rephrase(sentence, locale),
        )
        for name, value in dataclasses.asdict(view).items():
            setattr(self, name, value)

    @rx.event
    def load(self) -> None:
        """Opened (from the home page, or from empty results with their words in ``q``)."""
        question = str(self.router.url.query_parameters.get("q", "") or "")
        dialogue = restart()
        if question.strip():
            dialogue = get_assistant().ask(dialogue, question, self.locale)
        self._show(dialogue)
        self.input_version += 1

    @rx.event
    def ask(self, form_data: dict[str, str]) -> None:
        dialogue = get_assistant().ask(Dialogue.from_dict(self._dialogue), form_data.get("question", ""), self.locale)
        self._show(dialogue)
        if not dialogue.error:
            self.input_version += 1  # an empty box for the next question

    @rx.event
    def choose(self, option_id: str) -> None:
        self._show(get_assistant().choose(Dialogue.from_dict(self._dialogue), option_id))

    @rx.event
    def start_over(self) -> None:
        self._show(restart())
        self.input_version += 1
