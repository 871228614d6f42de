"""The shared document (format version 1): validation, parsing and deterministic writing.

Layout: a JSON object with sorted keys, indented, and **one record per line** (records sorted by
kind then id), so that cloud drives and ``diff`` see small changes, and so that a reader can
skip re-parsing the lines it has already seen (a record line is compared by its hash with the
lines of the last sync). A document in any other JSON layout is still read, just more slowly.
"""

from __future__ import annotations

import json
import math
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Annotated, Any, Literal, NotRequired, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    with_config,
)
from typing_extensions import TypedDict

from .digests import line_hash
from .errors import DocumentError
from .hlc import MAX_STAMP, RANGE_END, REPLICA_ID_PATTERN, STAMP_PATTERN
from .layout import SEP, Layout, Scan, scan_records
from .line_screen import DIGITS, LONG_NUMBER, lines_to_check
from .records import (
    KIND_PATTERN,
    MAX_DEPTH,
    MAX_ID_LENGTH,
    RECORD_ID_PATTERN,
    Record,
    canonical_line,
    clean_text,
    clean_value,
    normalize,
    value_problem,
)

FORMAT = "digikunta-sync"
FORMAT_VERSION = 1

Stamp = Annotated[str, StringConstraints(pattern=STAMP_PATTERN)]
RecordId = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH, pattern=RECORD_ID_PATTERN)
]
Kind = Annotated[str, StringConstraints(pattern=KIND_PATTERN)]
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
IsoTime = Annotated[str, StringConstraints(max_length=40)]


@with_config(ConfigDict(extra="forbid"))
class RecordModel(TypedDict):
    """A record as it may appear in a shared document."""

    id: RecordId
    kind: Kind
    fields: dict[FieldName, JsonValue]
    stamps: dict[FieldName, Stamp]
    deleted: Stamp | None
    erased: NotRequired[bool]


@with_config(ConfigDict(extra="forbid"))
class ConflictModel(TypedDict):
    """A conflict entry as it may appear in a shared document."""

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    record: RecordId
    kind: Kind
    field: FieldName | None
    kept: dict[str, JsonValue]
    lost: dict[str, JsonValue]
    detected_at: IsoTime
    resolved: IsoTime | None


class ReplicaInfo(BaseModel):
    """What the document says about a replica that wrote it."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    last_write: IsoTime | None = None
    generation: int = Field(default=0, ge=0)


class Header(BaseModel):
    """Everything in the document except its records."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["digikunta-sync"]
    format_version: Literal[1]
    dataset: Annotated[str, StringConstraints(pattern=r"^[0-9a-z]{8,64}$")]
    generation: int = Field(ge=0)
    written_at: IsoTime
    written_by: Annotated[str, StringConstraints(pattern=REPLICA_ID_PATTERN)]
    replicas: dict[Annotated[str, StringConstraints(pattern=REPLICA_ID_PATTERN)], ReplicaInfo]
    conflicts: list[ConflictModel]


_RECORD = TypeAdapter(RecordModel)
_CONFLICTS = TypeAdapter(list[ConflictModel])


class TruncatedDocument(DocumentError):
    """The document ends before its JSON does (an interrupted upload or copy).

    The engine may recover such a document (see :mod:`sync.salvage`); anything else that is
    refused stays a plain :class:`~sync.errors.DocumentError`.
    """


class LineSpans(Sequence["memoryview"]):
    """Record lines as byte ranges of the document read: two integers a line, and a
    ``memoryview`` only for a line that is asked for (a list of views cost 190 bytes a line)."""

    __slots__ = ("data", "ends", "starts")

    def __init__(self, data: memoryview, starts: array[int], ends: array[int]) -> None:
        self.data = data
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> memoryview:  # type: ignore[override]
        return self.data[self.starts[index] : self.ends[index]]

    def add(self, start: int, end: int) -> None:
        """Append the line ``data[start:end]``."""
        self.starts.append(start)
        self.ends.append(end)


