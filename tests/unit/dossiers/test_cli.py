"""``python -m citizen_app dossiers …``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from citizen_app.cli import main
from citizen_app.core.dossiers import Actor
from citizen_app.db.models.dossiers import Dossier
from tests.unit.dossiers.helpers import draft_with_file, make_user, stored_files


def test_purge_drafts_command(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    with Session(engine) as db:
        citizen = Actor.citizen(make_user(db))
        draft_id = draft_with_file(db, citizen)
        db.get(Dossier, draft_id).last_touched_at = datetime.now(UTC) - timedelta(days=45)
        db.commit()
        paths = stored_files(db.get(Dossier, draft_id).attachments)
    assert main(["dossiers", "purge-drafts", "--dry-run"]) == 0
    assert "1 drafts untouched for 30 days would be deleted" in capsys.readouterr().out
    assert main(["dossiers", "purge-drafts"]) == 0
    assert "deleted 1 drafts untouched for 30 days and 1 files" in capsys.readouterr().out
    assert not any(path.exists() for path in paths)
    with Session(engine) as db:
        assert db.scalars(select(Dossier)).all() == []


def test_holidays_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dossiers", "holidays", "2025"]) == 0
    out = capsys.readouterr().out
    assert "Sat 26/04/2025  working  make-up Saturday" in out
    # A year nobody curated is computed (and says so) rather than refused.
    assert main(["dossiers", "holidays", "2031"]) == 0
    out = capsys.readouterr().out
    assert "2031 (computed)" in out and "no curated file" in out
    assert "Tết" in out
