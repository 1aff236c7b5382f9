"""Concurrent submissions to one agency on one day: every code unique, numbered 0001..N without gaps.

Runs on both backends (the ``engine`` fixture). Each thread has its own session
and connection, as separate web workers would.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from citizen_app.core import dossiers
from citizen_app.core.dossiers import Actor
from citizen_app.db.models.dossiers import Dossier, DossierCodeSequence
from tests.unit.dossiers.forms_fixtures import communes, profile
from tests.unit.dossiers.helpers import NAMES, NOW, draft_with_file, make_user, terms

SUBMITTERS = 24


def _prepare(engine: Engine, count: int) -> list[tuple[int, Actor]]:
    drafts = []
    with Session(engine) as db:
        for _ in range(count):
            citizen = Actor.citizen(make_user(db))
            drafts.append((draft_with_file(db, citizen), citizen))
        db.commit()
    return drafts


def _submit_all(
    engine: Engine, drafts: list[tuple[int, Actor]], keys: list[str]
) -> list[tuple[int, str, bool]]:
    barrier = threading.Barrier(len(drafts))

    def one(index: int) -> tuple[int, str, bool]:
        draft_id, citizen = drafts[index]
        barrier.wait()
        with Session(engine, expire_on_commit=False) as db, db.begin():
            result = dossiers.submit(
                db,
                draft_id,
                citizen,
                submission_key=keys[index],
                terms=terms(),
                profile=profile(),
                now=NOW,
                communes=communes,
                names=NAMES,
            )
            return result.dossier.id, str(result.dossier.code), result.created

    with ThreadPoolExecutor(max_workers=len(drafts)) as pool:
        return list(pool.map(one, range(len(drafts))))


def test_concurrent_submissions_get_unique_sequential_codes(engine: Engine) -> None:
    drafts = _prepare(engine, SUBMITTERS)
    results = _submit_all(engine, drafts, [str(uuid.uuid4()) for _ in drafts])
    codes = sorted(code for _, code, _ in results)
    assert all(created for _, _, created in results)
    assert codes == [f"008.00.20.H01-261116-{n:04d}" for n in range(1, SUBMITTERS + 1)]
    with Session(engine) as db:
        assert db.scalar(select(DossierCodeSequence.last_value)) == SUBMITTERS
        assert db.scalar(select(func.count(func.distinct(Dossier.code)))) == SUBMITTERS


def test_the_same_submission_sent_many_times_at_once_makes_one_dossier(engine: Engine) -> None:
    """Double taps and retries racing each other: same draft, same key, many connections."""
    ((draft_id, citizen),) = _prepare(engine, 1)
    key = str(uuid.uuid4())
    copies = 8
    results = _submit_all(engine, [(draft_id, citizen)] * copies, [key] * copies)
    assert {dossier_id for dossier_id, _, _ in results} == {draft_id}
    assert sum(created for _, _, created in results) == 1
    assert {code for _, code, _ in results} == {"008.00.20.H01-261116-0001"}
    with Session(engine) as db:
        assert db.scalar(select(DossierCodeSequence.last_value)) == 1
        assert db.scalar(select(func.count(Dossier.id)).where(Dossier.status != "draft")) == 1


def test_two_tabs_with_different_keys_make_one_dossier(engine: Engine) -> None:
    ((draft_id, citizen),) = _prepare(engine, 1)
    results = _submit_all(engine, [(draft_id, citizen)] * 4, [str(uuid.uuid4()) for _ in range(4)])
    assert sum(created for _, _, created in results) == 1
    assert len({code for _, code, _ in results}) == 1
