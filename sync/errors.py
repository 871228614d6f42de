"""Errors the sync library raises. Every message is meant to be shown to a person as it is."""

from __future__ import annotations


class SyncError(Exception):
    """Base class: a sync could not complete. Nothing local or remote was lost."""


class DocumentError(SyncError):
    """The shared document is unreadable, of another format or data set: it was not merged.

    The message names the document (path or URL) and the problem.
    """


class RemoteChanged(SyncError):
    """Someone wrote the shared document between our read and our write (version tag mismatch)."""


class RemoteOffline(SyncError):
    """The remote could not be reached (timeouts, connection errors, 5xx, lock timeout)."""


class AuthError(SyncError):
    """The remote refused our credentials (401/403). Retrying will not help."""


class ReplicaError(SyncError):
    """The local replica refused an operation (for example editing an erased record)."""


class SyncCancelled(SyncError):
    """The caller cancelled the sync (the app is quitting); nothing was committed locally.

    A sync is committed in one SQLite transaction at its very end, so a cancelled sync loses
    nothing: local changes stay pending and the next sync starts afresh.
    """
