"""Recognising the conflict copies that cloud clients leave beside a shared file.

Only whole names that the clients really write are taken as copies (and later merged and moved
aside). A file that merely looks related, such as a user's own ``digikunta-2024.json``, is left
alone: it is never read, only reported, so that the user knows why it was not merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import Notice
from .remote import SideCopy

NOT_A_COPY_NAME = Notice("not a conflict copy's name: left alone", code="notice.not_a_copy_name")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DATE = r"\d{4}-\d{2}-\d{2}"
# Dropbox: "NAME (Ville's conflicted copy 2026-11-29).json"; the owner is the user's or the
# computer's name (possessive in English, but not in every language's form of it: "Ville
# Virtasen conflicted copy"), and a second copy of the same day gets a counter: "... (1))".
_DROPBOX = rf" \([^()/]+?(?:['\u2019]s)? conflicted copy {_DATE}(?: \(\d+\))?\)"
# Nextcloud/ownCloud desktop client (makeConflictFileName): " (conflicted copy [USER ]DATE
# HHMMSS)"; the user name never holds parentheses (the client replaces them).
_NEXTCLOUD = rf" \(conflicted copy (?:[^()/]+ )?{_DATE} \d{{6}}\)"
# ownCloud/Nextcloud before client 2.5: "NAME_conflict-YYYYMMDD-HHMMSS.json".
_LEGACY = r"_conflict-\d{8}-\d{6}"
# Syncthing: "NAME.sync-conflict-YYYYMMDD-HHMMSS-XXXXXXX.json", the short device id being
# 7 characters of base32 (Syncthing's own pattern allows [A-Z0-9]).
_SYNCTHING = r"\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}"
# OneDrive: "NAME-HOSTNAME.json", HOSTNAME a Windows computer name: 1-15 upper-case letters,
# digits and hyphens, at least one letter, no hyphen first or last.
_HOSTNAME = r"(?=[A-Z0-9-]*[A-Z])(?!-)[A-Z0-9-]{1,15}(?<!-)"


def copy_pattern(filename: str) -> re.Pattern[str]:
    """A regex matching the whole names of conflict copies of ``filename`` (ends in .json).

    Dropbox ``NAME (Ville's conflicted copy 2026-11-29).json``, Nextcloud/ownCloud
    ``NAME (conflicted copy 2026-11-29 120000).json`` (also with the user's name before the
    date) and the older ``NAME_conflict-20261129-120000.json``, Syncthing
    ``NAME.sync-conflict-20261129-120000-ABCDEF7.json`` and OneDrive
    ``NAME-DESKTOP-1A2B3C.json``. A copy of a copy (the first four kinds stacked, as the
    clients write them) is a copy too. The whole name must match, so the copies' own
    ``.bak``/``.lock`` files are never taken for copies.
    """
    stem = re.escape(_stem(filename))
    stackable = f"(?:{_DROPBOX}|{_NEXTCLOUD}|{_LEGACY}|{_SYNCTHING})"
    return re.compile(rf"^{stem}(?:{stackable}+|-{_HOSTNAME})\.json$")


def backup_copy_pattern(filename: str) -> re.Pattern[str]:
    """A regex matching the whole names of the copies cloud clients make of ``filename.bak``.

    The backup travels through the cloud folder too, and two laptops that both wrote while
    apart both replaced it: the client sets one aside under its own conflict name, made from
    the backup's name (``NAME.json`` + marker + ``.bak``), e.g. Syncthing's
    ``digikunta.json.sync-conflict-20261129-120000-ABCDEF7.bak`` or Dropbox's
    ``digikunta.json (Ville's conflicted copy 2026-11-29).bak``. Such a copy is an older
    backup, never merged, but it may hold a person erased since: it is scrubbed like the
    backup itself.
    """
    stem = re.escape(filename)
    stackable = f"(?:{_DROPBOX}|{_NEXTCLOUD}|{_LEGACY}|{_SYNCTHING})"
    return re.compile(rf"^{stem}(?:{stackable}+|-{_HOSTNAME})\.bak$")


def _stem(filename: str) -> str:
    return filename[:-5] if filename.endswith(".json") else filename


def looks_related(name: str, filename: str) -> bool:
    """True for a name that starts with the document's stem and ends in ``.json``.

    Such a file (other than the document itself) that is no conflict copy's name is left
    alone and reported.
    """
    return name != filename and name.startswith(_stem(filename)) and name.endswith(".json")


def classify_names(filename: str, names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split a folder listing into (conflict copies, look-alikes), each sorted by name.

    No client writes control characters into a name: such a name is never a copy.
    """
    pattern = copy_pattern(filename)
    copies, alike = [], []
    for name in sorted(names):
        if pattern.match(name) and not _CONTROL.search(name):
            copies.append(name)
        elif looks_related(name, filename):
            alike.append(name)
    return copies, alike


def printable_name(name: str) -> str:
    """``name`` with control characters shown as ``?``: safe to print to a terminal."""
    return _CONTROL.sub("?", name)


class LeftAlone(SideCopy):
    """A file beside the document that looks related but is not merged (never even read).

    The engine reports it in ``SyncReport.ignored_copies`` as ``(name, reason)``; ``name`` is
    made printable (:func:`printable_name`), ``token`` is the real path.
    """

    __slots__ = ("reason",)

    def __init__(
        self, name: str, data: bytes, token: object = None, reason: str = NOT_A_COPY_NAME
    ) -> None:
        super().__init__(name, data, token)
        self.reason = reason
