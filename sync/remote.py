"""The small interface every remote offers to the sync engine.

A remote stores one shared document as bytes and gives each stored version an opaque *version
tag*. The engine reads, merges and then writes *only if the tag still matches* what it read.
"""

from __future__ import annotations

from collections.abc import Iterable

from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol
else:  # a plain class at run time: only type checkers use the protocol (see ``sync``)
    Protocol = object

DocumentData = bytes | Iterable[bytes | memoryview]
"""What a remote writes: the document as bytes, or as chunks to concatenate."""


class RemoteRead(Value):
    """What a read returned.

    Attributes:
        unchanged: the document still has the tag the caller already knew (``data`` is None).
        data: the document's bytes, or None when ``unchanged`` or when there is no document yet.
        tag: the version tag of what is stored now (None when there is no document).
    """

    __slots__ = ("data", "tag", "unchanged")

    def __init__(self, unchanged: bool, data: bytes | None, tag: str | None) -> None:
        self.unchanged = unchanged
        self.data = data
        self.tag = tag

    @property
    def missing(self) -> bool:
        """True when there is no document at all (first sync, or it was deleted)."""
        return not self.unchanged and self.data is None


class SideCopy:
    """A conflict copy that a cloud client left beside the shared file (file remotes only).

    Attributes:
        name: the file's name beside the document.
        data: its bytes.
        token: a remote-specific handle for :meth:`Remote.absorb` (the path, for a file).
    """

    __slots__ = ("data", "name", "token")

    def __init__(self, name: str, data: bytes, token: object = None) -> None:
        self.name = name
        self.data = data
        self.token = token

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, {len(self.data)} bytes)"


class Remote(Protocol):
    """Read and conditionally write one shared document."""

    transport: str
    """Short name of the transport for reports: ``"file"`` or ``"http"``."""

    description: str
    """Where the document lives, for messages (a path or a URL without credentials)."""

    def read(self, known_tag: str | None) -> RemoteRead:
        """Read the document; return ``RemoteRead(unchanged=True, ...)`` if its tag == known_tag.

        Raises:
            RemoteOffline: the remote could not be reached.
            AuthError: the credentials were refused.
        """
        ...

    def write(self, data: DocumentData, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        """Store ``data`` (bytes, or chunks to concatenate) if the tag is still ``expected_tag``.

        ``expected_tag`` None means: only if there is no document yet.

        ``scrub`` holds ids of erased records (GDPR) that the version being replaced may
        still hold: those erased by this write, and every erased id when the write absorbs
        conflict copies (the version replaced may be another laptop's from before an erasure
        written earlier). A remote that keeps backups (and cloud clients' copies of them) or
        absorbed copies must remove those records from them too.

        Returns:
            The new version tag.

        Raises:
            RemoteChanged: the stored document is not the one that was read.
            RemoteOffline / AuthError: as for ``read``.
        """
        ...

    def side_copies(self) -> list[SideCopy]:
        """Conflict copies lying beside the document (empty for remotes that have none)."""
        ...

    def absorb(self, copies: list[SideCopy], scrub: frozenset[str]) -> None:
        """Move merged conflict copies out of the way (never delete them)."""
        ...
