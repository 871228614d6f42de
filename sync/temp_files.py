"""Stale temporary files beside the shared document, left by a writer that was killed.

A writer of the file remote writes the new document to ``.NAME.<hex>.tmp`` and the backup to
``.NAME.bak.<hex>.tmp`` while it holds the lock, then renames them into place. A writer killed
(or a disk that filled up) between the two leaves the temporary file behind, and it holds a
whole document: personal data that an erasure would never reach. Whoever holds the lock next
knows that no other writer is writing, so every such file it finds is stale and removed.

Absorbed conflict copies are scrubbed through ``.digikunta-absorbed/.X.json.tmp``, which is
not done under the lock; those are removed only when they are old enough that no running
writer can still be working on them (``absorbed_min_age``).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

ABSORBED_MIN_AGE = 3600.0
"""Seconds after which a temporary file among the absorbed copies is certainly stale."""


def stale_patterns(name: str) -> re.Pattern[str]:
    """Names of the temporary files a writer of the document ``name`` makes under the lock."""
    return re.compile(rf"\.{re.escape(name)}(?:\.bak)?\.[0-9a-f]{{4,64}}\.tmp")


def remove_stale_temp_files(
    folder: Path, name: str, *, absorbed_min_age: float = ABSORBED_MIN_AGE
) -> list[str]:
    """Remove temporary files a killed writer left beside the document ``folder/name``.

    Call it while holding the document's lock: any ``.NAME.<hex>.tmp`` or
    ``.NAME.bak.<hex>.tmp`` present then is stale. ``.X.json.tmp`` files in the absorbed
    copies' folder are removed once older than ``absorbed_min_age`` seconds. Files that cannot
    be removed are left alone (the next writer tries again); nothing else is touched.

    Returns:
        The names removed (for tests and logs).
    """
    from .file_remote import ABSORBED_DIR  # here: file_remote imports this module

    removed: list[str] = []
    pattern = stale_patterns(name)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(entry.name)
    absorbed = folder / ABSORBED_DIR
    cutoff = time.time() - absorbed_min_age
    with contextlib.suppress(OSError):
        for entry in os.scandir(absorbed):
            if not (entry.name.startswith(".") and entry.name.endswith(".json.tmp")):
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed.append(f"{ABSORBED_DIR}/{entry.name}")
    return removed
