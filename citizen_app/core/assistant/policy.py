"""The assistant's dialogue policy: a plain state machine over :class:`Dialogue`.

Phases and what moves between them (nothing else does)::

    asking ──question──▶ clarifying ──option──▶ clarifying (a follow-up, at most 3 in all)
       │                    │  └──option──▶ answered ──restart──▶ asking
       │                    └──"none of these"──▶ no_match
       ├──question──▶ answered        (one clear procedure)
       ├──question──▶ no_match        (nothing in the catalogue)
       └──bad question──▶ asking      (empty, too long: an error, nothing else changes)

A question is *ambiguous* when it describes a life event the curated knowledge asks about
(``_assistant.yaml``: "which case"), when two procedures the knowledge tells apart are among the
first candidates ("who is the card for?"), or when retrieval found no strong match and its first
two candidates score nearly the same ("which of these is your case?").

Everything the assistant says is a message id (translated at render) or curated catalogue text;
the citizen's words are kept as typed and only ever shown back as text. The answer is a code or a
group: the facts shown with it are read from the catalogue (:mod:`citizen_app.core.assistant.answer`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from citizen_app.core.assistant.knowledge import GROUP_PREFIX, MAX_QUESTIONS, Knowledge, Question
from citizen_app.core.assistant.retrieval import Retrieved
from citizen_app.core.i18n import N_

Phase = Literal["asking", "clarifying", "answered", "no_match"]
MAX_QUESTION_CHARS = 1000
NONE_OF_THESE = "none"
CHOICE_PREFIX = "code:"
# Retrieval is unsure when the second candidate scores at least this share of the first.
CLOSE_SCORES = 0.85
CHOICES = 3

MSG_EMPTY = N_("Tell me in a few words what happened or what you need.")
MSG_TOO_LONG = N_("Please say it in fewer words: at most 1,000 characters.")
MSG_ANSWER = N_("This is the service for your situation.")
MSG_WHICH = N_("Which of these is your case?")
MSG_NO_MATCH = N_("I could not find a service for that. Try other words, or search the catalogue.")
MSG_NONE_CHOSEN = N_("Then try other words, or search the catalogue.")


@dataclass(frozen=True)
class Turn:
    """One line of the conversation: the citizen's words as typed, or the assistant's message id,
    or a curated question (its situation and the option path leading to it)."""

    speaker: Literal["citizen", "assistant"]
    text: str = ""
    msgid: str = ""
    situation: str = ""
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dialogue:
    phase: Phase = "asking"
    turns: tuple[Turn, ...] = ()
    asked: int = 0  # clarifying questions asked so far
    question: str = ""  # what the citizen asked (trimmed)
    situation: str = ""  # the curated situation being clarified
    path: tuple[str, ...] = ()  # the options chosen in it so far
    choices: tuple[str, ...] = ()  # a generic "which one" question: its procedure codes
    candidates: tuple[str, ...] = ()  # retrieval's codes, best first
    answer: str = ""  # a procedure code or "group:<slug>"
    error: str = ""  # the message id of a question that could not be asked

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["turns"] = [dataclasses.asdict(turn) for turn in self.turns]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Dialogue:
        """Never raises: anything unreadable is a new conversation."""
        if not data:
            return cls()
        try:
            turns = tuple(
                Turn(t["speaker"], t.get("text", ""), t.get("msgid", ""), t.get("situation", ""), tuple(t.get("path", ())))
                for t in data.get("turns", ())
            )
            return cls(
                phase=data.get("phase", "asking"),
                turns=turns,
                asked=int(data.get("asked", 0)),
                question=str(data.get("question", "")),
                situation=str(data.get("situation", "")),
                path=tuple(data.get("path", ())),
                choices=tuple(data.get("choices", ())),
                candidates=tuple(data.get("candidates", ())),
                answer=str(data.get("answer", "")),
                error=str(data.get("error", "")),
            )
        except (KeyError, TypeError, ValueError):
            return cls()


def _say(msgid: str, **where: Any) -> Turn:
    return Turn("assistant", msgid=msgid, **where)


def check_question(text: object) -> tuple[str, str]:
    """The question trimmed, and the message id of what is wrong with it ("" when nothing)."""
    question = " ".join(text.split()) if isinstance(text, str) else ""
    if not question:
        return "", MSG_EMPTY
    if len(question) > MAX_QUESTION_CHARS:
        return "", MSG_TOO_LONG
    return question, ""


def current_question(dialogue: Dialogue, knowledge: Knowledge) -> Question | None:
    """The curated question being asked, found by following the chosen options."""
    situation = knowledge.situation(dialogue.situation)
    if situation is None:
        return None
    question: Question | None = situation.question
    for option_id in dialogue.path:
        option = question.option(option_id) if question is not None else None
        question = option.next if option is not None else None
    return question


def after_question(dialogue: Dialogue, text: object, retrieved: Retrieved | None, knowledge: Knowledge) -> Dialogue:
    """The citizen asked (or told her situation). ``retrieved`` is None when the question was refused."""
    question, problem = check_question(text)
    if problem:
        return dataclasses.replace(dialogue, error=problem)
    assert retrieved is not None
    start = Dialogue(turns=(Turn("citizen", text=question),), question=question, candidates=tuple(retrieved.codes))
    situation = knowledge.for_events(retrieved.events) if retrieved.events else None
    if situation is None and not retrieved.strong:
        situation = knowledge.for_codes(retrieved.codes[:2])
    if situation is None and retrieved.strong and len(retrieved.codes) > 1:
        # A strong match that two curated answers share ("đăng ký kết hôn" with a foreigner or not).
        first_two = retrieved.codes[:2]
        candidate = knowledge.for_codes(first_two)
        if candidate is not None and set(first_two) <= set(candidate.codes):
            situation = candidate
    if situation is not None:
        return dataclasses.replace(
            start,
            phase="clarifying",
            situation=situation.slug,
            asked=1,
            turns=(*start.turns, _say("", situation=situation.slug)),
        )
    if not retrieved.candidates:
        return dataclasses.replace(start, phase="no_match", turns=(*start.turns, _say(MSG_NO_MATCH)))
    first = retrieved.candidates[0]
    close = [c for c in retrieved.candidates[1:CHOICES] if c.score >= CLOSE_SCORES * first.score]
    if not retrieved.strong and close:
        codes = (first.code, *(c.code for c in close))
        return dataclasses.replace(
            start, phase="clarifying", choices=codes, asked=1, turns=(*start.turns, _say(MSG_WHICH))
        )
    return _answered(start, first.code)


def after_choice(dialogue: Dialogue, option_id: str, knowledge: Knowledge) -> Dialogue:
    """The citizen chose an option of the question asked. An unknown option changes nothing."""
    if dialogue.phase != "clarifying":
        return dialogue
    chosen_turn = Turn("citizen", text="", msgid="", situation=dialogue.situation, path=(*dialogue.path, option_id))
    if dialogue.choices:
        if option_id == NONE_OF_THESE:
            return dataclasses.replace(
                dialogue, phase="no_match", turns=(*dialogue.turns, chosen_turn, _say(MSG_NONE_CHOSEN))
            )
        code = option_id.removeprefix(CHOICE_PREFIX)
        if code not in dialogue.choices:
            return dialogue
        return _answered(dataclasses.replace(dialogue, turns=(*dialogue.turns, Turn("citizen", msgid=CHOICE_PREFIX + code))), code)
    question = current_question(dialogue, knowledge)
    option = question.option(option_id) if question is not None else None
    if option is None:
        return dialogue
    asked = dataclasses.replace(dialogue, turns=(*dialogue.turns, chosen_turn))
    if option.next is not None and dialogue.asked < MAX_QUESTIONS:
        path = (*dialogue.path, option_id)
        return dataclasses.replace(
            asked,
            path=path,
            asked=dialogue.asked + 1,
            turns=(*asked.turns, _say("", situation=dialogue.situation, path=path)),
        )
    answer = option.answer if option.answer is not None else _first_answer(option.next)
    return _answered(asked, answer or "")


def _first_answer(question: Question | None) -> str | None:
    while question is not None:
        option = question.options[0]
        if option.answer is not None:
            return option.answer
        question = option.next
    return None


def _answered(dialogue: Dialogue, answer: str) -> Dialogue:
    return dataclasses.replace(dialogue, phase="answered", answer=answer, turns=(*dialogue.turns, _say(MSG_ANSWER)))


def restart() -> Dialogue:
    return Dialogue()


def is_group(answer: str) -> bool:
    return answer.startswith(GROUP_PREFIX)


__all__ = [
    "CHOICE_PREFIX",
    "NONE_OF_THESE",
    "Dialogue",
    "Turn",
    "after_choice",
    "after_question",
    "check_question",
    "current_question",
    "is_group",
    "restart",
]
