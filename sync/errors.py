"""Errors the sync library raises. Every message is meant to be shown to a person as it is.

The message (``str(error)``) is English. For an application that speaks another language,
every error also carries a stable :attr:`SyncError.code` (``"offline"``, or a more precise
``"offline.folder_missing"``) and the :attr:`SyncError.params` its message is made of (the
document's path or URL, an HTTP status …), so that it can say the same in its own words and
fall back to the English message for a code it does not know.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar


class _Coded(Exception):
    """An error with a stable code and the values of its message (see the module's docstring)."""

    default_code: ClassVar[str] = "sync"
    """The code of an error of this class raised without a more precise one."""

    def __init__(self, message: str = "", *, code: str | None = None, **params: object) -> None:
        """Args:
        message: the English explanation, shown as it is.
        code: a stable, dotted name of the case (default: the class's ``default_code``);
            the part before the first dot is the class's code.
        **params: the values the message is made of, by name (``source``, ``status`` …).
        """
        super().__init__(message)
        self.code: str = code or self.default_code
        """Stable name of the case, e.g. ``"document.not_json"``: translations key on it."""
        self.params: dict[str, object] = params
        """The message's values by name (paths, URLs, numbers), for a translated message."""


class SyncError(_Coded):
    """Base class: a sync could not complete. Nothing local or remote was lost."""


class SettingRefused(_Coded, ValueError):
    """A remote cannot be made from these settings (an unsafe URL, an unreadable CA bundle …).

    A configuration mistake, found before anything is read or sent; a ``ValueError``.
    """

    default_code = "setting"


class DocumentError(SyncError):
    """The shared document is unreadable, of another format or data set: it was not merged.

    The message names the document (path or URL) and the problem.
    """

    default_code = "document"


class RemoteChanged(SyncError):
    """Someone wrote the shared document between our read and our write (version tag mismatch)."""

    default_code = "remote_changed"


class RemoteOffline(SyncError):
    """The remote could not be reached (timeouts, connection errors, 5xx, lock timeout)."""

    default_code = "offline"


class AuthError(SyncError):
    """The remote refused our credentials (401/403). Retrying will not help."""

    default_code = "auth"


class ReplicaError(SyncError):
    """The local replica refused an operation (for example editing an erased record)."""

    default_code = "replica"


class SyncCancelled(SyncError):
    """The caller cancelled the sync (the app is quitting); nothing was committed locally.

    A sync is committed in one SQLite transaction at its very end, so a cancelled sync loses
    nothing: local changes stay pending and the next sync starts afresh.
    """

    default_code = "cancelled"


class Notice(str):
    """A message that is not an error (a sync's warning, why a copy was left alone).

    It is its English text (a ``str``, compared and joined as one) with a ``code`` and the
    ``params`` of the text, as the errors have, for an application that speaks another language.
    """

    code: str
    params: dict[str, object]

    def __new__(cls, message: str, *, code: str, **params: object) -> Notice:
        """Args: message: the English text; code: its stable name; **params: its values."""
        notice = super().__new__(cls, message)
        notice.code = code
        notice.params = params
        return notice

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:  # pickling
        return (str(self),), {"code": self.code, **self.params}
