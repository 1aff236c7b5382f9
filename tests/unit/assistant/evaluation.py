"""The assistant's evaluation: its question set, and the figures for the assistant and the search.

    python -m tests.unit.assistant.evaluation          # figures and misses of both
    python -m tests.unit.assistant.evaluation --search-set   # the assistant on the search's questions
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from citizen_app.core.assistant.retrieval import Retriever
from citizen_app.core.search import SearchIndex
from tests.unit.search.evaluation import QUESTIONS as SEARCH_QUESTIONS
from tests.unit.search.evaluation import Question, load, real_index

HERE = Path(__file__).resolve().parent
ASSISTANT_QUESTIONS = HERE / "questions.yaml"


def locale_of(question: Question) -> str:
    return "en" if question.kind == "en" else "vi"


@dataclass
class Figures:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[Question, list[str]]] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    by_kind_top1: Counter[str] = field(default_factory=Counter)
    by_kind_top3: Counter[str] = field(default_factory=Counter)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0

    def add(self, question: Question, codes: list[str]) -> None:
        first = bool(codes) and codes[0] in question.expect
        in_three = any(code in question.expect for code in codes[:3])
        self.total += 1
        self.top1 += first
        self.top3 += in_three
        self.by_kind[question.kind] += 1
        self.by_kind_top1[question.kind] += first
        self.by_kind_top3[question.kind] += in_three
        if not first:
            self.misses.append((question, codes[:3]))

    def line(self, label: str) -> str:
        return f"{label}: {self.total} questions, top 1 {self.top1_rate:.1%}, top 3 {self.top3_rate:.1%}"


@cache
def real_retriever() -> Retriever:
    index = real_index()
    catalog = index.catalog
    assert catalog is not None
    return Retriever(index, catalog.all())


def evaluate_assistant(retriever: Retriever, questions: list[Question]) -> Figures:
    figures = Figures()
    for question in questions:
        figures.add(question, retriever.retrieve(question.text, locale_of(question), limit=3).codes)
    return figures


def evaluate_search(index: SearchIndex, questions: list[Question]) -> Figures:
    figures = Figures()
    for question in questions:
        figures.add(question, index.search(question.text, locale=locale_of(question), limit=3).codes)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--search-set", action="store_true", help="the search's question set instead")
    args = parser.parse_args()
    path = SEARCH_QUESTIONS if args.search_set else ASSISTANT_QUESTIONS
    questions = load(path, "vi")
    retriever = real_retriever()
    for label, figures in (
        ("assistant", evaluate_assistant(retriever, questions)),
        ("search", evaluate_search(retriever.index, questions)),
    ):
        print(figures.line(label))
        for kind, count in sorted(figures.by_kind.items()):
            print(f"    {kind}: {count}, top 1 {figures.by_kind_top1[kind]}, top 3 {figures.by_kind_top3[kind]}")
        for question, codes in figures.misses:
            mark = "  top3" if any(c in question.expect for c in codes) else "  MISS"
            print(f"{mark} [{question.kind}] {question.text!r} want {question.expect[0]} got {codes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
