"""Looking for an erased person's strings in the raw bytes of every file under some folders.

Imported by name (``from traces import find_traces``) from any test folder. A string is
searched in every form a file could hold it in: UTF-8, UTF-16-LE (SQLite can store text so),
JSON-escaped ASCII (``\\u00e4``), lower case, and folded the way the search index folds words
(no diacritics). The full-text index stores a word after the part it shares with the previous
word in its segment, so the tail of each long word is searched too.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

TAIL = 6
"""Letters of the end of each long word that are searched on their own."""


def fold(text: str) -> str:
    """Lower case without diacritics (``Qörkkelä`` -> ``qorkkela``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def needles(secret: str) -> set[bytes]:
    """Every byte string that would betray ``secret`` in a file."""
    texts = {secret, secret.lower(), fold(secret)}
    for word in fold(secret).split():
        if len(word) >= TAIL + 2:
            texts.add(word[-TAIL:])
    found: set[bytes] = set()
    for text in texts:
        found.add(text.encode("utf-8"))
        found.add(text.encode("utf-16-le"))
        found.add(json.dumps(text, ensure_ascii=True)[1:-1].encode("ascii"))
    return found


def every_file(roots: Iterable[Path]) -> list[Path]:
    """Every regular file under ``roots`` (folders or files), hidden ones too, no symlinks."""
    files: list[Path] = []
    for root in roots:
        if root.is_file() and not root.is_symlink():
            files.append(root)
        for folder, _, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                if path.is_file() and not path.is_symlink():
                    files.append(path)
    return sorted(files)


def find_traces(roots: Iterable[Path], secrets: Iterable[str]) -> list[tuple[str, str]]:
    """(file, secret) for every secret some form of which appears in some file's bytes."""
    wanted = {secret: needles(secret) for secret in secrets}
    hits: list[tuple[str, str]] = []
    for path in every_file(roots):
        data = path.read_bytes()
        lowered = data.lower()
        for secret, forms in wanted.items():
            if any(form in data or form in lowered for form in forms):
                hits.append((str(path), secret))
    return hits
