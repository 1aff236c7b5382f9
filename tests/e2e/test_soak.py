"""A short soak (issue 14, item 10): steady load on the app under test, measured in consecutive windows.

Phones searching come and go (each cycle is a new tab, so tab states keep being made and forgotten) and
officers work the queue, for a few windows of 40 s after the ramp. Nothing may grow beyond a tolerance from the
first window to the last: event latency, the slowest answer an idle phone gets (stalls), or the server's
memory. The full hour is a benchmark: ``python bench/load_bench.py --serve sqlite --phones 200 --duration 600
--windows 6`` (docs/performance.md, "Phones at once").

No phone applies here: the suite's other tests count dossiers in the demo units' queues.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from bench.load_bench import capture_hashes, run_load
from tests.e2e.test_production import _socket_inodes

PHONES = 40
WINDOWS = 3
WINDOW_SECONDS = 40.0


def _listening_pid(port: int) -> int | None:
    """The process listening on ``port`` on this machine (the app the suite started), or None."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                    listening.add(int(fields[9]))
    holders = sorted(int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _socket_inodes(int(e.name)) & listening)
    return holders[0] if holders else None  # the oldest: the server, whose workers inherited the socket


@pytest.fixture(scope="module")
def soak(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], int | None]:
    """The soak's windows (run once for the module's tests), and the server's pid when it is on this machine."""
    found = sorted(Path(tmp_path_factory.getbasetemp()).glob("app-data*/citizen_app.db"))
    if not found:
        pytest.skip("needs the server this suite starts (officers' sessions are written to its database)")
    database_url = f"sqlite:///{found[-1]}"
    port = int(base_url.rsplit(":", 1)[1])
    server = _listening_pid(port)

    def run() -> list[dict[str, Any]]:
        hashes = capture_hashes(base_url)
        return asyncio.run(
            run_load(
                base_url, database_url, PHONES, WINDOW_SECONDS, 2.0, hashes, server, 0,
                windows=WINDOWS, applying=0.0, officers=0.05,
            )
        )

    # Its own thread: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(run).result(), server


def _summary(windows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("events", "event_p95_ms", "hydration_p95_ms", "watcher_max_ms", "server_rss_mb", "errors")
    return [{k: w[k] for k in keys} for w in windows]


def test_a_short_soak_has_no_errors_and_memory_stays_flat(soak: tuple[list[dict[str, Any]], int | None]) -> None:
    windows, server = soak
    first, last = windows[0], windows[-1]
    summary = _summary(windows)
    print("soak windows:", summary)
    assert all(w["errors"] == 0 for w in windows), summary
    assert all(w["events"] > PHONES for w in windows), summary  # the load was really there
    if server is not None and first["server_rss_mb"]:
        # Memory: tab states come and go; the process must not keep every one it ever made.
        assert last["server_rss_mb"] <= first["server_rss_mb"] * 1.10 + 20, summary


def test_a_short_soak_shows_no_growth_in_latency_or_stalls(soak: tuple[list[dict[str, Any]], int | None]) -> None:
    windows, _server = soak
    first, last = windows[0], windows[-1]
    summary = _summary(windows)
    # The last window no worse than the first, within a tolerance for a shared machine.
    assert last["event_p95_ms"] <= first["event_p95_ms"] * 1.5 + 100, summary
    assert last["hydration_p95_ms"] <= first["hydration_p95_ms"] * 1.5 + 150, summary
    assert last["watcher_max_ms"] <= max(first["watcher_max_ms"] * 2, 500), summary
