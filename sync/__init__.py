"""Digikunta's local-first sync library.

Records with per-field hybrid-logical-clock stamps live in a local SQLite :class:`Replica`;
:func:`sync` reconciles it with one shared JSON document in a folder (:class:`FileRemote`) or
behind an HTTP URL (:class:`HttpRemote`), three-way, without ever dropping an edit: concurrent
edits become :class:`ConflictEntry` items that people resolve.

This package never imports ``textual`` or ``digikunta_tui``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .conflicts import ConflictEntry
from .engine import SyncReport, sync
from .errors import (
    AuthError,
    DocumentError,
    RemoteChanged,
    RemoteOffline,
    ReplicaError,
    SyncError,
)
from .file_remote import FileRemote
from .records import new_id
from .remote import Remote, RemoteRead
from .replica import Replica

if TYPE_CHECKING:
    from .http_remote import HttpRemote

__all__ = [
    "AuthError",
    "ConflictEntry",
    "DocumentError",
    "FileRemote",
    "HttpRemote",
    "Remote",
    "RemoteChanged",
    "RemoteOffline",
    "RemoteRead",
    "Replica",
    "ReplicaError",
    "SyncError",
    "SyncReport",
    "new_id",
    "sync",
]


def __getattr__(name: str) -> Any:
    # httpx is imported only by those who sync over HTTP.
    if name == "HttpRemote":
        from .http_remote import HttpRemote

        return HttpRemote
    raise AttributeError(name)
