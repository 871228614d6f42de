"""What an app told the user, for the tests: each notice ``App.notify`` was asked to show.

Textual keeps the notifications it shows in a private store (``App._notifications``); the
public seam is ``App.notify`` itself, which :func:`keep_notices` wraps for every app of a test
(an autouse fixture in ``conftest.py``). The notice is kept, then shown as before.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

import pytest
from textual.app import App


class Notice(NamedTuple):
    """One notice: its text and its severity ("information", "warning" or "error")."""

    message: str
    severity: str


_KEPT: WeakKeyDictionary[App[Any], list[Notice]] = WeakKeyDictionary()


def notices_of(app: App[Any]) -> list[Notice]:
    """Every notice ``app`` was asked to show so far, oldest first."""
    return list(_KEPT.get(app, ()))


def keep_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every app keep its notices for :func:`notices_of` (for the rest of the test)."""
    show = App.notify

    def notify(self: App[Any], message: str, **kwargs: Any) -> None:
        severity = kwargs.get("severity", "information")
        _KEPT.setdefault(self, []).append(Notice(message, severity))
        show(self, message, **kwargs)

    monkeypatch.setattr(App, "notify", notify)
