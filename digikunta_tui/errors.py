"""The errors of the app and its domain, in one tree.

Every error meant for people is a :class:`UserError`: its message says what went wrong and how
to fix it, in the user's language; the CLI prints it as one line (exit code 1), the app in a
dialog. The others (:class:`InternalError` and below) are signals between the app's own parts
and never reach a person as such.

The sync library has its own tree (``sync.errors``), since it never imports the app.
"""

from __future__ import annotations


class DigikuntaError(Exception):
    """The root of the app's errors."""


class UserError(DigikuntaError):
    """A failure caused by input or state the user can fix; the message says how."""

    @property
    def message(self) -> str:
        """The one line shown to the user."""
        return str(self)


class CommandError(UserError):
    """A command could not do what was asked (bad argument, unknown record, …)."""


class ConfigError(UserError):
    """The config file is unreadable or has a bad setting (the message says which)."""


class ValidationFailed(UserError):
    """A write was refused; ``errors`` maps field name → translated message. Nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


class NotFound(UserError, LookupError):
    """No live record of that kind and id."""

    def __init__(self, kind: str, record_id: str) -> None:
        from digikunta_tui.i18n import t

        self.kind = kind
        self.record_id = record_id
        super().__init__(t("repository.not_found", kind=kind, id=record_id))


class ConflictNotOpen(UserError, LookupError):
    """No open conflict with that id (resolved meanwhile, or never there). Nothing changed."""

    def __init__(self, conflict_id: str) -> None:
        from digikunta_tui.i18n import t

        self.conflict_id = conflict_id
        super().__init__(t("conflict.not_open"))


class UndoRefused(UserError):
    """The last edit has already been synced (or cannot be put back); nothing was written."""


class CalendarRefused(UserError, ValueError):
    """The webinar cannot be written as a calendar invitation (no readable start time)."""


class TransferError(UserError):
    """A file cannot be read as records (encoding, CSV syntax, JSON shape, header)."""


class InternalError(DigikuntaError):
    """A signal between the app's own parts; handled where it is raised, never shown as is."""


class IndexNotReady(InternalError):
    """The search index has not been built yet (first build running); lists are unavailable."""


class Cancelled(InternalError):
    """The index build was asked to stop; nothing of it is left."""


class RowsFailed(InternalError):
    """A rows process ended without giving every row (the build is then made in-process)."""
