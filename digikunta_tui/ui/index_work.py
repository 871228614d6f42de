"""The app's search index work: built and refreshed in a thread worker, never on the UI thread.

The app opens the repository without preparing the index (``Repository.open(prepare=False)``)
and paints at once; :meth:`IndexWork.request_index` then builds it, or brings it up to date
after a sync (an erasure's scrubbing included), in a worker that reports its progress as
messages. Until the first build is done the lists show "indexing…" and the actions that need
the index say so (:meth:`IndexWork.lists_ready`); once it is, the views re-render.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import work

from digikunta_tui.i18n import t
from digikunta_tui.ui.collector import full_collections_held
from digikunta_tui.ui.messages import IndexFinished, WorkProgressed
from digikunta_tui.ui.status import Activity, shown_activity

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp

ProgressCallback = Callable[[int, int], None]
Action = TypeVar("Action", bound=Callable[..., Any])


def needs_index(action: Action) -> Action:
    """Decorate an action that reads lists: while the first index build runs it only says so.

    For methods of the app, of a screen or of a screen's mixin (anything with ``app``).
    """

    @functools.wraps(action)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not lists_ready(self.app):
            return None
        return action(self, *args, **kwargs)

    return guarded  # type: ignore[return-value]


def lists_ready(app: object) -> bool:
    """True when the index can be read; else (the app tells the user why) False."""
    check = getattr(app, "lists_ready", None)
    return bool(check()) if check is not None else True


class IndexWork:
    """App mixin: the index worker, and the progress of every kind of background work."""

    activity: Activity | None  # a reactive of the app (see DigikuntaApp.activity)
    repo: Repository
    _index_cancel: threading.Event
    _indexing: bool
    _index_again: bool
    _index_failed: bool
    _after_index: list[Callable[[], None]]
    _running_work: dict[str, Activity]

    def init_index_work(self) -> None:
        """Set up the state (called from the app's ``__init__``)."""
        self._index_cancel = threading.Event()
        """Set when the app quits: a running build or refresh stops early (it loses nothing)."""
        self._indexing = False
        self._index_again = False
        self._index_failed = False
        """The last job failed: only a sync, a resolution or a restart asks again (no loop)."""
        self._running_work = {}
        self._after_index = []

    # ------------------------------------------------------------------ progress
    def work_progress(self, work: str, kind: str) -> ProgressCallback:
        """A ``progress(done, total)`` for a worker thread: posts a message when the whole
        percent (or, total unknown, the count's order of magnitude) changes."""
        app = cast("DigikuntaApp", self)  # mixed into the app
        last: list[object] = [None]

        def progress(done: int, total: int) -> None:
            step = done * 100 // total if total > 0 else len(str(done))
            if step != last[0]:
                last[0] = step
                app.post_message(WorkProgressed(work, kind, done, total))

        return progress

    def on_work_progressed(self, message: WorkProgressed) -> None:
        """Show the progress (unless that work has ended meanwhile)."""
        if message.work in self._running_work:
            self.work_started(message.work, message.kind, message.done, message.total)

    def work_started(self, work: str, kind: str, done: int = 0, total: int = 0) -> None:
        """Show that ``work`` runs (or how far it is)."""
        self._running_work[work] = Activity(kind, done, total)
        self.activity = shown_activity(self._running_work)

    def work_ended(self, work: str) -> None:
        """``work`` has ended: show the next one, or nothing."""
        self._running_work.pop(work, None)
        self.activity = shown_activity(self._running_work)

    # ------------------------------------------------------------------ the index
    @property
    def index_percent(self) -> str:
        """How far the first build is, for messages ("42 %", or "…" when not known yet)."""
        running = self._running_work.get("index")
        percent = running.percent if running is not None else None
        return "…" if percent is None else f"{percent} %"

    def lists_ready(self) -> bool:
        """True when the index can be read; else tell the user it is being built (False)."""
        if self.repo.index_ready:
            return True
        app = cast("DigikuntaApp", self)  # mixed into the app
        app.notify(t("notify.index_not_ready", percent=self.index_percent), markup=False)
        return False

    def request_index(self) -> None:
        """Build or refresh the index in the worker, if it needs it (one job at a time: asked
        while one runs, it runs once more after it)."""
        if self._indexing:
            self._index_again = True
            return
        if self._index_cancel.is_set() or not self.repo.index_needs_work:
            return
        self._indexing = True
        self.work_started("index", "indexing")
        self.run_index()

    @work(thread=True, exit_on_error=False, group="index", description="Indexing")
    def run_index(self) -> None:
        """Build or refresh the index in a thread; report with messages (never widgets)."""
        app = cast("DigikuntaApp", self)  # mixed into the app
        try:
            with full_collections_held():
                changed = self.repo.prepare_index(
                    progress=self.work_progress("index", "indexing"), cancel=self._index_cancel
                )
        except BaseException as exc:  # shown, never a traceback: the data is safe regardless
            app.post_message(IndexFinished(0, f"{type(exc).__name__}: {exc}"))
        else:
            app.post_message(IndexFinished(changed))

    def on_index_finished(self, message: IndexFinished) -> None:
        """Re-render the views from the new index; run again if asked meanwhile."""
        app = cast("DigikuntaApp", self)  # mixed into the app
        self._indexing = False
        self.work_ended("index")
        if self._index_cancel.is_set() or app._without_screens():
            return  # quitting
        self._index_failed = bool(message.error)
        if message.error:
            app.notify(
                t("notify.index_failed", error=message.error), severity="error", markup=False
            )
        if self._index_again:
            self._index_again = False
            self.request_index()
        app.data_changed()
        if not self._indexing:  # no further job queued: what waited for this one may run
            waiting, self._after_index = self._after_index, []
            for callback in waiting:
                callback()

    def after_index(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` on the UI thread once the index jobs now asked for are done."""
        self._after_index.append(callback)

    def stop_index_work(self) -> None:
        """Quitting: a running build or refresh stops at its next batch (nothing is lost: the
        index stays as it was and the next start brings it up to date)."""
        self._index_cancel.set()
