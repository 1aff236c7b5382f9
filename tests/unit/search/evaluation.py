"""The search evaluation: the question sets, the held-out rule, and the figures.

Run it while working on the search (dev questions only, so tuning never sees the held-out ones):

    python -m tests.unit.search.evaluation            # dev failures and figures
    python -m tests.unit.search.evaluation --all      # every figure, held-out included (for reports)

The unit tests in this folder assert the targets on the whole sets.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from citizen_app.core.catalog import Catalog, check_catalog
from citizen_app.core.catalog.index_import import procedures_from_rows, read_index
from citizen_app.core.search import SearchIndex
from citizen_app.settings import get_settings

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.yaml"
ENGLISH_QUERIES = HERE / "english_queries.yaml"
HELD_OUT_SHARE = 0.4


@dataclass(frozen=True)
class Question:
    text: str
    expect: tuple[str, ...]
    kind: str

    @property
    def held_out(self) -> bool:
        return is_held_out(self.text)

    @property
    def locale(self) -> str:
        return "en" if self.kind == "en" else "vi"


def is_held_out(text: str) -> bool:
    """A fixed 40% of the questions, chosen by a hash of their text rather than by anyone."""
    return hashlib.sha256(text.encode("utf-8")).digest()[0] < round(256 * HELD_OUT_SHARE)


def load(path: Path, default_kind: str = "en") -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(item["q"], tuple(item["expect"]), item.get("kind", default_kind)) for item in raw]


@dataclass
class Report:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[Question, list[str]]] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    by_kind_top3: Counter[str] = field(default_factory=Counter)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0

    def line(self, label: str) -> str:
        return (
            f"{label}: {self.total} questions, top 1 {self.top1} ({self.top1_rate:.1%}), "
            f"top 3 {self.top3} ({self.top3_rate:.1%})"
        )


def evaluate(index: SearchIndex, questions: list[Question]) -> Report:
    report = Report()
    for question in questions:
        codes = index.search(question.text, locale=question.locale, limit=10).codes
        report.total += 1
        report.by_kind[question.kind] += 1
        first = bool(codes) and codes[0] in question.expect
        in_three = any(code in question.expect for code in codes[:3])
        report.top1 += first
        report.top3 += in_three
        report.by_kind_top3[question.kind] += in_three
        if not first:
            report.misses.append((question, codes[:5]))
    return report


def index_path() -> Path:
    return get_settings().shared_data_dir / "procedure_index.csv"


@cache
def real_index() -> SearchIndex:
    """The curated catalogue plus the national index, read straight from the CSV (no database)."""
    settings = get_settings()
    loaded = check_catalog(settings.catalog_dir)
    rows, _ = read_index(index_path())
    catalog = Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows(rows, loaded.taxonomy))
    return SearchIndex(catalog.all(), catalog)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="also the held-out questions (for reports only)")
    args = parser.parse_args()
    index = real_index()
    for label, path, kind in (("questions", QUESTIONS, "vi"), ("english", ENGLISH_QUERIES, "en")):
        questions = load(path, kind)
        dev = [q for q in questions if not q.held_out]
        report = evaluate(index, dev)
        print(report.line(f"{label} (dev)"))
        for question, codes in report.misses:
            mark = "  top3" if any(c in question.expect for c in codes[:3]) else "  MISS"
            print(f"{mark} [{question.kind}] {question.text!r} want {question.expect[0]} got {codes[:3]}")
        if args.all:
            held = [q for q in questions if q.held_out]
            print(evaluate(index, held).line(f"{label} (held out)"))
            whole = evaluate(index, questions)
            print(whole.line(f"{label} (all)"))
            for kind, count in sorted(whole.by_kind.items()):
                print(f"    {kind}: {count}, top 3 {whole.by_kind_top3[kind]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