@dataclass
class ParsedDocument:
    """A read document. Record lines are parsed (and validated) only when asked for.

    Attributes:
        source: the path or URL, for messages.
        header: the validated header (conflicts included).
        lines: each record as one JSON line (bytes, no indentation or trailing comma); a
            :class:`LineSpans` of the data read when the document is in our layout.
        hashes: :func:`sync.records.line_hash` of each line.
    """

    source: str
    header: Header
    lines: Sequence[Line]
    hashes: list[int] | array[int]
    parsed: dict[int, Record] = field(default_factory=dict, repr=False)
    """Records by line index, filled when the whole document was parsed (or merged) at once."""
    layout: Layout | None = field(default=None, repr=False)
    """The last sync's layout the record lines were compared with (None: not compared)."""
    matched: dict[int, int] = field(default_factory=dict, repr=False)
    """Chunks of ``layout`` whose bytes are unchanged -> where they start in ``data``; their
    lines are not in ``lines`` (see :mod:`sync.layout`)."""
    data: memoryview | None = field(default=None, repr=False)
    altered: set[int] = field(default_factory=set, repr=False)
    """Lines whose record is not their JSON as it stands (control characters cleaned out)."""
    screened: bytearray | None = field(default=None, repr=False)
    """Per line, 0 when :func:`sync.line_screen.lines_to_check` found nothing on it to look
    into (see :meth:`screen`); None: not screened."""

    def screen(self) -> None:
        """Screen the record lines in a few passes over the data, so that :meth:`record` looks
        closely only at the lines where something was found (for reading every line)."""
        lines = self.lines
        if isinstance(lines, LineSpans) and not self.parsed:
            raw = lines.data.obj  # the data read (bytes from every remote)
            if isinstance(raw, bytes):
                self.screened = lines_to_check(raw, lines.starts, lines.ends)

    def open_chunk(self, c: int, hashes: array[int]) -> None:
        """Read the matched chunk ``c`` line by line (``hashes``: its lines' hashes)."""
        assert self.layout is not None and self.data is not None
        lines = self.lines
        assert isinstance(lines, LineSpans)
        start = self.matched.pop(c)
        stop = start + self.layout.nbytes[c]
        raw = self.data.obj
        assert isinstance(raw, bytes)
        pos = start
        find = raw.find
        for h in hashes:  # the bytes are the chunk's: one line per hash, no SEP in a line
            end = find(SEP, pos, stop)
            end = stop if end == -1 else end
            lines.add(pos, end)
            self.hashes.append(h)
            pos = end + len(SEP)

    def open_all(self) -> None:
        """Read every matched chunk line by line (for the paths that need every line)."""
        if self.matched:
            assert self.layout is not None
            first = self.layout.first_lines()
            for c in list(self.matched):
                self.open_chunk(c, self.layout.hashes[first[c] : first[c + 1]])

    @property
    def dataset(self) -> str:
        """The data set id the document belongs to."""
        return self.header.dataset

    @property
    def conflicts(self) -> list[dict[str, Any]]:
        """The conflict entries (validated dicts)."""
        return [dict(c) for c in self.header.conflicts]

    def record(self, index: int) -> Record:
        """The record on line ``index``, validated and cleaned of control characters.

        Raises:
            DocumentError: the line is not a valid record.
        """
        rec = self.parsed.get(index)  # filled only when the whole document was parsed
        if rec is None:
            lines = self.lines
            if isinstance(lines, LineSpans):  # one copy of the line, no view in between
                line = lines.data.obj[lines.starts[index] : lines.ends[index]]  # type: ignore[index]
            else:
                line = bytes(lines[index])
            screened = self.screened
            clean = screened is not None and index < len(screened) and not screened[index]
            rec, as_is = _validate(line, self.source, index, clean)
            if not as_is:
                self.altered.add(index)
        return rec

    def as_is(self, index: int) -> bool:
        """True when the record on line ``index`` (read with :meth:`record`) is the line's JSON
        as it stands, so the line itself can be stored."""
        return not self.parsed and index not in self.altered

    def all_records(self) -> dict[str, Record]:
        """Every record by id (parses every line: for the slow paths only)."""
        self.open_all()
        out: dict[str, Record] = {}
        for i in range(len(self.lines)):
            rec = self.record(i)
            if rec["id"] in out:
                raise DocumentError(f"{self.source}: record id {rec['id']!r} appears twice")
            out[rec["id"]] = rec
        return out


# A record line that may hold a control character: an escape of one (JSON writes C0 ones as
# \uXXXX or \b \f \r; \t and \n are allowed) or a raw DEL or C1 one (UTF-8 \xc2\x80-\x9f);
# the parser refuses raw C0 ones in strings. Matching too much (an escaped backslash before a
# ``b``) only costs the per-field cleaning. Most lines hold no backslash, DEL or \xc2 at all.
_MAY_HOLD_CONTROLS = re.compile(rb"\\u00[01189][0-9a-fA-F]|\\u007[fF]|\\[bfr]|\x7f|\xc2[\x80-\x9f]")


def _may_hold_nonfinite(line: bytes) -> bool:
    """True when a number on the line may not be finite once parsed: NaN, Infinity, an
    exponent (``0e`` once digits are 0, see :data:`sync.line_screen.DIGITS`) or hundreds of
    digits (the field checks look into those lines only)."""
    if b"NaN" in line or b"Infinity" in line:
        return True
    digits = line.translate(DIGITS)
    return b"0e" in digits or LONG_NUMBER in digits


