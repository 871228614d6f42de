"""The TOML of the last config file read, parsed, so that reading it unchanged needs no parser.

The standard library's ``tomllib`` loads ``typing`` and ``string`` with it: a third of what a
``digikunta sync`` that finds nothing to do costs beyond starting Python (see :mod:`sync`).
The cache (``config.json`` in the platform's cache folder) holds the file's path, its exact
text and what ``tomllib`` made of it; it is used only for that very text, and what it gives is
validated like a fresh parse. A cache that is missing, unreadable, damaged or unwritable is
simply not used: it only saves time.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CACHE_FILE = "config.json"


def _cache_path() -> Path:
    from .platform_folders import cache_folder

    return cache_folder() / CACHE_FILE


def cached_toml(path: Path, text: str) -> dict[str, Any] | None:
    """What ``tomllib`` made of ``text`` (the file at ``path``) when it was read last, or None."""
    try:
        held = json.loads(_cache_path().read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(held, dict) or held.get("path") != str(path) or held.get("toml") != text:
        return None
    data = held.get("data")
    return data if isinstance(data, dict) else None


def remember_toml(path: Path, text: str, data: dict[str, Any]) -> None:
    """Keep ``data``, the parse of ``text``, for the next read of ``path`` (best effort)."""
    try:
        blob = json.dumps({"path": str(path), "toml": text, "data": data}, ensure_ascii=False)
    except (TypeError, ValueError):  # a TOML date or time: not JSON, and no setting takes one
        return
    cache = _cache_path()
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(blob, "utf-8")
        os.replace(tmp, cache)
    except OSError:
        with suppress(OSError):  # there may be no folder to remove it from
            tmp.unlink()
