"""The dialogue policy as a state machine, with retrieval results made up by hand."""

from __future__ import annotations

import pytest

from citizen_app.core.assistant.knowledge import MAX_QUESTIONS, parse_knowledge
from citizen_app.core.assistant.policy import (
    CHOICE_PREFIX,
    MAX_QUESTION_CHARS,
    MSG_EMPTY,
    MSG_NO_MATCH,
    MSG_TOO_LONG,
    MSG_WHICH,
    NONE_OF_THESE,
    Dialogue,
    after_choice,
    after_question,
    current_question,
)
from citizen_app.core.assistant.retrieval import Candidate, Retrieved
from citizen_app.core.catalog.model import Localized, Procedure

L = {"vi": "x", "en": "x"}
KNOWLEDGE = parse_knowledge(
    {
        "groups": {"birth": {"name": L, "procedures": ["1.001193"]}},
        "situations": {
            "newborn": {
                "events": ["having-a-baby"],
                "question": {
                    "kind": "which",
                    "text": {"vi": "Bố mẹ đã kết hôn?", "en": "Married?"},
                    "options": [
                        {"id": "married", "label": L, "answer": "group:birth"},
                        {
                            "id": "other",
                            "label": L,
                            "next": {
                                "kind": "where",
                                "text": L,
                                "options": [
                                    {"id": "here", "label": L, "answer": "1.000689"},
                                    {
                                        "id": "abroad",
                                        "label": L,
                                        "next": {
                                            "kind": "who",
                                            "text": L,
                                            "options": [
                                                {"id": "a", "label": L, "answer": "2.000528"},
                                                {"id": "b", "label": L, "answer": "1.001022"},
                                            ],
                                        },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
            "card": {
                "codes": ["1.014061", "1.014062"],
                "question": {
                    "kind": "who",
                    "text": L,
                    "options": [{"id": "adult", "label": L, "answer": "1.014061"}, {"id": "child", "label": L, "answer": "1.014062"}],
                },
            },
        },
    }
)


def _procedure(code: str) -> Procedure:
    return Procedure(code=code, name=Localized(code, code), field="f", level="commune")


def _retrieved(*scored: tuple[str, float], events: tuple[str, ...] = (), strong: bool = True) -> Retrieved:
    return Retrieved(tuple(Candidate(code, score, _procedure(code)) for code, score in scored), events, strong)


def test_a_clear_question_is_answered_at_once() -> None:
    dialogue = after_question(Dialogue(), "đăng ký kết hôn", _retrieved(("1.000894", 2.0), ("1.004873", 0.5)), KNOWLEDGE)
    assert dialogue.phase == "answered"
    assert dialogue.answer == "1.000894"
    assert dialogue.asked == 0
    assert [t.speaker for t in dialogue.turns] == ["citizen", "assistant"]


def test_a_life_event_asks_which_case_then_answers_with_the_group() -> None:
    asked = after_question(Dialogue(), "con toi moi sinh", _retrieved(("1.001193", 9.0), events=("having-a-baby",)), KNOWLEDGE)
    assert asked.phase == "clarifying"
    assert asked.situation == "newborn"
    assert asked.asked == 1
    question = current_question(asked, KNOWLEDGE)
    assert question is not None and question.kind == "which"
    answered = after_choice(asked, "married", KNOWLEDGE)
    assert answered.phase == "answered"
    assert answered.answer == "group:birth"


def test_follow_up_questions_stop_at_three() -> None:
    dialogue = after_question(Dialogue(), "sinh con", _retrieved(("1.001193", 1.0), events=("having-a-baby",)), KNOWLEDGE)
    dialogue = after_choice(dialogue, "other", KNOWLEDGE)
    assert (dialogue.phase, dialogue.asked, current_question(dialogue, KNOWLEDGE).kind) == ("clarifying", 2, "where")  # type: ignore[union-attr]
    dialogue = after_choice(dialogue, "abroad", KNOWLEDGE)
    assert (dialogue.phase, dialogue.asked) == ("clarifying", MAX_QUESTIONS)
    dialogue = after_choice(dialogue, "b", KNOWLEDGE)
    assert (dialogue.phase, dialogue.answer) == ("answered", "1.001022")


def test_knowledge_deeper_than_three_questions_is_refused() -> None:
    deep: dict[str, object] = {"kind": "which", "text": L, "options": [{"id": "a", "label": L, "answer": "1"}, {"id": "b", "label": L, "answer": "2"}]}
    for _ in range(MAX_QUESTIONS):
        deep = {"kind": "which", "text": L, "options": [{"id": "a", "label": L, "answer": "1"}, {"id": "b", "label": L, "next": deep}]}
    with pytest.raises(ValueError, match="deep"):
        parse_knowledge({"situations": {"s": {"events": ["e"], "question": deep}}})


def test_two_procedures_the_knowledge_tells_apart_ask_who() -> None:
    dialogue = after_question(
        Dialogue(), "làm căn cước", _retrieved(("1.014061", 1.0), ("1.014062", 0.9), strong=False), KNOWLEDGE
    )
    assert (dialogue.phase, dialogue.situation) == ("clarifying", "card")
    assert after_choice(dialogue, "child", KNOWLEDGE).answer == "1.014062"


def test_close_weak_candidates_ask_which_one() -> None:
    dialogue = after_question(
        Dialogue(), "giấy tờ nhà", _retrieved(("1.1", 1.0), ("1.2", 0.95), ("1.3", 0.2), strong=False), KNOWLEDGE
    )
    assert dialogue.phase == "clarifying"
    assert dialogue.choices == ("1.1", "1.2")
    assert dialogue.turns[-1].msgid == MSG_WHICH
    assert after_choice(dialogue, CHOICE_PREFIX + "1.2", KNOWLEDGE).answer == "1.2"
    assert after_choice(dialogue, CHOICE_PREFIX + "9.9", KNOWLEDGE) == dialogue  # not offered: nothing changes
    assert after_choice(dialogue, NONE_OF_THESE, KNOWLEDGE).phase == "no_match"


def test_nothing_found_says_so() -> None:
    dialogue = after_question(Dialogue(), "xyzzy", _retrieved(strong=False), KNOWLEDGE)
    assert dialogue.phase == "no_match"
    assert dialogue.turns[-1].msgid == MSG_NO_MATCH


@pytest.mark.parametrize(("text", "problem"), [("", MSG_EMPTY), ("   \n ", MSG_EMPTY), (None, MSG_EMPTY), ("a" * 5000, MSG_TOO_LONG)])
def test_empty_or_too_long_questions_are_refused_and_nothing_else_changes(text: object, problem: str) -> None:
    before = Dialogue()
    after = after_question(before, text, None, KNOWLEDGE)
    assert after.error == problem
    assert after.phase == "asking" and after.turns == ()


def test_a_question_at_the_limit_is_taken() -> None:
    text = ("khai sinh " * 200)[:MAX_QUESTION_CHARS]
    assert after_question(Dialogue(), text, _retrieved(("1.001193", 1.0)), KNOWLEDGE).phase == "answered"


def test_choices_outside_a_question_change_nothing() -> None:
    assert after_choice(Dialogue(), "married", KNOWLEDGE) == Dialogue()
    answered = after_question(Dialogue(), "kết hôn", _retrieved(("1.000894", 1.0)), KNOWLEDGE)
    assert after_choice(answered, "married", KNOWLEDGE) == answered


def test_the_dialogue_survives_a_round_trip_and_bad_data() -> None:
    dialogue = after_question(Dialogue(), "sinh con", _retrieved(("1.001193", 1.0), events=("having-a-baby",)), KNOWLEDGE)
    dialogue = after_choice(dialogue, "other", KNOWLEDGE)
    assert Dialogue.from_dict(dialogue.as_dict()) == dialogue
    assert Dialogue.from_dict({"turns": [{"nope": 1}]}) == Dialogue()
    assert Dialogue.from_dict(None) == Dialogue()
