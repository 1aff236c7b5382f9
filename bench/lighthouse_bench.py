"""Lighthouse on our pages and, in the same run, on a blank Reflex app built and served the same way.

    python bench/lighthouse_bench.py [--runs 3] [--pages /vi/ /en/ ...] [--skip-blank] [--base-url URL]

Lighthouse comes from npm (bench/package.json) and drives Debian's chromium with
its default mobile settings (simulated slow 4G, 4× CPU slowdown). Each page is
measured ``--runs`` times and the median run is reported. Figures go in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from tests.e2e.server import app_environment, free_port, running_app, serving_prod  # noqa: E402

BENCH_DIR = PROJECT_ROOT / "bench"
LIGHTHOUSE = BENCH_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
DEFAULT_PAGES = ["/vi/", "/en/", "/vi/search?q=khai%20sinh", "/vi/services/1.001193", "/en/services/1.004222"]


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH_DIR, check=True
        )


def lighthouse(url: str, workdir: Path) -> dict[str, float]:
    report = workdir / "report.json"
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    finished = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--only-categories=performance",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{finished.stderr[-3000:]}")
    data = json.loads(report.read_text())
    audits = data["audits"]
    script_bytes = sum(
        item.get("transferSize", 0)
        for item in audits["network-requests"]["details"]["items"]
        if item.get("resourceType") == "Script"
    )
    return {
        "score": data["categories"]["performance"]["score"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "js_kb": script_bytes / 1024,
    }


def lighthouse_retrying(url: str, workdir: Path, attempts: int = 3) -> dict[str, float]:
    """On a loaded machine Chromium's trace sometimes misses the navigation (NO_NAVSTART): run it again."""
    for attempt in range(attempts):
        try:
            return lighthouse(url, workdir)
        except RuntimeError as failure:
            if attempt == attempts - 1 or "NO_NAVSTART" not in str(failure):
                raise
    raise AssertionError("unreachable")


def median_run(url: str, runs: int, workdir: Path) -> dict[str, float]:
    results = [lighthouse_retrying(url, workdir) for _ in range(runs)]
    results.sort(key=lambda result: result["score"])
    middle = results[len(results) // 2]
    middle["score_min"] = min(result["score"] for result in results)
    middle["score_max"] = max(result["score"] for result in results)
    middle["lcp_median_s"] = statistics.median(result["lcp_s"] for result in results)
    return middle


@contextmanager
def blank_reflex_app(workdir: Path) -> Iterator[str]:
    """``reflex init --template blank``, served with ``reflex run --env prod`` like ours."""
    app_dir = workdir / "blank"
    app_dir.mkdir()
    port = free_port()
    env = app_environment(workdir / "blank-data", port)
    subprocess.run(
        [sys.executable, "-m", "reflex", "init", "--template", "blank"],
        cwd=app_dir,
        env=env,
        check=True,
        capture_output=True,
    )
    with serving_prod(app_dir, env, port, workdir / "blank.log", ready_paths=("/",)) as base:
        yield base


def row(name: str, result: dict[str, float]) -> str:
    return (
        f"| {name} | {result['score']:.2f} ({result['score_min']:.2f}–{result['score_max']:.2f}) "
        f"| {result['lcp_s']:.2f} s | {result['fcp_s']:.2f} s | {result['tbt_ms']:.0f} ms "
        f"| {result['cls']:.3f} | {result['js_kb']:.0f} KB |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--skip-blank", action="store_true")
    parser.add_argument("--base-url", help="measure an app already served with `reflex run --env prod`")
    args = parser.parse_args()
    ensure_lighthouse()
    print("| page | performance (min–max) | LCP | FCP | TBT | CLS | JS transferred |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        workdir = Path(tmp)
        with (nullcontext(args.base_url) if args.base_url else running_app(workdir / "app-data")) as base:
            for page in args.pages:
                print(row(f"ours {page}", median_run(base + page, args.runs, workdir)), flush=True)
        if not args.skip_blank:
            with blank_reflex_app(workdir) as base:
                print(row("blank Reflex app /", median_run(base + "/", args.runs, workdir)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
