"""The shared document (format version 1): validation, parsing and deterministic writing.

Layout: a JSON object with sorted keys, indented, and **one record per line** (records sorted by
kind then id), so that cloud drives and ``diff`` see small changes, and so that a reader can
skip re-parsing the lines it has already seen (a record line is compared by its hash with the
lines of the last sync). A document in any other JSON layout is still read, just more slowly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, NotRequired

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

from .errors import DocumentError
from .hlc import REPLICA_ID_PATTERN, STAMP_PATTERN
from .records import Record, canonical_line, clean_text, clean_value, line_hash, normalize

FORMAT = "digikunta-sync"
FORMAT_VERSION = 1

Stamp = Annotated[str, StringConstraints(pattern=STAMP_PATTERN)]
RecordId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
]
Kind = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
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


@dataclass
class ParsedDocument:
    """A read document. Record lines are parsed (and validated) only when asked for.

    Attributes:
        source: the path or URL, for messages.
        header: the validated header (conflicts included).
        lines: each record as one JSON line (bytes, no indentation or trailing comma).
        hashes: :func:`sync.records.line_hash` of each line.
    """

    source: str
    header: Header
    lines: list[Line]
    hashes: list[int]
    _parsed: dict[int, Record] = field(default_factory=dict, repr=False)

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
        rec = self._parsed.get(index)  # filled only when the whole document was parsed
        if rec is None:
            rec = _validate_record(bytes(self.lines[index]), self.source, index)
        return rec

    def all_records(self) -> dict[str, Record]:
        """Every record by id (parses every line: for the slow paths only)."""
        out: dict[str, Record] = {}
        for i in range(len(self.lines)):
            rec = self.record(i)
            if rec["id"] in out:
                raise DocumentError(f"{self.source}: record id {rec['id']!r} appears twice")
            out[rec["id"]] = rec
        return out


def _validate_record(line: bytes, source: str, index: int) -> Record:
    try:
        rec: dict[str, Any] = _RECORD.validate_json(line)
    except ValidationError as exc:
        raise DocumentError(
            f"{source}: record {index + 1} is invalid: {_first_error(exc)}"
        ) from None
    if set(rec["fields"]) != set(rec["stamps"]):
        raise DocumentError(f"{source}: record {index + 1} has fields without stamps")
    if rec.get("erased") and (rec["fields"] or rec["deleted"] is None):
        raise DocumentError(f"{source}: record {index + 1} is erased but still holds data")
    if not rec.get("erased"):
        rec.pop("erased", None)
    fields, stamps = {}, {}
    for name, value in rec["fields"].items():
        clean = clean_text(name)  # names and values alike: no escape sequence travels on
        if not clean or clean in fields:
            raise DocumentError(f"{source}: record {index + 1} has an invalid field name {name!r}")
        fields[clean], stamps[clean] = clean_value(value), rec["stamps"][name]
    rec["fields"], rec["stamps"] = fields, stamps
    return normalize(rec)  # type: ignore[arg-type]


def _first_error(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid"))


def _check_format(obj: Any, source: str) -> None:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise DocumentError(f"{source}: not a Digikunta shared document (no format {FORMAT!r})")
    version = obj.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise DocumentError(
            f"{source}: written by a newer Digikunta (format version {version}; this version "
            f"reads {FORMAT_VERSION}): update Digikunta before syncing"
        )


def _header(obj: dict[str, Any], source: str) -> Header:
    _check_format(obj, source)
    try:
        return Header.model_validate(obj)
    except ValidationError as exc:
        raise DocumentError(f"{source}: invalid document: {_first_error(exc)}") from None


def _loads(data: bytes, source: str) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        raise DocumentError(f"{source}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(data.rstrip()) - 1 or not data.rstrip().endswith(b"}"):
            raise DocumentError(f"{source}: the document is truncated (incomplete JSON)") from None
        raise DocumentError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


_OPEN = b'\n  "records": [\n'
_EMPTY = b'\n  "records": [],\n'

Line = bytes | memoryview


def _split_layout(data: bytes) -> tuple[bytes, list[Line]] | None:
    """Split a document in our own layout into (header JSON, record lines); None otherwise.

    The record lines are memoryviews into ``data``: no second copy of the document is made.
    """
    if not data.startswith(b"{\n") or not data.endswith(b"}\n"):
        return None
    if data.find(_EMPTY) != -1 and data.find(_OPEN) == -1:
        return data, []
    at = data.find(_OPEN)
    if at == -1:
        return None
    view = memoryview(data)
    lines: list[Line] = []
    pos = at + len(_OPEN)
    size = len(data)
    find = data.find
    while True:
        end = find(b"\n", pos)
        if end == -1:
            return None
        if data[pos : pos + 5] != b"    {":
            break
        tail = data[end - 2 : end]
        if tail == b"},":
            lines.append(view[pos + 4 : end - 1])
        elif tail[1:] == b"}":
            lines.append(view[pos + 4 : end])
            pos = end + 1
            break
        else:
            return None
        pos = end + 1
    close = data[pos : pos + 4]
    if not lines or close not in (b"  ],", b"  ]\n") or pos >= size:
        return None
    if data[pos - 2 : pos - 1] != b"}" or data[pos - 3 : pos - 1] == b"},":
        return None  # the last record line must not end with a comma
    rest = data[pos + 3 :]
    head = data[:at] + b'\n  "records": []' + rest
    return head, lines


def parse_document(data: bytes, source: str) -> ParsedDocument:
    """Parse and validate a shared document.

    Raises:
        DocumentError: the data is not valid JSON, not this format, truncated, or of a newer
            format version; the message names ``source`` and the problem.
    """
    split = _split_layout(data)
    if split is not None:
        head, lines = split
        try:
            obj = json.loads(head)
        except (json.JSONDecodeError, UnicodeDecodeError):
            split = None
    if split is None:
        obj = _loads(data, source)
        _check_format(obj, source)
        records = obj.get("records") if isinstance(obj, dict) else None
        if not isinstance(records, list):
            raise DocumentError(f"{source}: invalid document: records: missing or not a list")
        obj = {k: v for k, v in obj.items() if k != "records"}
        header = _header(obj, source)
        parsed: dict[int, Record] = {}
        lines = []
        for i, raw in enumerate(records):
            line = canonical_line(raw).encode() if isinstance(raw, dict) else b"null"
            lines.append(line)
            parsed[i] = _validate_record(line, source, i)
        doc = ParsedDocument(source, header, lines, [line_hash(ln) for ln in lines])
        doc._parsed = parsed
        return doc
    obj.pop("records", None)
    header = _header(obj, source)
    return ParsedDocument(source, header, lines, [line_hash(ln) for ln in lines])


def document_chunks(header: dict[str, Any], record_lines: list[Line]) -> Iterator[bytes]:
    """The document as byte chunks, made one block at a time (no copy of the whole).

    Args:
        header: every top-level key except ``records`` (``conflicts`` included, as dicts).
        record_lines: canonical record lines, already sorted by (kind, id).
    """
    yield b"{\n"
    keys = sorted([*header, "records"])
    for n, key in enumerate(keys):
        end = b",\n" if n < len(keys) - 1 else b"\n"
        name = json.dumps(key).encode()
        if key in ("records", "conflicts"):
            items = (
                record_lines
                if key == "records"
                else [canonical_line(c).encode() for c in header["conflicts"]]
            )
            if not items:
                yield b"  " + name + b": []" + end
                continue
            yield b"  " + name + b": [\n"
            # Joined in blocks: few large writes, and never a second copy of the whole.
            for start in range(0, len(items), 1000):
                block = items[start : start + 1000]
                more = b",\n" if start + 1000 < len(items) else b"\n"
                yield b"    " + b",\n    ".join(block) + more
            yield b"  ]" + end
        else:
            value = json.dumps(header[key], ensure_ascii=False, sort_keys=True).encode()
            yield b"  " + name + b": " + value + end
    yield b"}\n"


def serialize_document(header: dict[str, Any], record_lines: list[Line]) -> bytes:
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
