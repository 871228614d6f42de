"""The Digikunta Textual app: a small shell that owns the sync state; screens do the work."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, ScreenStackError
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from digikunta_tui.domain.stored import read_id
from digikunta_tui.i18n import SUPPORTED_LANGUAGES, get_language, set_language, t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.collector import freeze_long_lived, full_collections_held, thaw_long_lived
from digikunta_tui.ui.commands import ActionCommands, DigikuntaPalette, RecordCommands
from digikunta_tui.ui.index_work import IndexWork, needs_index
from digikunta_tui.ui.keys import TypeAheadKeys, typing_text
from digikunta_tui.ui.messages import DataChanged, SyncFailed, SyncFinished, UndoFinished
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.screens.dashboard import DashboardScreen
from digikunta_tui.ui.status import Activity, SyncStatus, read_status

if TYPE_CHECKING:
    from textual.theme import Theme

    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.dialogs.sync_setup import SyncSetup
    from digikunta_tui.ui.report_action import ReportWritten
    from sync import Remote

VIEW_OF_KIND = {
    "person": "members",
    "organization": "members",
    "consent": "members",
    "webinar": "webinars",
    "registration": "webinars",
    "newsletter": "webinars",
    "story": "stories",
    "indicator": "stories",
}
"""Which view shows a record of each kind."""


_NOT_IN_HELP = ("close-help", "palette")
"""Binding ids the help does not list (the palette has its own line)."""


def lazy_screen(module: str, name: str) -> Callable[[], ViewScreen]:
    """A MODES factory importing ``digikunta_tui.ui.screens.<module>`` on first use.

    Only the dashboard is imported with the app, so the first paint does not wait for the
    other views' modules (the stories view pulls in Markdown, for one).
    """

    def make() -> ViewScreen:
        screen_class: type[ViewScreen] = getattr(
            import_module(f"digikunta_tui.ui.screens.{module}"), name
        )
        return screen_class()

    return make


class DigikuntaApp(TypeAheadKeys, IndexWork, App[None]):
    """Members, webinars and experiment stories of the Digikokeileva kunta network."""

    TITLE = "Digikunta"
    MODES: ClassVar[dict[str, Any]] = {
        "dashboard": DashboardScreen,
        "members": lazy_screen("members", "MembersScreen"),
        "webinars": lazy_screen("webinars", "WebinarsScreen"),
        "stories": lazy_screen("stories", "StoriesScreen"),
        "sync": lazy_screen("sync_view", "SyncScreen"),
    }
    DEFAULT_MODE = "dashboard"
    # Our providers only: Textual's system commands ("Keys", "Screenshot" …) are English only,
    # and ours cover theme, help and quit in the UI's language.
    COMMANDS: ClassVar[set[Any]] = {ActionCommands, RecordCommands}
    BINDINGS: ClassVar[list[Any]] = [
        # Priority: the app switches views as the key arrives, before the keys typed after it are
        # read (they then reach the new view); off while text is typed (see check_action).
        bind("1", "view('dashboard')", "view-dashboard", show=False, priority=True),
        bind("2", "view('members')", "view-members", show=False, priority=True),
        bind("3", "view('webinars')", "view-webinars", show=False, priority=True),
        bind("4", "view('stories')", "view-stories", show=False, priority=True),
        bind("5", "view('sync')", "view-sync", show=False, priority=True),
        bind("s", "sync_now", "sync-now"),
        bind("c", "copy_contact", "copy-contact"),
        bind("u", "undo", "undo", show=False),
        bind("f2", "switch_language", "switch-language"),
        bind("question_mark", "show_help", "help", key_display="?"),
        bind("q", "quit", "quit"),
        # Declared here, so Textual does not add its own (described in English only).
        bind("ctrl+p", "command_palette", "palette", show=False, priority=True),
    ]

    sync_status: reactive[SyncStatus] = reactive(SyncStatus, always_update=True)
    """What the sync indicator shows (every view watches it)."""
    activity: reactive[Activity | None] = reactive(None, always_update=True)
    """The long work the status area shows with a progress bar (None: none runs)."""

    def __init__(
        self,
        repo: Repository,
        *,
        remote: Remote | None,
        language: str,
        keymap: dict[str, str] | None = None,
        theme: str | None = None,
        auto_sync_minutes: float | None = None,
        on_theme_change: Callable[[str], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        export_folder: Path | None = None,
        sync_setup: SyncSetup | None = None,
    ) -> None:
        """Args:
        repo: the Repository to show, opened with ``prepare=False`` or not: the app builds or
            refreshes its search index in a worker (see :mod:`digikunta_tui.ui.index_work`).
        remote: where to sync (None: sync is not configured).
        language: ``"fi"`` or ``"en"``.
        keymap: binding id → keys, e.g. ``{"sync-now": "ctrl+y"}``.
        theme: a Textual theme name.
        auto_sync_minutes: sync every N minutes (None or 0: only on request).
        on_theme_change: called with the theme name whenever the user picks a theme.
        clock: returns "now" (tests freeze it).
        export_folder: where the export prompts start (None: the platform's documents folder).
        sync_setup: where the sync set-up dialog writes the shared path or URL and the
            replica name, and how it makes a remote of them (None: the dialog only explains).
        """
        set_language(language)
        super().__init__()
        self.repo = repo
        """The Repository shown."""
        self.remote = remote
        """Where to sync, or None."""
        self.data_version = 0
        """Bumped whenever the data may have changed (after a sync); views catch up on resume."""
        self._keymap_wanted = keymap or {}
        self._theme_wanted = theme
        self._auto_sync_minutes = auto_sync_minutes
        self._on_theme_change = on_theme_change
        self._clock = clock or (lambda: datetime.now(UTC))
        self._failure = ""
        self._failure_message = ""
        self._failure_error: BaseException | None = None
        """The last sync's error from the library: said again in the language of the moment."""
        self._syncing = False
        self._quiet_sync = False
        self._quitting = False
        self._cancel: threading.Event | None = None
        """The cancel flag of the running sync: a new one for every sync."""
        self.export_folder = export_folder
        """Where the export prompts start (see :mod:`digikunta_tui.ui.export`)."""
        self.sync_setup = sync_setup
        """The sync set-up dialog's settings file and remote maker (None: not available)."""
        self._asked_to_sync = False
        self.init_index_work()

    @property
    def keymap_wanted(self) -> dict[str, str]:
        """The keys remapped by the config (binding id → keys), for labels naming a key."""
        return dict(self._keymap_wanted)

    def now(self) -> datetime:
        """The current time (from the injected clock)."""
        return self._clock()

    def on_load(self) -> None:
        """Read the sync state before the views are composed.

        The indicator then shows the real state in its first render; setting it after the
        mount instead (watchers firing) would cost a restyle and a relayout before the first
        frame.
        """
        self.set_reactive(DigikuntaApp.sync_status, self._read_status())

    def on_mount(self) -> None:
        """Keys, theme and the auto-sync timer (the sync state is read in :meth:`on_load`)."""
        if self._keymap_wanted:
            self.set_keymap(self._keymap_wanted)
        if self._theme_wanted and self._theme_wanted in self.available_themes:
            self.theme = self._theme_wanted
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self._auto_sync_minutes and self._auto_sync_minutes > 0 and self.remote is not None:
            self.set_interval(self._auto_sync_minutes * 60, self.auto_sync)
        # After the first frame: the worker does not compete with the first paint.
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        """Ready the status area's progress bar, then start the index work it will show."""
        from textual.widget import MountError

        from digikunta_tui.ui.widgets.work_progress import WorkProgress

        if self._exit:
            return  # quit before the first frame was out
        with suppress(ScreenStackError, MountError):  # closing meanwhile: nothing to show
            for widget in self.screen.query(WorkProgress):
                await widget.add_bar()
        freeze_long_lived()  # full collections stop walking the app itself (see collector)
        self.request_index()

    def on_unmount(self) -> None:
        """However the app ends, a running index build stops early (see ``stop_index_work``)."""
        self.stop_index_work()
        thaw_long_lived()

    def _theme_changed(self, theme: Theme) -> None:
        if self._on_theme_change is not None:
            self._on_theme_change(theme.name)

    def update_status(self) -> None:
        """Recompute the sync indicator from the replica."""
        self.sync_status = self._read_status()

    def on_data_changed(self, message: DataChanged) -> None:
        """A :class:`~digikunta_tui.ui.messages.DataChanged` arrived: see :meth:`data_changed`."""
        self.data_changed(message.kind, message.record_id)

    def data_changed(self, kind: str | None = None, record_id: str | None = None) -> None:
        """The one place that follows a change (at once; others post ``DataChanged``): the
        data version, the sync indicator, the index worker when the index is behind, and the
        visible view (with the written record selected)."""
        self.data_version += 1
        if self._without_screens():
            return  # closing: nothing to show any more
        self.update_status()
        if not self._index_failed and self.repo.index_needs_work:
            # A write left a big pending change (a sync just landed) to the index worker: the
            # written record is selected once the worker has indexed it.
            if kind and record_id:
                self.after_index(lambda: self._select_written(kind, record_id))
            self.request_index()
        screen = self.screen
        if isinstance(screen, ViewScreen):
            screen.update_view()
            if kind and record_id:
                self._select_written(kind, record_id)

    def _select_written(self, kind: str, record_id: str) -> None:
        from digikunta_tui.ui.forms.flows import select_record

        if not self._without_screens() and isinstance(self.screen, ViewScreen):
            select_record(self.screen, kind, record_id)

    def _read_status(self) -> SyncStatus:
        return read_status(
            self.repo,  # type: ignore[arg-type]  # pending(), conflicts(), last_sync
            syncing=self._syncing,
            failure=self._failure,
            message=self._failure_text(),
            finishing=self._quitting,
            has_remote=self.remote is not None,
        )

    # ------------------------------------------------------------------ keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The view keys are off while text is typed or a dialog is open (they are text there)."""
        if action == "view":
            return not typing_text(self)
        return True

    # ------------------------------------------------------------------ actions
    async def action_view(self, view: str) -> None:
        """Show a view."""
        await self.switch_mode(view)

    def action_sync_now(self) -> None:
        """Start a sync in the background (one at a time; none once quitting)."""
        if self.remote is None:
            if self.sync_setup is not None and not self._quitting:
                self.action_sync_setup()  # not set up yet: the set-up dialog says how
                return
            self.notify(t("notify.no_remote"), severity="warning", markup=False)
            return
        if self._syncing or self._quitting:
            return  # the running sync reports when it ends
        self._syncing = True
        self._cancel = threading.Event()
        self.work_started("sync", "reading")
        self.update_status()
        self.run_sync(self._cancel)

    def action_sync_setup(self) -> None:
        """The sync set-up dialog: the shared file or URL and this laptop's name."""
        from digikunta_tui.ui.dialogs.sync_setup import open_sync_setup

        open_sync_setup(self)

    def auto_sync(self) -> None:
        """The timer's sync: skipped while one runs, and quiet when nothing changed."""
        if self._syncing or self._quitting:
            return
        self._quiet_sync = True
        self.action_sync_now()

    async def action_quit(self) -> None:
        """Quit (``q``, ``ctrl+q``, ``ctrl+c``, the palette); a running sync is cancelled first.

        A cancelled sync commits nothing, so nothing is lost: local changes stay pending. The
        app shows "finishing the sync…" and exits as soon as the sync worker has ended. A
        running index build or refresh stops at its next batch (the index stays as it was).
        """
        if not self._syncing and self._ask_to_sync_first():
            return
        self.stop_index_work()
        if not self._syncing:
            self.exit()
            return
        if not self._quitting:
            self._quitting = True
            if self._cancel is not None:
                self._cancel.set()
            cancel = getattr(self.remote, "cancel", None)
            if callable(cancel):
                # Cuts a network read short (thread-safe); a remote that fails to cancel still
                # stops at the sync's next step boundary.
                with suppress(Exception):
                    cancel()
            self.update_status()
        self.notify(t("notify.finishing_sync"), markup=False)

    def _ask_to_sync_first(self) -> bool:
        """With changes pending and a remote: ask "sync before quitting?" (True: asked).

        Sync and quit: the app quits once the sync has stored the changes; if it fails the app
        stays open and says why (``q`` again quits without asking). Quit: at once, the changes
        stay pending on this laptop. Cancel (or ``Esc``): back to work.
        """
        if self.remote is None or self._quitting or self._asked_to_sync:
            return False
        if self.sync_status.pending <= 0 or self._without_screens():
            return False
        from digikunta_tui.ui.dialogs.confirm import ChoiceDialog

        self._asked_to_sync = True
        dialog = ChoiceDialog(
            t("setup.quit_title"),
            t("setup.quit_message", count=self.sync_status.pending),
            [
                ("sync", t("setup.quit_sync"), "primary"),
                ("quit", t("setup.quit_now"), "error"),
                ("cancel", t("forms.cancel"), "default"),
            ],
        )

        async def answered(answer: str | None) -> None:
            if answer == "sync":
                self.run_worker(self._sync_then_quit(), group="quit-sync")
                return
            if answer == "quit":
                await self.action_quit()
                return
            self._asked_to_sync = False  # asked again next time

        self.push_screen(dialog, answered)
        return True

    async def _sync_then_quit(self) -> None:
        """Sync; quit when the changes are stored, else stay (the failure is shown)."""
        self.action_sync_now()
        for worker in list(self.workers):
            if worker.group == "sync":
                with suppress(Exception):  # a failure is reported by its own message
                    await worker.wait()
        await asyncio.sleep(0)  # the sync's message is handled first
        if self.repo.pending() == 0:
            self.exit()

    # Textual declares the base action sync, but awaits an action that returns a coroutine.
    async def action_help_quit(self) -> None:  # type: ignore[override]
        """``ctrl+c`` (outside a text box, where it copies) quits like ``q``."""
        await self.action_quit()

    def action_switch_language(self) -> None:
        """Finnish ↔ English, re-rendering everything."""
        languages = SUPPORTED_LANGUAGES
        set_language(languages[(languages.index(get_language()) + 1) % len(languages)])
        self.refresh_bindings()
        self.update_status()
        if isinstance(self.screen, ViewScreen):
            self.screen.update_view()

    def action_show_help(self) -> None:
        """Open the key list."""
        from digikunta_tui.ui.screens.help import HelpScreen
        from digikunta_tui.ui.widgets.key_footer import describe

        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id and binding.id not in seen and binding.id not in _NOT_IN_HELP:
                seen.add(binding.id)
                keys.append((self.get_key_display(binding), describe(binding)))
        keys.append(("ctrl+p", t("help.palette")))
        self.push_screen(HelpScreen(keys))

    def action_command_palette(self) -> None:
        """Open the command palette (ours: in the UI's language, Enter acts on what is typed)."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]  # App is invariant; Textual asks App[object]
            self.push_screen(DigikuntaPalette(id="--command-palette"))

    def action_change_theme(self) -> None:
        """Pick a theme from a palette of themes (its search box in the UI's language)."""
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=t("palette.themes_placeholder"))
        )

    def action_undo(self) -> None:
        """Take back the last change that has not been synced yet (in a worker)."""
        if "undo" in self._running_work:
            return  # one at a time: the running one reports
        self.work_started("undo", "undoing")
        self.run_undo()

    @work(thread=True, exit_on_error=False, group="undo", description="Undoing")
    def run_undo(self) -> None:
        """Undo in a thread and post the outcome (never touch widgets here)."""
        from digikunta_tui.ui.undo_action import UndoOutcome, undo_in_worker

        try:
            outcome = undo_in_worker(self.repo)
        except Exception as exc:  # shown, never a traceback
            outcome = UndoOutcome(error_text(exc), "error")
        self.post_message(UndoFinished(outcome))

    def on_undo_finished(self, message: UndoFinished) -> None:
        """Say what was undone (or why not) and re-render."""
        self.work_ended("undo")
        if self._without_screens():
            return
        outcome = message.outcome
        if outcome.changed:
            self.data_changed()
        self.notify(outcome.text, severity=outcome.severity, markup=False)  # type: ignore[arg-type]

    def action_copy_contact(self) -> None:
        """Copy the selected record's email address or link."""
        screen = self.screen
        contact = screen.selected_contact() if isinstance(screen, ViewScreen) else None
        if not contact:
            self.notify(t("notify.nothing_to_copy"), severity="warning", markup=False)
            return
        self.copy_to_clipboard(contact)
        self.notify(t("notify.copied", text=contact), markup=False)

    @needs_index
    def action_export_members(self) -> None:
        """Ask where (the export folder filled in), then write the members spreadsheet."""
        from digikunta_tui.ui.export import export_members

        export_members(self)

    @needs_index
    def action_write_report(self) -> None:
        """Ask where (the export folder filled in), then write the network's impact report."""
        from digikunta_tui.ui.report_action import write_network_report

        write_network_report(self)

    def on_report_written(self, message: ReportWritten) -> None:
        """The report's notice: the file written, or why not."""
        from digikunta_tui.ui.report_action import report_written_notice

        report_written_notice(self, message)

    @needs_index
    def show_record(self, kind: str, record_id: str) -> None:
        """Switch to the view of ``kind`` and show the record there (palette jumps)."""
        if kind == "consent":
            person = read_id((self.repo.get("consent", record_id) or {}).get("person"))
            kind, record_id = "person", person if isinstance(person, str) else ""
        view = VIEW_OF_KIND.get(kind, "dashboard")

        async def go() -> None:
            await self.switch_mode(view)
            if isinstance(self.screen, ViewScreen):
                self.screen.show_record(kind, record_id)

        self.run_worker(go(), group="navigate", exclusive=True)

    # ------------------------------------------------------------------ sync
    @work(thread=True, exit_on_error=False, group="sync", description="Syncing")
    def run_sync(self, cancel: threading.Event) -> None:
        """Sync in a thread; report with a message (never touch widgets here).

        One at a time through ``_syncing`` (not ``exclusive``: the next sync, started as soon
        as this one has reported, would cancel this worker while it returns, and its
        cancellation would end "syncing…" of the new one).

        Every outcome posts a message, whatever goes wrong (a full disk, MemoryError, deep
        nesting, a buggy remote …), so the indicator never stays on "syncing…".
        """
        # (Not imported with the app: the first paint does not wait for the sync package. The
        # repository has loaded it by now, so this import cannot fail here.)
        from digikunta_tui.sync_messages import sync_error_text
        from sync import AuthError, DocumentError, RemoteOffline, SyncCancelled, SyncError

        def failed(kind: str, exc: SyncError) -> SyncFailed:
            return SyncFailed(kind, sync_error_text(exc), exc)

        try:
            if self.remote is None:
                raise RuntimeError(t("notify.no_remote"))
            with full_collections_held():
                report = self.repo.sync(self.remote, cancel=cancel, progress=self._sync_progress())
        except SyncCancelled as exc:
            self.post_message(failed("cancelled", exc))
        except RemoteOffline as exc:
            self.post_message(failed("offline", exc))
        except AuthError as exc:
            self.post_message(failed("auth", exc))
        except DocumentError as exc:
            self.post_message(failed("document", exc))
        except SyncError as exc:
            self.post_message(failed("error", exc))
        except OSError as exc:
            self.post_message(SyncFailed("error", str(exc)))
        except BaseException as exc:  # anything else (in a thread nobody else would see it)
            self.post_message(SyncFailed("error", error_text(exc)))
        else:
            self.post_message(SyncFinished(report))

    def _sync_progress(self) -> Callable[[str, int, int], None]:
        """The engine's ``progress(phase, done, total)``, posting the phase's progress."""
        by_phase: dict[str, Callable[[int, int], None]] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in by_phase:
                by_phase[phase] = self.work_progress("sync", phase)
            by_phase[phase](done, total)

        return progress

    def on_sync_finished(self, message: SyncFinished) -> None:
        """Refresh the index in the worker (the views follow when it is done) and report."""
        self._syncing, self._failure, self._failure_message = False, "", ""
        self._failure_error = None
        quiet, self._quiet_sync = self._quiet_sync, False
        self.work_ended("sync")
        self.update_status()
        if self._quitting or self._without_screens():
            return  # nothing to show any more
        if self._indexing or self.repo.index_needs_work:
            self.request_index()  # many records pulled: the views follow when it is indexed
        else:
            self.data_changed()
        report = message.report
        from digikunta_tui.sync_messages import sync_error_text

        for warning in report.warnings:  # e.g. a torn shared document that was rewritten
            text = sync_error_text(warning)
            self.notify(text, title=t("notify.sync_warning"), severity="warning", markup=False)
        if quiet and report.unchanged and not report.conflicts:
            return  # an automatic sync that found nothing new: no need to interrupt
        if report.unchanged:
            text = t("notify.sync_unchanged")
        else:
            text = t("notify.sync_done", pulled=report.pulled, pushed=report.pushed)
        if report.conflicts:
            text += " " + t("notify.sync_conflicts", count=len(report.conflicts))
        self.notify(text, markup=False)

    def on_sync_failed(self, message: SyncFailed) -> None:
        """Show why (local changes stay pending); a sync cancelled by quitting is silent."""
        self._syncing, self._quiet_sync = False, False
        self.work_ended("sync")
        if message.kind == "cancelled":
            self.update_status()
            return
        self._failure, self._failure_message = message.kind, message.message
        self._failure_error = message.error
        self.update_status()
        if self._quitting or self._without_screens():
            return
        if isinstance(self.screen, ViewScreen) and self.screen.VIEW == "sync":
            self.screen.update_view()
        self.notify(
            t(f"notify.sync_failed_{message.kind}") + "\n" + message.message,
            severity="error",
            markup=False,
            timeout=8,
        )

    def _failure_text(self) -> str:
        """Why the last sync failed, in the current language when the library's code is known."""
        if self._failure_error is None:
            return self._failure_message
        from digikunta_tui.sync_messages import sync_error_text

        return sync_error_text(self._failure_error)

    def _without_screens(self) -> bool:
        """True once the app has no screen any more (a sync that ends while it closes)."""
        try:
            self.screen  # noqa: B018
        except ScreenStackError:
            return True
        return False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The backstop: a sync worker that ended without its message still ends "syncing…".

        And once quitting, the app exits as soon as the sync worker has ended.
        """
        worker = event.worker
        if worker.group == "index" and worker.is_finished and self._indexing:
            if event.state != WorkerState.SUCCESS:  # ended without its message
                self._indexing = False
                self.work_ended("index")
            return
        if worker.group != "sync" or not worker.is_finished:
            return
        if self._syncing and event.state == WorkerState.ERROR:
            self.on_sync_failed(SyncFailed("error", error_text(worker.error)))
        elif self._syncing and event.state == WorkerState.CANCELLED:
            self._syncing = False
            self.work_ended("sync")
            self.update_status()
        if self._quitting:
            self.exit()


def error_text(error: BaseException | None) -> str:
    """An unexpected exception for people: its type and message ("MemoryError", "X: y")."""
    if error is None:
        return t("notify.sync_failed_error")
    text = str(error)
    name = type(error).__name__
    return f"{name}: {text}" if text else name
