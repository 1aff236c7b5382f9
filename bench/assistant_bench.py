"""The assistant's first answer: latency on the real catalogue (target p95 ≤ 300 ms).

Run from the project root:  python bench/assistant_bench.py  [--rounds 3]

The curated YAML catalogue + ../shared/data/procedure_index.csv (read straight from the CSV, no
database needed). Times ``Assistant.ask`` on a new conversation, the citizen's first message:
retrieval (search + n-gram model), the policy, and the answer's view model (facts from the
catalogue, in Vietnamese). Every question of tests/unit/assistant/questions.yaml plus a 5,000-
character story, --rounds times; wall-clock and this thread's CPU time. Figures go to
docs/performance.md, section "Procedure assistant".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from citizen_app.core.assistant.knowledge import read_knowledge
from citizen_app.core.assistant.policy import Dialogue
from citizen_app.core.assistant.service import Assistant
from citizen_app.core.i18n import get_translator
from citizen_app.settings import get_settings
from citizen_app.ui.assistant_view import assistant_view
from tests.unit.assistant.evaluation import ASSISTANT_QUESTIONS, locale_of
from tests.unit.search.evaluation import load, real_index


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    index = real_index()
    assert index.catalog is not None
    indexed = time.perf_counter()
    assistant = Assistant(index, index.catalog, read_knowledge(get_settings().catalog_dir))
    print(
        f"catalogue and search index in {indexed - started:.1f} s ({len(index)} entries); "
        f"the assistant's n-gram model in {time.perf_counter() - indexed:.2f} s"
    )
    questions = [(q.text, locale_of(q)) for q in load(ASSISTANT_QUESTIONS, "vi")]
    questions.append(("con tôi mới sinh " * 300, "vi"))
    t = {"vi": get_translator("vi"), "en": get_translator("en")}
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(args.rounds):
        for text, locale in questions:
            w0, c0 = time.perf_counter(), time.thread_time()
            dialogue = assistant.ask(Dialogue(), text, locale)
            assistant_view(dialogue, assistant.catalog, assistant.knowledge, t[locale])
            cpu.append((time.thread_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
    for label, values in (("wall", wall), ("cpu", cpu)):
        print(
            f"{label}: n={len(values)} p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
            f"max {max(values):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