def validate_record(line: bytes, source: str, index: int) -> Record:
    """Validate one record line (JSON bytes) and clean it of control characters.

    ``index`` is the record's position in the document, for messages.

    Raises:
        DocumentError: not a valid record; the message names ``source`` and the record.
    """
    return _validate(line, source, index)[0]


def _validate(line: bytes, source: str, index: int, clean: bool = False) -> tuple[Record, bool]:
    """:func:`validate_record`, and whether the record is the line's JSON as it stands (no
    control character cleaned out, no field hidden by the deletion dropped).

    ``clean``: the line was screened (:mod:`sync.line_screen`) and holds nothing to look into.
    """
    try:
        # a RecordModel is a plain dict at run time; it is checked and cleaned as one here
        rec = cast("dict[str, Any]", _RECORD.validate_json(line))
    except ValidationError as exc:
        where = _record_name(index, _id_of(line))
        raise DocumentError(f"{source}: {where} is invalid: {_first_error(exc)}") from None
    stamps, deleted = rec["stamps"], rec["deleted"]
    if rec["fields"].keys() != stamps.keys():
        where = _record_name(index, rec["id"])
        raise DocumentError(f"{source}: {where} has fields without stamps")
    if "erased" in rec:
        if rec["erased"] and (rec["fields"] or deleted is None):
            where = _record_name(index, rec["id"])
            raise DocumentError(f"{source}: {where} is erased but still holds data")
        if not rec["erased"]:
            del rec["erased"]
    newest = max(stamps.values()) if stamps else ""
    if deleted is not None and deleted > newest:
        newest = deleted
    if newest > MAX_STAMP:  # fixed width: text order is time order
        raise DocumentError(
            f"{source}: {_record_name(index, rec['id'])} has a clock stamp too far in the "
            f"future: {newest} (the clock's range ends {RANGE_END})"
        )
    if clean:  # the screen asked all that follows of every line at once
        plain = as_is = nothing_to_look_into = True
    else:
        # One pass over the raw line each (memchr, count): most lines hold no backslash, DEL
        # or C1 lead byte at all, and then nothing needs cleaning.
        plain = (
            b"\\" not in line and b"\x7f" not in line and b"\xc2" not in line
        ) or _MAY_HOLD_CONTROLS.search(line) is None
        # Stored as it stands only when SQLite's json_extract reads the same fields and stamps
        # as pydantic did: no escaped key (\\u) and no second "fields" or "stamps" member.
        as_is = (
            plain
            and b"\\u" not in line
            and line.count(b'"fields"') == 1
            and line.count(b'"stamps"') == 1
        )
        nothing_to_look_into = (
            plain
            and line.count(b"[") + line.count(b"{") <= MAX_DEPTH
            and not _may_hold_nonfinite(line)
        )
    if nothing_to_look_into:  # nothing to clean, no value to look into
        if deleted is None:  # what normalize() returns for a live record: itself
            return rec, as_is  # type: ignore[return-value]
        out = normalize(rec)  # type: ignore[arg-type]
        return out, as_is and out is rec
    where = _record_name(index, rec["id"])
    fields, stamps = {}, {}
    for name, value in rec["fields"].items():
        cleaned = clean_text(name)  # names and values alike: no escape sequence travels on
        if not cleaned or cleaned in fields:
            raise DocumentError(f"{source}: {where} has an invalid field name {name!r}")
        problem = value_problem(value) if isinstance(value, dict | list | float) else None
        if problem is not None:
            raise DocumentError(f"{source}: {where}, field {cleaned!r}: {problem}")
        fields[cleaned], stamps[cleaned] = clean_value(value), rec["stamps"][name]
    rec["fields"], rec["stamps"] = fields, stamps
    out = normalize(rec)  # type: ignore[arg-type]
    return out, as_is and out is rec


def _record_name(index: int, rid: object) -> str:
    """``record 3 (id 'kuopio')`` for messages; the id only when it is a short string."""
    if isinstance(rid, str) and rid:
        shown = rid if len(rid) <= 40 else rid[:40] + "…"
        return f"record {index + 1} (id {clean_text(shown)!r})"
    return f"record {index + 1}"


def _id_of(line: bytes) -> object:
    """The id of a record line that failed validation, if it can be read at all."""
    try:
        obj = strict_loads(line)
    except (ValueError, RecursionError):
        return None
    return obj.get("id") if isinstance(obj, dict) else None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid"))


