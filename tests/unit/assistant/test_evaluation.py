"""The assistant's targets on its evaluation set (issue 15, item 1), and the search's on the same questions.

questions.yaml holds 174 situations in citizens' words (vi, without accents, typos, colloquial
words, English); evaluation.py computes the figures (docs/assistant.md, "How it was evaluated").
"""

from __future__ import annotations

import pytest

from citizen_app.core.assistant.retrieval import Retriever
from tests.unit.assistant.evaluation import (
    ASSISTANT_QUESTIONS,
    evaluate_assistant,
    evaluate_search,
    real_retriever,
)
from tests.unit.search.evaluation import index_path, load

TOP3_TARGET = 0.90
TOP1_TARGET = 0.75


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    if not index_path().exists():
        pytest.skip(f"the national index is not at {index_path()} (set SHARED_DATA_DIR)")
    return real_retriever()


def test_the_set_is_large_and_varied_enough() -> None:
    questions = load(ASSISTANT_QUESTIONS, "vi")
    kinds = {q.kind for q in questions}
    assert len(questions) >= 150
    assert kinds == {"vi", "plain", "typo", "colloquial", "en"}
    assert sum(q.kind == "en" for q in questions) >= 30
    assert len({q.text for q in questions}) == len(questions)


def test_expected_codes_are_in_the_catalogue(retriever: Retriever) -> None:
    catalog = retriever.index.catalog
    assert catalog is not None
    missing = [(q.text, code) for q in load(ASSISTANT_QUESTIONS, "vi") for code in q.expect if code not in catalog]
    assert missing == []


def test_the_assistant_finds_the_procedure(retriever: Retriever) -> None:
    figures = evaluate_assistant(retriever, load(ASSISTANT_QUESTIONS, "vi"))
    misses = [(q.text, codes) for q, codes in figures.misses]
    assert figures.top3_rate >= TOP3_TARGET, (figures.line("assistant"), misses)
    assert figures.top1_rate >= TOP1_TARGET, (figures.line("assistant"), misses)


def test_the_search_reaches_the_same_top_3_rate_on_the_same_questions(retriever: Retriever) -> None:
    figures = evaluate_search(retriever.index, load(ASSISTANT_QUESTIONS, "vi"))
    misses = [(q.text, codes) for q, codes in figures.misses]
    assert figures.top3_rate >= TOP3_TARGET, (figures.line("search"), misses)
