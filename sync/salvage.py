"""Reading what is left of a truncated shared document.

A server that writes a PUT body straight into the file (WsgiDAV does) leaves a truncated
document when an upload is cut short. Our layout keeps one record per line, so every complete
line that survived is still a whole record: the engine merges those as the remote state and
writes the full merged state back (see :func:`sync.engine.sync`). Records that only other
laptops knew are pushed again by them: a record in a replica's base that is missing from the
remote is always written again.

Only a document that is truncated *and* whose surviving header names the data set the replica
syncs with, in this format version, is salvaged; anything else is refused as before.
"""

from __future__ import annotations

from typing import Any

from .digests import line_hash
from .document import (
    FORMAT,
    FORMAT_VERSION,
    RECORDS_OPEN,
    Header,
    ParsedDocument,
    header_from,
    strict_loads,
    validate_record,
)
from .errors import DocumentError
from .records import Record

_MEMBER = b',\n  "'  # where one top-level member of our layout ends and the next begins
_INDENT = b"    {"


def salvage_truncated(
    data: bytes, source: str, dataset: str | None
) -> tuple[ParsedDocument, int] | None:
    """The readable part of a truncated document of ``dataset``, and how many records it holds.

    Returns None when the document cannot be salvaged: not our layout, the header did not
    survive, another format version, another data set, or ``dataset`` is None (a replica that
    never synced has nothing to rewrite the document from).

    Raises:
        DocumentError: a complete record line is invalid (the document is damaged, not only
            truncated), or a record id appears twice.
    """
    if dataset is None or not data.startswith(b"{\n"):
        return None
    at = data.find(RECORDS_OPEN)
    if at == -1:  # cut before the records (or an empty list): the complete members only
        cut = data.rfind(_MEMBER)
        head, body = (data[:cut], b"") if cut != -1 else (b"", b"")
    elif data[at - 1 : at] == b",":
        head, body = data[: at - 1], data[at + len(RECORDS_OPEN) :]
    else:
        return None
    obj = _members(head)
    if (
        obj is None
        or obj.get("format") != FORMAT
        or type(obj.get("format_version")) is not int
        or obj["format_version"] != FORMAT_VERSION
        or obj.get("dataset") != dataset
        or "conflicts" not in obj
    ):
        return None
    split = _record_lines(body)
    if split is None:
        return None
    lines, rest = split
    obj.pop("records", None)
    if rest:  # the records list closed: keep what survived of the members after it
        obj.update({k: v for k, v in (_members(b"{\n" + rest) or {}).items() if k not in obj})
    header = _header(obj, source)
    if header is None:
        return None
    parsed: dict[int, Record] = {}
    seen: set[str] = set()
    for i, line in enumerate(lines):
        rec = validate_record(line, source, i)
        if rec["id"] in seen:
            raise DocumentError(f"{source}: record id {rec['id']!r} appears twice")
        seen.add(rec["id"])
        parsed[i] = rec
    doc = ParsedDocument(source, header, list(lines), [line_hash(ln) for ln in lines])
    doc.parsed = parsed
    return doc, len(lines)


def salvage_headless(
    data: bytes, source: str, dataset: str | None
) -> tuple[ParsedDocument, int] | None:
    """An empty remote state for a document torn before even its data set id was written.

    A PUT cut after 0 bytes leaves an empty file on a server that writes in place, one cut in
    the conflicts list leaves no ``dataset``. Call this only for the remote this replica has
    synced with before (the caller checks): the file is then this data set's document, torn,
    and the replica's full state is what it must be rewritten from. Its own conflict entries
    are merged back by the engine as always. None when the remains are not such a beginning
    of our layout (or name a data set, which :func:`salvage_truncated` decides on).
    """
    if dataset is None:
        return None
    beginning = data.startswith(b"{\n") or data.strip() in (b"", b"{")
    if not beginning or b'"dataset"' in data:
        return None
    obj: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
    obj.update(dataset=dataset, conflicts=[])
    header = _header(obj, source)
    if header is None:
        return None
    return ParsedDocument(source, header, [], []), 0


def _members(head: bytes) -> dict[str, Any] | None:
    """The complete top-level members in ``head`` (``{`` and whole members), as a dict."""
    if not head.startswith(b"{\n"):
        return None
    cut = head.rfind(_MEMBER)
    for candidate in (head, head[:cut]) if cut != -1 else (head,):
        try:
            obj = strict_loads(candidate + b"\n}")
        except (ValueError, RecursionError):
            continue
        return obj if isinstance(obj, dict) else None
    return None


def _record_lines(body: bytes) -> tuple[list[bytes], bytes] | None:
    """The complete record lines of ``body`` and what follows the records list (if it closed).

    A torn last line is kept only if it still is a whole record (cut just before its comma).
    None when a line is not in our layout.
    """
    lines: list[bytes] = []
    pos = 0
    while True:
        end = body.find(b"\n", pos)
        if end == -1:
            tail = body[pos:]
            if tail.startswith(_INDENT) and tail.endswith(b"}"):
                try:
                    validate_record(tail[4:], "", 0)
                    lines.append(tail[4:])
                except DocumentError:
                    pass  # torn in the middle: ignored
            return lines, b""
        line = body[pos:end]
        pos = end + 1
        if line.startswith(_INDENT):
            lines.append(line[4:-1] if line.endswith(b",") else line[4:])
        elif line in (b"  ],", b"  ]"):
            return lines, body[pos:]
        else:
            return None


def _header(obj: dict[str, Any], source: str) -> Header | None:
    """A header for the salvaged part: what survived, defaults for what did not.

    The engine rewrites ``generation``, ``written_at``, ``written_by`` and this replica's
    entry of ``replicas`` when it writes the document back.
    """
    obj.setdefault("generation", 0)
    obj.setdefault("written_at", "")
    obj.setdefault("written_by", "00000000")
    obj.setdefault("replicas", {})
    try:
        return header_from(obj, source)
    except DocumentError:
        return None