def _check_format(obj: Any, source: str) -> None:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise DocumentError(
            f"{source}: not a Digikunta shared document (no format {FORMAT!r})",
            code="document.not_digikunta",
            source=source,
        )
    version = obj.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise DocumentError(
            f"{source}: written by a newer Digikunta (format version {version}; this version "
            f"reads {FORMAT_VERSION}): update Digikunta before syncing",
            code="document.newer_format",
            source=source,
            version=version,
            supported=FORMAT_VERSION,
        )


def header_from(obj: dict[str, Any], source: str) -> Header:
    """Validate everything of a document but its records (a dict from strict JSON).

    Raises:
        DocumentError: not this format, a newer version, or invalid; names ``source``.
    """
    _check_format(obj, source)
    problem = value_problem(obj, strings=True, max_depth=MAX_HEADER_DEPTH)
    if problem is not None:
        raise DocumentError(f"{source}: invalid document: {problem}")
    try:
        return Header.model_validate(obj)
    except ValidationError as exc:
        raise DocumentError(f"{source}: invalid document: {_first_error(exc)}") from None


# the header's own nesting (conflicts: list, entry, kept/lost) plus a field value's limit
MAX_HEADER_DEPTH = 4 + 64


class _NotStrict(ValueError):
    """A number strict JSON cannot hold (NaN, an infinity, or one that overflows a double)."""


