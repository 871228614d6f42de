"""SVG snapshots of every view on the demo data, in Finnish and English (frozen clock)."""

from __future__ import annotations

import pytest

VIEWS = ["1", "2", "3", "4", "5"]


@pytest.fixture(autouse=True)
def _stable_recent_changes(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo loads in a few milliseconds, so "newest first" depends on where the wall-clock
    millisecond boundaries fell; list the same recent records in a stable order instead."""
    recent = repo.recent_changes

    def stable(limit: int = 10) -> list:
        return sorted(recent(limit=100), key=lambda row: (row.kind, row.title, row.id))[:limit]

    monkeypatch.setattr(repo, "recent_changes", stable)


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("key", VIEWS)
def test_view_snapshot(snap_compare, make_app, language: str, key: str) -> None:
    async def show_view(pilot) -> None:
        await pilot.press(key)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(language=language), terminal_size=(100, 30), run_before=show_view)


def test_help_snapshot(snap_compare, make_app) -> None:
    assert snap_compare(make_app(language="fi"), terminal_size=(100, 30), press=["question_mark"])


@pytest.mark.parametrize("key", ["1", "2"])
def test_view_snapshot_at_80x24_in_finnish(snap_compare, make_app, key: str) -> None:
    """The smallest usual terminal: the view bar on one line, the footer's help and quit."""

    async def show_view(pilot) -> None:
        await pilot.press(key)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(language="fi"), terminal_size=(80, 24), run_before=show_view)
