"""The start-up heap is frozen out of the collector's sweeps (web/heap.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from citizen_app.web.heap import freeze_start_up_heap, warm_up_then_freeze


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_what_start_up_built_is_frozen_and_a_full_collection_no_longer_walks_it(unfrozen: None) -> None:
    built = [{"entry": str(n)} for n in range(50_000)]  # like the catalogue: many small long-lived objects
    frozen = freeze_start_up_heap()
    assert frozen >= len(built)
    assert gc.get_freeze_count() == frozen
    # A frozen object is outside every generation the collector walks.
    tracked = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
    assert id(built[0]) not in tracked and id(built[-1]) not in tracked


def test_the_warm_up_builds_everything_first_then_freezes(unfrozen: None) -> None:
    order: list[str] = []
    warm_up_then_freeze(lambda: order.append("catalogue"), lambda: order.append("assistant"))
    assert order == ["catalogue", "assistant"]
    assert gc.get_freeze_count() > 0