def _constant(name: str) -> Any:
    raise _NotStrict(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotStrict(f"number out of range: {text[:30]}")
    return value


def strict_loads(data: bytes | str) -> Any:
    """``json.loads`` refusing NaN, ±Infinity and numbers too large for a double.

    Raises:
        ValueError: not strict JSON (``json.JSONDecodeError`` for syntax, also for integers
            with more digits than Python converts).
        RecursionError: nested too deeply for the parser.
    """
    return json.loads(data, parse_constant=_constant, parse_float=_finite)


def _loads(data: bytes, source: str) -> Any:
    try:
        return strict_loads(data)
    except UnicodeDecodeError:
        raise DocumentError(
            f"{source}: not UTF-8 text", code="document.not_utf8", source=source
        ) from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(data.rstrip()) - 1 or not data.rstrip().endswith(b"}"):
            raise TruncatedDocument(
                f"{source}: the document is truncated (incomplete JSON)",
                code="document.truncated",
                source=source,
            ) from None
        raise DocumentError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            code="document.not_json",
            source=source,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except _NotStrict as exc:
        raise DocumentError(f"{source}: not strict JSON: {exc}") from None
    except RecursionError:
        raise DocumentError(
            f"{source}: lists or objects nested too deeply", code="document.too_deep", source=source
        ) from None
    except ValueError as exc:  # an integer of thousands of digits
        raise DocumentError(f"{source}: not valid JSON: {exc}") from None


RECORDS_OPEN = b'\n  "records": [\n'
_EMPTY = b'\n  "records": [],\n'

Line = bytes | memoryview


def _split_layout(data: bytes, layout: Layout | None) -> tuple[bytes, Scan | None] | None:
    """Split a document in our own layout into (header JSON, its record lines); None otherwise.

    The lines are compared with ``layout`` (see :func:`sync.layout.scan_records`); the scan is
    None for a document with no records.
    """
    if not data.startswith(b"{\n") or not data.endswith(b"}\n"):
        return None
    at = data.find(RECORDS_OPEN)  # near the start: the header's other keys are short
    if at == -1:  # no record lines: an empty list, or not our layout
        return (data, None) if data.find(_EMPTY) != -1 else None
    scan = scan_records(data, at + len(RECORDS_OPEN), layout)
    if scan is None:
        return None
    pos = scan.end
    if data[pos : pos + 4] not in (b"  ],", b"  ]\n") or pos >= len(data):
        return None
    rest = data[pos + 3 :]
    head = data[:at] + b'\n  "records": []' + rest
    return head, scan


def parse_document(data: bytes, source: str, layout: Layout | None = None) -> ParsedDocument:
    """Parse and validate a shared document.

    ``layout`` is what the last sync learned about the document (:mod:`sync.layout`): chunks
    of it whose bytes are unchanged are not split into lines (see ``ParsedDocument.matched``).

    Raises:
        DocumentError: the data is not valid JSON, not this format, truncated, or of a newer
            format version; the message names ``source`` and the problem.
    """
    split = _split_layout(data, layout)
    if split is not None:
        head, scan = split
        try:
            obj = _loads(head, source)
        except DocumentError:
            split = None  # the slow path below says what is wrong
    if split is None:
        obj = _loads(data, source)
        _check_format(obj, source)
        records = obj.get("records") if isinstance(obj, dict) else None
        if not isinstance(records, list):
            raise DocumentError(f"{source}: invalid document: records: missing or not a list")
        obj = {k: v for k, v in obj.items() if k != "records"}
        header = header_from(obj, source)
        parsed: dict[int, Record] = {}
        lines = []
        for i, raw in enumerate(records):
            line = _raw_line(raw, source, i)
            lines.append(line)
            parsed[i] = validate_record(line, source, i)
        doc = ParsedDocument(source, header, lines, [line_hash(ln) for ln in lines])
        doc.parsed = parsed
        return doc
    obj.pop("records", None)
    header = header_from(obj, source)
    if scan is None:
        return ParsedDocument(source, header, [], [])
    view = memoryview(data)
    doc = ParsedDocument(source, header, LineSpans(view, scan.starts, scan.ends), scan.hashes)
    doc.layout, doc.matched, doc.data = layout, scan.matched, view
    return doc


def _raw_line(raw: Any, source: str, index: int) -> bytes:
    """A record of a document in another layout as one line, refused if it cannot be one."""
    if not isinstance(raw, dict):
        return b"null"  # refused by validation with the record's number
    problem = value_problem(raw, strings=True, max_depth=MAX_HEADER_DEPTH)
    if problem is not None:
        raise DocumentError(f"{source}: {_record_name(index, raw.get('id'))}: {problem}")
    return canonical_line(raw).encode()


def document_chunks(header: dict[str, Any], record_lines: Iterable[Line]) -> Iterator[Line]:
    """The document as byte chunks, made one block at a time (no copy of the whole).

    Args:
        header: every top-level key except ``records`` (``conflicts`` included, as dicts).
        record_lines: canonical record lines, already sorted by (kind, id); taken one by one
            as the chunks are asked for (they may be read back from a spool meanwhile).
    """
    yield b"{\n"
    keys = sorted([*header, "records"])
    for n, key in enumerate(keys):
        end = b",\n" if n < len(keys) - 1 else b"\n"
        name = json.dumps(key).encode()
        if key in ("records", "conflicts"):
            items = iter(
                record_lines
                if key == "records"
                else [canonical_line(c).encode() for c in header["conflicts"]]
            )
            first = next(items, None)
            if first is None:
                yield b"  " + name + b": []" + end
                continue
            yield b"  " + name + b": [\n"
            yield from _joined(chain((first,), items))
            yield b"  ]" + end
        else:
            value = json.dumps(
                header[key], ensure_ascii=False, sort_keys=True, allow_nan=False
            ).encode()
            yield b"  " + name + b": " + value + end
    yield b"}\n"


_BIG = 1 << 16
"""A piece this long (a byte range of the document read) is written as it is, not copied."""
_BLOCK = 1 << 18
"""Small pieces are joined into blocks of about this many bytes: few writes, and a block is
a small copy (joined 2000 pieces at a time, the byte ranges of a 1 % round made 3.7 MB blocks,
10 MB more at the peak of a 100 000-record round)."""


def _joined(items: Iterable[Line]) -> Iterator[Line]:
    """``items`` indented one a line, joined by :data:`SEP`: small ones joined in blocks (few
    large writes, never a second copy of the whole), long ones passed on as they are."""
    parts: list[Line] = [b"    "]
    size = 0
    for n, item in enumerate(items):
        if n:
            parts.append(SEP)
        length = len(item)
        if length >= _BIG:
            yield b"".join(parts)
            parts, size = [], 0
            yield item
        else:
            parts.append(item)
            size += length
            if size >= _BLOCK:
                yield b"".join(parts)
                parts, size = [], 0
    parts.append(b"\n")
    yield b"".join(parts)


def serialize_document(header: dict[str, Any], record_lines: Iterable[Line]) -> bytes:
    """Write a document deterministically (see :func:`document_chunks`)."""
    return b"".join(document_chunks(header, record_lines))


def record_line(record: Record) -> bytes:
    """The canonical line of a record, as bytes."""
    return canonical_line(record).encode()


def scrub_document(data: bytes, ids: frozenset[str] | set[str], source: str) -> bytes:
    """Remove the records ``ids`` (and conflicts about them) from a document (GDPR erasure).

    Used on backups and absorbed copies, which keep no tombstones of their own.
    """
    doc = parse_document(data, source)
    keep = [ln for i, ln in enumerate(doc.lines) if doc.record(i)["id"] not in ids]
    header = doc.header.model_dump()
    header["conflicts"] = [c for c in doc.conflicts if c["record"] not in ids]
    return serialize_document(header, keep)
