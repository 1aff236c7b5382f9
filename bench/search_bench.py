"""Search latency and memory: the real catalogue plus the national index, and 10,000 entries.

Run from the project root:  python bench/search_bench.py  [--rounds 5] [--size 10000]

(a) the curated YAML catalogue + ../shared/data/procedure_index.csv (read straight from the
    CSV, no database needed): about 2,650 entries;
(b) the same plus synthetic procedures (citizen_app.core.catalog.synthetic, seed 2025) up to
    --size entries.
200 queries (accented, unaccented, partial, English, codes, junk) run once on a fresh index
("cold": the short-prefix cache is empty) and then --rounds more times ("warm"); then the 289
citizen questions of the search evaluation (tests/unit/search: natural questions with accents
or without, typos, life events, English), which exercise synonyms, stop words, typing mistakes
and life events. Each query is timed twice: wall-clock, and the CPU time of this thread (what
the query costs, unaffected by other processes competing for the CPU on a shared machine).
Figures go to docs/performance.md, section "Search".
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from citizen_app.core.catalog import Catalog, Procedure, load_catalog
from citizen_app.core.catalog.index_import import procedures_from_rows, read_index
from citizen_app.core.catalog.synthetic import generate
from citizen_app.core.search import SearchFilters, SearchIndex
from citizen_app.core.text import fold
from citizen_app.settings import get_settings

QUESTION_FILES = [Path(__file__).resolve().parent.parent / "tests" / "unit" / "search" / name
                  for name in ("questions.yaml", "english_queries.yaml")]

ACCENTED = [
    "Đăng ký khai sinh", "đăng ký kết hôn", "đăng ký khai tử", "đăng ký thường trú", "đăng ký tạm trú",
    "gia hạn tạm trú", "tách hộ", "xóa đăng ký thường trú", "cấp thẻ căn cước", "cấp lại thẻ căn cước",
    "cấp đổi thẻ căn cước", "hộ chiếu phổ thông", "cấp hộ chiếu", "lý lịch tư pháp", "phiếu lý lịch tư pháp",
    "giấy phép lái xe", "đổi giấy phép lái xe", "cấp lại giấy phép lái xe", "chứng thực bản sao",
    "hộ kinh doanh", "đăng ký thành lập hộ kinh doanh", "tạm ngừng kinh doanh", "giấy phép xây dựng",
    "cấp giấy phép xây dựng nhà ở riêng lẻ", "đăng ký đất đai", "giấy chứng nhận quyền sử dụng đất",
    "hộ nghèo", "hộ cận nghèo", "bảo hiểm xã hội", "trợ cấp thất nghiệp", "đăng ký xe", "biển số xe",
    "xác nhận tình trạng hôn nhân", "nhận cha mẹ con", "đăng ký giám hộ", "cải chính hộ tịch",
    "trích lục hộ tịch", "bản sao giấy khai sinh", "nuôi con nuôi", "quốc tịch Việt Nam",
    "thủ tục hải quan", "xuất khẩu", "thuế thu nhập cá nhân", "hoàn thuế giá trị gia tăng",
    "giấy phép môi trường", "khai thác khoáng sản", "tàu cá", "thú y", "công chứng hợp đồng", "luật sư",
    "ngoại hối", "chứng khoán", "đăng kiểm xe cơ giới", "hàng không", "đường thủy nội địa",
    "phòng cháy chữa cháy", "con dấu", "vũ khí", "trợ giúp pháp lý", "người có công",
]
ENGLISH = [
    "birth registration", "marriage registration", "death registration", "permanent residence",
    "temporary residence", "identity card", "passport", "criminal record", "driving licence",
    "certified copy", "household business", "building permit", "land registration", "poor household",
    "social insurance", "vehicle registration", "guardianship", "marital status", "business licence",
    "work permit",
]
JUNK = [
    "", "   ", "😀", "🚗 đăng ký xe 🚗", "' OR 1=1; --", "'; DROP TABLE procedures; --", ".*", "(((",
    "[a-z]+$", "\\d{3}", "%_%", "a" * 300, "khai sinh " * 40, "Рождение", "出生登记", "đăng ký 出生",
    "xyzzy", "qwertyuiop", "<script>alert(1)</script>", "NULL", "a b c d e f g h i j k l m n o p",
    "1", "0.000000", "....", "dang-ky-khai-sinh", "KHAI SINH", "đ", "d", "th", "ng",
]


def queries(index_codes: Sequence[str]) -> list[str]:
    """200 queries, always the same: the lists above plus unaccented and partial forms and codes."""
    chosen: list[str] = []
    chosen += ACCENTED  # 60
    chosen += [fold(q) for q in ACCENTED[:40]]  # 40 unaccented
    chosen += [fold(q)[: max(3, len(q) - 3)] for q in ACCENTED[:25]]  # 25 partial (cut mid-word)
    chosen += [" ".join(reversed(fold(q).split())) for q in ACCENTED[:5]]  # 5 word order
    chosen += ENGLISH  # 20
    step = max(1, len(index_codes) // 10)
    codes = [index_codes[i] for i in range(0, len(index_codes), step)][:10]
    chosen += codes + [c[:6] for c in codes]  # 20 codes, full and partial
    chosen += JUNK  # 30
    assert len(chosen) == 200, len(chosen)
    return chosen


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall-clock ms, this thread's CPU ms)."""
    start, cpu = time.perf_counter(), time.thread_time()
    run()
    return (time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000


def citizen_questions() -> list[tuple[str, str]]:
    """The evaluation questions with the page language they are asked on."""
    import yaml

    found: list[tuple[str, str]] = []
    for path in QUESTION_FILES:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            kind = item.get("kind", "en")
            found.append((item["q"], "en" if kind == "en" else "vi"))
    return found


def bench(label: str, procedures: list[Procedure], catalog: Catalog, rounds: int) -> None:
    gc.collect()
    started = time.perf_counter()
    SearchIndex(procedures, catalog)
    build_ms = (time.perf_counter() - started) * 1000  # timed apart: tracing slows allocation
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    index = SearchIndex(procedures, catalog)
    retained = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    qs = queries([p.code for p in procedures if p.information_only] or [p.code for p in procedures])
    filters = SearchFilters(level="commune")
    cold = [timed(lambda q=q: index.search(q)) for q in qs]
    warm: list[tuple[float, float]] = []
    for _ in range(rounds):
        warm += [timed(lambda q=q: index.search(q)) for q in qs]
    filtered = [timed(lambda q=q: index.search(q, filters=filters, sort="fee")) for q in qs]
    asked = citizen_questions()
    questions: list[tuple[float, float]] = []
    for _ in range(rounds):
        questions += [timed(lambda q=q, locale=locale: index.search(q, locale=locale)) for q, locale in asked]
    worst = max(zip(warm, qs * rounds, strict=True))
    worst_question = max(zip(questions, [q for q, _ in asked] * rounds, strict=True))
    print(f"\n{label}: {len(index)} entries, index built in {build_ms:.0f} ms")
    mib = 2**20
    print(f"  memory: index retained {retained / mib:.1f} MiB (tracemalloc), build peak {peak / mib:.1f} MiB")
    for name, samples in (("cold, 1 pass", cold), (f"warm, {rounds} passes", warm),
                          ("filtered level=commune, sort=fee", filtered),
                          (f"citizen questions, {rounds} passes", questions)):
        wall = [w for w, _ in samples]
        cpu = [c for _, c in samples]
        print(
            f"  {name:34} n={len(samples):5}  p50 {statistics.median(wall):.3f} ms  "
            f"p95 {percentile(wall, 0.95):.3f} ms  max {max(wall):.3f} ms  | CPU p50 "
            f"{statistics.median(cpu):.3f} p95 {percentile(cpu, 0.95):.3f} ms"
        )
    print(f"  slowest warm query: {worst[1][:40]!r} {worst[0][0]:.3f} ms")
    print(f"  slowest question: {worst_question[1][:40]!r} {worst_question[0][0]:.3f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    settings = get_settings()
    loaded = load_catalog(settings.catalog_dir)
    index_file = settings.shared_data_dir / "procedure_index.csv"
    rows, _ = read_index(index_file) if index_file.exists() else ([], [])
    if not rows:
        print(f"warning: {index_file} not found; (a) is the curated catalogue only", file=sys.stderr)
    real = Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows(rows, loaded.taxonomy))
    print(f"python {sys.version.split()[0]}; curated {len(loaded.procedures)}, national index {len(rows)}")
    # Latency is wall-clock time: other processes competing for the CPU inflate it.
    print(f"cpus {os.cpu_count()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    bench("(a) curated + national index", list(real.all()), real, args.rounds)

    extra = max(0, args.size - len(real))
    synthetic = list(generate(extra, loaded.taxonomy, seed=2025))
    large = Catalog(loaded.taxonomy, [*loaded.procedures, *synthetic], real.all()[len(loaded.procedures):])
    bench(f"(b) (a) + {extra} synthetic", list(large.all()), large, args.rounds)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess max RSS {rss:.0f} MiB (both catalogues and indexes loaded)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
