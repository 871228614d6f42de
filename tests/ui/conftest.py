"""Fixtures for the app tests: a demo repository, a frozen clock, no cursor blink."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from notices import keep_notices
from textual.widgets import Input

from digikunta_tui import i18n
from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.app import DigikuntaApp

FROZEN_NOW = datetime(2017, 12, 1, 8, 0, tzinfo=UTC)
"""Before the demo's second webinar (12.12.2017), so the dashboard has a "next webinar"."""


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stable snapshots: the input cursor does not blink."""
    monkeypatch.setattr(Input, "cursor_blink", False)
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def _notices_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app keeps the notices it shows, for ``notices.notices_of``."""
    keep_notices(monkeypatch)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    """A repository holding the demo data."""
    repository = Repository.open(tmp_path / "data", replica_name="test")
    repository.load_demo()
    yield repository
    repository.close()


@pytest.fixture
def make_app(repo: Repository) -> Callable[..., DigikuntaApp]:
    """Build the app on the demo repository with the frozen clock."""

    def make(**kwargs: Any) -> DigikuntaApp:
        kwargs.setdefault("remote", None)
        kwargs.setdefault("language", "en")
        kwargs.setdefault("clock", lambda: FROZEN_NOW)
        return DigikuntaApp(repo, **kwargs)

    return make


@pytest.fixture
def screen_text() -> Callable[[DigikuntaApp], str]:
    """Return a function giving everything visible on the app's screen as plain text."""

    def text(app: DigikuntaApp) -> str:
        return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

    return text
