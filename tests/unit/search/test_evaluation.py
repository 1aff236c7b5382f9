"""The search's targets on the question sets written before tuning (issue 15, item 0; issue 16, item 4).

The questions live in questions.yaml and english_queries.yaml; evaluation.py says how the
held-out part is chosen. The catalogue is the curated YAML plus the national index read from
../shared/data at run time (SHARED_DATA_DIR), as the app reads it.
"""

from __future__ import annotations

import pytest

from citizen_app.core.search import SearchIndex
from tests.unit.search.evaluation import ENGLISH_QUERIES, QUESTIONS, evaluate, index_path, load, real_index


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    if not index_path().exists():
        pytest.skip(f"the national index is not at {index_path()} (set SHARED_DATA_DIR)")
    return real_index()


def test_the_sets_are_large_and_varied_enough() -> None:
    questions = load(QUESTIONS, "vi")
    kinds = {q.kind for q in questions}
    assert len(questions) >= 150
    assert kinds == {"vi", "plain", "typo", "event", "en"}
    assert sum(q.held_out for q in questions) >= 0.3 * len(questions)
    assert len(load(ENGLISH_QUERIES)) >= 50


def test_expected_codes_are_in_the_catalogue(index: SearchIndex) -> None:
    catalog = index.catalog
    assert catalog is not None
    for path in (QUESTIONS, ENGLISH_QUERIES):
        missing = [(q.text, code) for q in load(path) for code in q.expect if code not in catalog]
        assert missing == []


def test_citizen_questions_find_the_procedure(index: SearchIndex) -> None:
    report = evaluate(index, load(QUESTIONS, "vi"))
    misses = [(q.text, codes[:3]) for q, codes in report.misses]
    assert report.top3_rate >= 0.90, (report.line("questions"), misses)
    assert report.top1_rate >= 0.75, (report.line("questions"), misses)


def test_held_out_questions_reach_the_top_3_target_too(index: SearchIndex) -> None:
    held_out = [q for q in load(QUESTIONS, "vi") if q.held_out]
    report = evaluate(index, held_out)
    assert report.top3_rate >= 0.85, report.line("held out")


def test_english_queries_find_the_procedure(index: SearchIndex) -> None:
    report = evaluate(index, load(ENGLISH_QUERIES))
    misses = [(q.text, codes[:3]) for q, codes in report.misses]
    assert report.top3_rate >= 0.90, (report.line("english"), misses)


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("con tôi mới sinh", "1.001193"),
        ("bố tôi vừa mất", "1.000656"),
        ("con toi moi sinh can lam giay to gi", "1.001193"),
        ("my father died", "1.000656"),
    ],
)
def test_life_events_answer_with_their_procedure(index: SearchIndex, question: str, first: str) -> None:
    results = index.search(question, locale="en" if question.startswith("my") else "vi")
    assert results.codes[0] == first
    assert results.events


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("cấp giấy chứng nhận quyền sử dụng đất lần đầu", "vi"),
        ("giấy chứng nhận quyền sử dụng đất", "vi"),
        ("làm sổ đỏ", "vi"),
        ("land use certificate", "en"),
    ],
)
def test_the_land_use_certificate_sends_citizens_to_their_procedure(
    index: SearchIndex, question: str, locale: str
) -> None:
    """Issue 16: the curated procedure for organisations (1.012753) must not beat the households' one."""
    codes = index.search(question, locale=locale, limit=50).codes
    assert "1.013978" in codes[:3], codes[:5]
    if "1.012753" in codes:
        assert codes.index("1.013978") < codes.index("1.012753"), codes[:5]
    if locale == "vi":
        assert codes[0] == "1.013978", codes[:5]


def test_english_pages_show_english_names(index: SearchIndex) -> None:
    hits = index.search("passport", locale="en", limit=20).hits
    assert len(hits) >= 10
    assert all(hit.procedure.name.en != hit.procedure.name.vi for hit in hits)
    assert all(hit.procedure.has_english_name for hit in hits)
