"""Digikunta's local-first sync library.

Records with per-field hybrid-logical-clock stamps live in a local SQLite :class:`Replica`;
:func:`sync` reconciles it with one shared JSON document in a folder (:class:`FileRemote`) or
behind an HTTP URL (:class:`HttpRemote`), three-way, without ever dropping an edit: concurrent
edits become :class:`ConflictEntry` items that people resolve.

This package never imports ``textual`` or ``digikunta_tui``. Importing it loads only what a
:class:`Replica` needs: the sync engine and the remotes (the document parser, pydantic, filelock,
httpx) are imported on first use of :func:`sync`, :class:`SyncReport`, :class:`FileRemote` or
:class:`HttpRemote`, so that an app can open its replica and paint before they load.

A sync that finds nothing changed loads only the modules it runs, and those load neither
``dataclasses`` (with ``inspect``, ``ast``, ``dis``) nor ``typing`` nor ``hashlib``: importing
them and making a dozen dataclasses or named tuples cost more instructions than the rest of
such a sync. Their value types are plain classes (:class:`sync.value.Value`), their ``typing``
names are imported under ``TYPE_CHECKING = False`` (which type checkers read as true), and
they hash only where they must (``tests/cli/test_cli_sync_fast_path.py`` keeps it so). The
modules of real work (parsing, merging, committing) use dataclasses and typing freely.
"""

from __future__ import annotations

from importlib import import_module

from .conflicts import ConflictEntry
from .errors import (
    AuthError,
    DocumentError,
    RemoteChanged,
    RemoteOffline,
    ReplicaError,
    SyncCancelled,
    SyncError,
)
from .records import new_id
from .remote import Remote, RemoteRead
from .replica import Replica

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .engine import SyncReport, sync
    from .file_remote import FileRemote
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
    "SyncCancelled",
    "SyncError",
    "SyncReport",
    "new_id",
    "sync",
]


_LAZY = {
    "SyncReport": "engine",
    "sync": "engine",
    "FileRemote": "file_remote",
    "HttpRemote": "http_remote",  # httpx is imported only by those who sync over HTTP
}
"""Public name → the submodule that defines it, imported when the name is first used."""


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(name)
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value
