"""Recognising the conflict copies that cloud clients leave beside a shared file."""

from __future__ import annotations

import re


def copy_pattern(filename: str) -> re.Pattern[str]:
    """A regex matching the names of conflict copies of ``filename`` (which ends in .json).

    Dropbox ``NAME (… conflicted copy …).json``, Nextcloud/ownCloud
    ``NAME (conflicted copy …).json`` and ``NAME_conflict-….json``, Syncthing
    ``NAME.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.json`` and OneDrive ``NAME-HOSTNAME.json``
    (HOSTNAME: upper-case letters, digits and hyphens). The whole name must match, so the
    copies' own ``.bak``/``.lock`` files are never taken for copies.
    """
    stem = re.escape(filename[:-5] if filename.endswith(".json") else filename)
    return re.compile(
        rf"^(?:{stem} \([^()/]*conflicted copy[^()/]*\)"
        rf"|{stem}_conflict-[^/]+"
        rf"|{stem}\.sync-conflict-\d{{8}}-\d{{6}}-[A-Z0-9]+"
        rf"|{stem}-[A-Z0-9][A-Z0-9-]*)\.json$"
    )
