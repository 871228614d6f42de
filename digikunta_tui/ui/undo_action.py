"""The app's "undo last change" action: the repository undoes, the app re-renders and tells."""

from __future__ import annotations

from typing import TYPE_CHECKING

from digikunta_tui.errors import UserError
from digikunta_tui.i18n import t

if TYPE_CHECKING:
    from digikunta_tui.ui.app import DigikuntaApp


def undo_last_change(app: DigikuntaApp) -> None:
    """Take back the newest unsynced edit and say what was undone (or why not)."""
    from digikunta_tui.domain.repository import ValidationFailed
    from digikunta_tui.ui.screens.base import ViewScreen

    try:
        done = app.repo.undo_last()
    except UserError as exc:
        app.notify(str(exc), severity="warning", markup=False)
        return
    except ValidationFailed as exc:
        error = "; ".join(exc.errors.values())
        app.notify(t("undo.failed", error=error), severity="error", markup=False)
        return
    if done is None:
        app.notify(t("undo.nothing"), markup=False)
        return
    app.data_version += 1
    app.update_status()
    if isinstance(app.screen, ViewScreen):
        app.screen.update_view()
    app.notify(done, markup=False)
