"""Idle tab states on disk (one worker, no Redis: ``make run``'s profile) are swept on a schedule, cheaply.

Reflex's disk state manager writes every tab's state to one file per substate, and after each write batch
(every 2 s) it lists the whole states directory and stats every file to find those past their expiry. The
directory grows with every tab opened in the last ``STATE_IDLE_MINUTES`` (30), and the sweep runs in a thread
that holds the GIL for its Python path handling: sampled with py-spy during the soak (docs/performance.md, "Tab
states and the soak"), it took 39 % of the server's samples in the first window and 59 % in the third, and the
event latency grew with it. Expiry is counted in minutes, so a sweep a minute is on time; each sweep walks the
directory with ``os.scandir`` instead of building a ``Path`` per file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

SWEEP_EVERY_SECONDS = 60.0


def sweep_expired_files(directory: Path, max_age_seconds: float, now: float) -> int:
    """Delete the ``.pkl`` files in ``directory`` last written more than ``max_age_seconds`` before ``now``."""
    removed = 0
    cutoff = now - max_age_seconds
    try:
        entries = os.scandir(directory)
    except FileNotFoundError:
        return 0
    with entries:
        for entry in entries:
            if not entry.name.endswith(".pkl"):
                continue
            try:
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:  # swept or rewritten meanwhile by another worker
                continue
    return removed


def _scheduled_sweep(manager: Any, every_seconds: float) -> None:
    """What replaces the manager's per-batch sweep: at most one sweep per ``every_seconds``."""
    clock = time.monotonic()
    last = getattr(manager, "_last_sweep", None)
    if last is not None and clock - last < every_seconds:
        return
    manager._last_sweep = clock
    sweep_expired_files(Path(manager.states_directory), manager.token_expiration, time.time())


def sweep_tab_states_on_a_schedule(every_seconds: float = SWEEP_EVERY_SECONDS) -> None:
    """Install the scheduled sweep on Reflex's disk state manager (pinned: reflex 0.10.1)."""
    from reflex.istate.manager.disk import StateManagerDisk

    def purge_expired_states(self: Any) -> None:
        _scheduled_sweep(self, every_seconds)

    StateManagerDisk._purge_expired_states = purge_expired_states  # type: ignore[method-assign]
