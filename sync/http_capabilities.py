"""Does the server really check ``If-Match`` on ``PUT``? A probe before the first write.

A server that ignores ``If-Match`` accepts every write, even one based on a stale read, so two
laptops syncing at once silently overwrite each other (``rclone serve webdav`` 1.60 does this:
it answers ``201`` to any ``PUT``). Nothing in its answers to ordinary requests gives it away,
so before a remote's first write it sends a probe to a *sibling* resource of the document,
``NAME.digikunta-probe`` (never to the document itself):

1. ``PUT`` the probe with ``If-Match: "<a tag no server can have>"``. A server that evaluates
   the condition answers ``412`` (or ``404``, as S3 does for a missing key) and writes
   nothing: proven, nothing left behind.
2. If it was written anyway (``2xx``), the condition may have been skipped only because the
   probe did not exist (WsgiDAV 4.4 does that), so the probe, which now exists, is ``PUT``
   again with the same impossible tag: ``412`` means the server checks ``If-Match`` on
   existing documents, which is what every update relies on; another ``2xx`` means it ignores
   it. Either way the probe is then deleted.

Any other answer (``401``/``403``/``405``/``409``...) wrote nothing and proves nothing; the
write goes ahead and the server's answer to the real, conditional ``PUT`` decides. Only a
*proven* ``2xx`` to an impossible condition stops the remote from writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import httpx

from sync.errors import SyncCancelled, SyncError

__all__ = [
    "IMPOSSIBLE_TAG",
    "PROBE_SUFFIX",
    "Capability",
    "ProbeAnswer",
    "ignores_if_match_message",
    "probe_if_match",
    "probe_url",
]

PROBE_SUFFIX = ".digikunta-probe"
"""Appended to the document's path to name the probe resource."""
IMPOSSIBLE_TAG = '"digikunta-probe-never-matches"'
"""An entity tag no server gives a resource Digikunta wrote (its content is empty)."""


class Capability(Enum):
    """What the probe found out about conditional writes."""

    CHECKS_IF_MATCH = "checks If-Match"
    IGNORES_IF_MATCH = "ignores If-Match"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ProbeAnswer:
    """The status of one probe request (all the probe needs to know)."""

    status: int


Send = Callable[[str, dict[str, str], bytes | None], ProbeAnswer]
"""``send(method, headers, content)`` to the probe URL, with the remote's retries and limits."""


def probe_url(url: httpx.URL) -> httpx.URL:
    """The probe resource beside the document: its path plus ``.digikunta-probe``."""
    return url.copy_with(path=url.path + PROBE_SUFFIX, query=None, fragment=None)


def _written(status: int) -> bool:
    return 200 <= status < 300


def _delete(send: Send) -> None:
    """Remove the probe, best effort: a server that cannot delete it only keeps an empty file."""
    try:
        send("DELETE", {}, None)
    except SyncCancelled:
        raise
    except SyncError:
        pass


def probe_if_match(send: Send) -> Capability:
    """Run the probe (see the module docstring) and say what the server does.

    Raises:
        whatever ``send`` raises (offline, cancelled): the probe is then simply not done.
    """
    headers = {"If-Match": IMPOSSIBLE_TAG, "Content-Type": "application/octet-stream"}
    first = send("PUT", headers, b"")
    if not _written(first.status):
        return Capability.CHECKS_IF_MATCH if first.status in (412, 404) else Capability.UNKNOWN
    try:
        second = send("PUT", headers, b"")
    finally:
        _delete(send)
    if _written(second.status):
        return Capability.IGNORES_IF_MATCH
    return Capability.CHECKS_IF_MATCH if second.status == 412 else Capability.UNKNOWN


def ignores_if_match_message(description: str) -> str:
    """The one-line refusal for a server proven to ignore ``If-Match``."""
    return (
        f"{description}: the server ignores If-Match on PUT (it accepted a write whose"
        " condition could not hold), so a sync could overwrite another laptop's changes without"
        " noticing; Digikunta will not write there (nothing was changed, local changes stay"
        " pending); use a server with conditional writes (see docs/http-remote.md)"
    )
