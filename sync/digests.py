"""The line hash: a record line's 64-bit digest, which the replica stores for its base lines.

Apart from :mod:`sync.records`, so that a sync that finds nothing changed (which hashes nothing)
does not load ``hashlib`` and OpenSSL with the record rules (see :mod:`sync`).
"""

from __future__ import annotations

import hashlib


def line_hash(line: bytes | memoryview) -> int:
    """A 64-bit digest of a record line, stable across processes (stored in the replica)."""
    return int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "big", signed=True)
