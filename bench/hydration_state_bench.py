"""How much state a page receives over the websocket when it loads (hydration and its on_load events).

    python bench/hydration_state_bench.py [--base-url http://127.0.0.1:PORT] [--pages /vi/search?q=... ...]

Without ``--base-url`` it builds and serves the production app (as the e2e tests do). Each page
is opened in a fresh phone-sized Chromium tab; every websocket frame the server sends until the
page has been quiet for a second is counted (Socket.IO frames, uncompressed). Figures go in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import WebSocket, sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from tests.e2e.server import running_app  # noqa: E402

DEFAULT_PAGES = ["/vi/search?q=khai%20sinh", "/en/search?q=birth", "/vi/services/1.000294", "/en/services/1.000294"]


def received_bytes(base_url: str, page_path: str, quiet_s: float = 1.0, timeout_s: float = 30.0) -> tuple[int, int]:
    """(bytes, frames) sent by the server to a fresh tab opening ``page_path``."""
    frames: list[tuple[float, int]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(viewport={"width": 360, "height": 800})
        page = context.new_page()

        def watch(socket: WebSocket) -> None:
            socket.on(
                "framereceived",
                lambda payload: frames.append((time.monotonic(), len(payload.encode() if isinstance(payload, str) else payload))),
            )

        page.on("websocket", watch)
        page.goto(base_url + page_path, wait_until="load")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            page.wait_for_timeout(200)
            if frames and time.monotonic() - frames[-1][0] > quiet_s:
                break
        browser.close()
    return sum(size for _, size in frames), len(frames)


@contextmanager
def app(base_url: str | None) -> Iterator[str]:
    if base_url:
        yield base_url
        return
    with tempfile.TemporaryDirectory(prefix="hydration-") as tmp, running_app(Path(tmp) / "app-data") as base:
        yield base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url")
    parser.add_argument("--pages", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| page | state received at load (median) | frames |")
    print("|---|---|---|")
    with app(args.base_url) as base:
        for page_path in args.pages:
            results = sorted(received_bytes(base, page_path) for _ in range(args.runs))
            size, count = results[len(results) // 2]
            print(f"| {page_path} | {size / 1024:.1f} KB | {count} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
