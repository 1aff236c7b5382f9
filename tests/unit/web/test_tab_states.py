"""Idle tab states on disk are swept once a minute, not on every write batch (web/tab_states.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from citizen_app.web import tab_states
from citizen_app.web.tab_states import sweep_expired_files, sweep_tab_states_on_a_schedule


def _state_file(directory: Path, name: str, age_seconds: float) -> Path:
    path = directory / name
    path.write_bytes(b"state")
    written = time.time() - age_seconds
    os.utime(path, (written, written))
    return path


def test_only_state_files_past_their_expiry_are_deleted(tmp_path: Path) -> None:
    expired = _state_file(tmp_path, "a.pkl", age_seconds=31 * 60)
    fresh = _state_file(tmp_path, "b.pkl", age_seconds=29 * 60)
    other = _state_file(tmp_path, "notes.txt", age_seconds=99 * 60)
    assert sweep_expired_files(tmp_path, 30 * 60, time.time()) == 1
    assert not expired.exists() and fresh.exists() and other.exists()


def test_a_missing_directory_is_nothing_to_sweep(tmp_path: Path) -> None:
    assert sweep_expired_files(tmp_path / "none", 60, time.time()) == 0


def test_the_manager_sweeps_at_most_once_per_interval(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reflex.istate.manager.disk import StateManagerDisk

    monkeypatch.setattr(StateManagerDisk, "_purge_expired_states", StateManagerDisk._purge_expired_states)
    sweep_tab_states_on_a_schedule(every_seconds=60)
    manager = SimpleNamespace(states_directory=tmp_path, token_expiration=60)
    clock = [1000.0]
    monkeypatch.setattr(tab_states.time, "monotonic", lambda: clock[0])

    _state_file(tmp_path, "old.pkl", age_seconds=120)
    StateManagerDisk._purge_expired_states(manager)  # the first batch sweeps
    assert not (tmp_path / "old.pkl").exists()

    _state_file(tmp_path, "old2.pkl", age_seconds=120)
    clock[0] += 59
    StateManagerDisk._purge_expired_states(manager)  # within the minute: nothing walked
    assert (tmp_path / "old2.pkl").exists()

    clock[0] += 2
    StateManagerDisk._purge_expired_states(manager)  # a minute on: swept
    assert not (tmp_path / "old2.pkl").exists()
