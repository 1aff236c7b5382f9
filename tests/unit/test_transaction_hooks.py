"""Session listeners are registered by an explicit install(), not by importing a module; forgetting it is loud."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from citizen_app.core import attachment_store, notifications, transaction_hooks
from citizen_app.core.attachment_store import HooksNotInstalled
from citizen_app.core.storage import get_storage

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def without_hooks() -> Iterator[None]:
    transaction_hooks.uninstall()
    try:
        yield
    finally:
        transaction_hooks.install()


def test_importing_the_core_registers_nothing() -> None:
    code = (
        "from citizen_app.core import attachments, dossiers, notifications, transaction_hooks\n"
        "assert not transaction_hooks.installed()\n"
        "transaction_hooks.install(); transaction_hooks.install()\n"
        "from sqlalchemy.orm import Session\n"
        "assert transaction_hooks.installed()\n"
        "listeners = Session().dispatch\n"
        "print(len(listeners.after_commit), len(listeners.before_commit))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    # after_commit: the attachment files and the emails; before_commit: the emails. Once each, installed twice.
    assert result.stdout.split() == ["2", "1"]


def test_the_fixtures_installed_them_as_the_app_does() -> None:
    assert transaction_hooks.installed()


def test_queueing_files_without_the_hooks_raises(without_hooks: None, engine: Engine, tmp_path: Path) -> None:
    assert not attachment_store.installed() and not notifications.installed()
    with Session(engine) as db:
        with pytest.raises(HooksNotInstalled, match=r"transaction_hooks.install\(\)"):
            attachment_store.delete_on_commit(db, ["xx/x"])
        with pytest.raises(HooksNotInstalled):
            attachment_store.remember_written(db, ["xx/x"])


def test_installed_hooks_delete_files_on_commit_only(engine: Engine) -> None:
    storage = get_storage()
    kept, deleted = "ke/kept", "de/deleted"
    storage.put(kept, b"1")
    storage.put(deleted, b"2")
    with Session(engine) as db:
        with pytest.raises(RuntimeError), db.begin():
            attachment_store.delete_on_commit(db, [kept])
            raise RuntimeError("the transaction fails: the file stays")
        with db.begin():
            attachment_store.delete_on_commit(db, [deleted])
    assert storage.exists(kept) and not storage.exists(deleted)
