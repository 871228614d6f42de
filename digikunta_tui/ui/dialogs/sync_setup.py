"""Sync set-up: the shared file or URL and this laptop's name, saved to the user's config.

The settings are written into ``config.toml`` with a comment-preserving edit
(:mod:`digikunta_tui.config_edit`): the user's comments and other settings stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.dialogs.base import Dialog
from digikunta_tui.ui.text import literal

if TYPE_CHECKING:
    from digikunta_tui.ui.app import DigikuntaApp


@dataclass
class SyncSetup:
    """What the set-up dialog needs from the command that started the app."""

    config_file: Path
    """The config file the settings are written to (created when missing)."""
    make_remote: Callable[[str], Any]
    """Builds the remote of a path or URL (raises ConfigError/UserError with a message)."""
    remote: str = ""
    """The shared file or URL configured now ("" when none)."""
    replica_name: str = ""
    """This laptop's name as others see it."""


@dataclass
class SetupResult:
    """What the dialog saved."""

    remote: Any
    target: str
    replica_name: str
    renamed: bool


def target_problem(target: str) -> str | None:
    """Why a path or URL cannot be a shared file (empty, a folder, no such folder), or None."""
    from digikunta_tui.remotes import is_url

    if not target:
        return t("setup.remote_empty")
    if is_url(target):
        return None
    path = Path(target).expanduser()
    if not path.is_absolute():
        return t("setup.remote_relative")
    if path.is_dir():
        return t("setup.remote_is_folder", path=str(path))
    if not path.parent.is_dir():
        return t("setup.remote_no_folder", path=str(path.parent))
    return None


class SyncSetupDialog(Dialog[SetupResult]):
    """Two boxes and a save button; problems are shown in the dialog, nothing is half saved."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("ctrl+o", "save", "sync-setup-save")]

    def __init__(self, setup: SyncSetup) -> None:
        """Args: setup: the config file, the remote maker and the current values."""
        super().__init__()
        self.setup = setup

    def compose(self) -> ComposeResult:
        """Title, explanation, the two boxes, the problem line, buttons."""
        with Vertical(classes="dialog-box"):
            yield Label(t("setup.title"), classes="dialog-title", markup=False)
            yield Static(t("setup.explain"), classes="dialog-message", markup=False)
            yield Label(t("setup.remote_label"), markup=False)
            yield Input(
                value=self.setup.remote,
                placeholder=t("setup.remote_placeholder"),
                id="setup-remote",
            )
            yield Label(t("setup.name_label"), markup=False)
            yield Input(value=self.setup.replica_name, id="setup-name")
            yield Static(
                t("setup.written_to", path=str(self.setup.config_file)),
                classes="dialog-message",
                markup=False,
            )
            yield Static("", id="setup-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("exports.save"), variant="primary", id="setup-ok")
                yield Button(t("forms.cancel"), id="setup-cancel")

    def on_mount(self) -> None:
        """Focus the shared file box."""
        self.query_one("#setup-remote", Input).focus()

    def _error(self, text: str) -> None:
        self.query_one("#setup-error", Static).update(literal(text))

    def action_save(self) -> None:
        """Check both values, build the remote, write the config; answer with the result."""
        from digikunta_tui.config import ConfigError
        from digikunta_tui.config_edit import write_settings
        from digikunta_tui.errors import UserError

        target = self.query_one("#setup-remote", Input).value.strip()
        name = self.query_one("#setup-name", Input).value.strip()
        problem = target_problem(target)
        if problem is None and len(name) > 200:
            problem = t("setup.name_too_long")
        if problem:
            self._error(problem)
            return
        try:
            remote = self.setup.make_remote(target)
            changes: dict[tuple[str, str], str] = {("sync", "remote"): target}
            if name:
                changes[("replica", "name")] = name
            write_settings(self.setup.config_file, changes)
        except (ConfigError, UserError, ValueError) as exc:
            self._error(str(exc))
            return
        renamed = bool(name) and name != self.setup.replica_name
        self.dismiss(SetupResult(remote, target, name, renamed))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the first box moves on; in the last one it saves."""
        event.stop()
        if event.input.id == "setup-remote":
            self.query_one("#setup-name", Input).focus()
        else:
            self.action_save()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A change clears the problem line."""
        event.stop()
        self._error("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save / Cancel."""
        event.stop()
        if event.button.id == "setup-ok":
            self.action_save()
        else:
            self.dismiss(None)


def open_sync_setup(app: DigikuntaApp) -> None:
    """Open the dialog; once saved, the app syncs with the new remote from now on."""
    setup: SyncSetup | None = getattr(app, "sync_setup", None)
    if setup is None:
        app.notify(t("setup.unavailable"), severity="warning", markup=False)
        return

    def saved(result: SetupResult | None) -> None:
        if result is None:
            return
        setup.remote = result.target
        app.remote = result.remote
        app.update_status()
        text = t("setup.saved", target=result.target)
        if result.renamed:
            setup.replica_name = result.replica_name
            text += " " + t("setup.renamed")
        app.notify(text, markup=False)

    app.push_screen(SyncSetupDialog(setup), saved)
