"""The demo seed: idempotent, at every status, in the demo desks' scopes, never for the sandbox's accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from citizen_app.commands.demo import DEMO_ISSUER, seed
from citizen_app.core.dashboard import DashboardScope, compute_dashboard
from citizen_app.core.dossiers.staff_queue import QueueFilters, staff_queue
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.dossiers import Dossier, DossierEvent
from citizen_app.db.models.identity import User
from tests.unit.dossiers.helpers import Staff

NOW = datetime(2026, 11, 16, 3, 0, tzinfo=UTC)


def test_seed_once_everywhere_it_should(engine: Engine) -> None:
    made = seed(NOW)
    assert 35 <= made <= 50
    assert seed(NOW) == 0  # idempotent
    with unit_of_work() as db:
        statuses = set(db.scalars(select(Dossier.status)))
        assert {"submitted", "received", "processing", "returned", "rejected", "result_ready"} <= statuses
        assert db.scalar(select(func.count()).select_from(Dossier).where(Dossier.code.is_(None))) == 0
        assert db.scalar(select(func.count()).select_from(DossierEvent)) >= made
        # Only invented applicants: no sandbox account starts with applications of its own.
        issuers = set(db.scalars(select(User.issuer).join(Dossier, Dossier.applicant_id == User.id)))
        assert issuers == {DEMO_ISSUER}
        from citizen_app.core.dossiers import Actor

        mai = Actor.staff(Staff(1, ("counter_officer",), "commune", "00004"))
        queue = staff_queue(db, mai, QueueFilters(status="all"), now=NOW, per_page=100)
        assert queue.total >= 10 and all(row.code.startswith("004.00.20.H01-") for row in queue.rows)
        hai = Actor.staff(Staff(2, ("counter_officer",), "province", "79"))
        assert staff_queue(db, hai, QueueFilters(status="all"), now=NOW).total >= 3
        board = compute_dashboard(db, DashboardScope("01"), start=NOW - timedelta(days=90), end=NOW, now=NOW)
        assert board.overall.received >= 25 and board.overall.resolved > 0 and board.overall.received_online > 0
