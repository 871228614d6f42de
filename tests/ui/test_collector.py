"""Full garbage collections are held back while long work runs (they stall the event loop)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from digikunta_tui.ui.collector import full_collections_held


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection that finishes while the test runs."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop":
            seen.append(info["generation"])

    saved = gc.get_threshold()
    gc.enable()
    gc.set_threshold(100, 2, 2)  # a full collection after every few young ones
    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*saved)


def _grow_heap() -> list[list[Any]]:
    """What a pull does: many new objects that live on (a full collection runs when those
    that survived young collections reach a quarter of the heap), with some cyclic garbage."""
    kept: list[list[Any]] = []
    for n in range(len(gc.get_objects()) + 50_000):
        kept.append([n])
        cycle: list[Any] = []
        cycle.append(cycle)
    return kept


def test_inside_no_full_collection_runs_but_young_ones_do(collections: list[int]) -> None:
    _grow_heap()
    assert 2 in collections  # the thresholds above do set off full collections
    collections.clear()
    with full_collections_held():
        _grow_heap()
    assert collections and 2 not in collections
    assert gc.get_threshold() == (100, 2, 2)
    collections.clear()
    _grow_heap()
    assert 2 in collections  # back on afterwards


def test_overlapping_work_in_two_threads_holds_them_until_the_last_ends(
    collections: list[int],
) -> None:
    first_in, second_in, first_may_leave = threading.Event(), threading.Event(), threading.Event()
    during_second: list[tuple[int, int, int]] = []

    def first() -> None:
        with full_collections_held():
            first_in.set()
            first_may_leave.wait(10)

    def second() -> None:
        first_in.wait(10)
        with full_collections_held():
            second_in.set()
        during_second.append(gc.get_threshold())  # the first still runs: still held
        first_may_leave.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert second_in.is_set()
    assert during_second[0][2] > 1_000_000
    assert gc.get_threshold() == (100, 2, 2)


def test_an_exception_inside_still_puts_the_thresholds_back(collections: list[int]) -> None:
    with pytest.raises(RuntimeError), full_collections_held():
        raise RuntimeError("work failed")
    assert gc.get_threshold() == (100, 2, 2)


async def test_the_app_freezes_its_long_lived_objects_after_the_first_frame_and_thaws_them(
    make_app,
) -> None:
    gc.unfreeze()
    app = make_app(language="en")
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the app's modules, classes and first screen
        assert not any(obj is app for obj in gc.get_objects())  # out of the collector's sight
    assert gc.get_freeze_count() == 0  # handed back when the app ended
