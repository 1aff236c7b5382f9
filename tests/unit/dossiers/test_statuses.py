"""The status table is the one source of a status's facts; the lifecycle and the indexes agree with it."""

from __future__ import annotations

import pytest

from citizen_app.core import statuses
from citizen_app.core.dossiers import TRANSITIONS, chain
from citizen_app.core.i18n import get_translator
from citizen_app.db.models.dossiers import Dossier


def test_every_status_the_lifecycle_names_is_in_the_table() -> None:
    named = {s for pair in TRANSITIONS for s in pair}
    assert named <= set(statuses.STATUS_TABLE)


def test_terminal_statuses_have_no_way_out_and_the_others_do() -> None:
    # The parts of a linked application leave "waiting" by the chain (core/dossiers/chain.py), not by a person.
    sources = {source for source, _target in TRANSITIONS} | set(chain.CHAIN_STEPS)
    for key, facts in statuses.STATUS_TABLE.items():
        assert (key in sources) != facts.terminal, key


def test_agency_owes_and_result_visible_never_overlap() -> None:
    # Once the result is the citizen's, the agency owes nothing more: it is not overdue.
    assert not statuses.AGENCY_OWES & statuses.RESULT_VISIBLE


def test_one_tone_per_status_wherever_it_is_drawn() -> None:
    assert statuses.tag_class("withdrawn") == "tag tag-neutral"
    assert statuses.tag_class("rejected") == "tag tag-error"
    assert statuses.tag_class("submitted") == "tag"
    assert statuses.tag_class("no-such-status") == "tag tag-neutral"


def test_every_label_is_translated_in_both_languages() -> None:
    for facts in statuses.STATUS_TABLE.values():
        vi = get_translator("vi").render(statuses.status_label(facts.key))
        en = get_translator("en").render(statuses.status_label(facts.key))
        assert vi and en and vi != en, facts.key


def test_partial_indexes_are_derived_from_the_table() -> None:
    wheres = {index.name: str(index.dialect_options["sqlite"]["where"]) for index in Dossier.__table__.indexes
              if index.dialect_options["sqlite"].get("where") is not None}
    assert any(statuses.status_in_sql(statuses.OPEN) == w for w in wheres.values())
    assert any(statuses.status_in_sql(statuses.AGENCY_OWES) == w for w in wheres.values())
    with pytest.raises(ValueError):
        statuses.status_in_sql(["submitted", "lost"])
