"""What the last sync learned about the shared document: its record lines, in chunks.

A sync remembers the document as it left it (written, or read and found equal to the merge):
its record lines in order, cut into chunks of at most :data:`CHUNK_LINES` lines, and per chunk
its byte length, a 128-bit digest and the line hash and key (kind, id) of each line. The next
sync compares the new document with it chunk by chunk, one digest per chunk: a chunk whose
bytes did not change is reused whole — its lines are this replica's base lines, so they are
neither split, hashed, parsed nor merged, and they are written back as one byte range. Only
the lines of chunks that changed are handled one by one.

The layout is stored in the replica in the transaction that commits the base it describes
(:meth:`sync.Replica.layout`), and used only while the replica's base generation is the one it
was made for: base lines change only in that transaction (:func:`sync.commit.commit_sync`),
so the layout then holds exactly the base's lines. Anything else (an older replica, a stale or
damaged layout, a document another tool rewrote, a record edited here whose base line is not
where the layout says) falls back to reading every line. The layout never decides what a line
holds: a chunk is reused only when its bytes hash to the digest, and the bytes a digest was
made of were base lines.

The keys let a sync that reuses chunks find the base lines it needs (those of the chunks that
changed) without reading the base of every record from the replica: at 100 000 records that
index cost 0.12 s and 19 MB in a sync's own process, where the keys cost 1.5 MB.
"""

from __future__ import annotations

import hashlib
import struct
import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from .digests import line_hash

intern = sys.intern

CHUNK_LINES = 16
"""Lines per chunk a sync writes (1 % of changed lines then touch about 15 % of the chunks)."""
SEP = b",\n    "
"""What stands between two record lines in the document's own layout."""
_DIGEST = 16
_HEAD = "<4sQQQQQ16s"
_MAGIC = b"DKL2"

Key = tuple[str, str]


def encode_keys(keys: Iterable[Key]) -> bytes:
    """Lines' keys as a layout keeps them: ``kind<TAB>id<LF>`` each.

    Neither a kind nor an id holds a tab or a newline (:func:`sync.replica_sql.check_key`, the
    document's models); were one to, the layout's count of keys would not be its count of
    lines and the layout would not be used (:meth:`Layout.from_bytes`, :class:`ChunkIndex`).
    """
    return "".join([f"{kind}\t{rid}\n" for kind, rid in keys]).encode()


def decode_keys(data: bytes | bytearray | memoryview) -> list[Key]:
    """The keys of :func:`encode_keys` (each kind one interned string).

    Raises:
        ValueError: ``data`` is not keys of :func:`encode_keys`.
    """
    text = bytes(data).decode()
    parts = text.replace("\n", "\t").split("\t")
    if parts.pop() or len(parts) != 2 * text.count("\n"):
        raise ValueError("not a layout's keys")
    return list(zip(map(intern, parts[::2]), parts[1::2], strict=True))


def chunk_digest(data: bytes | memoryview) -> bytes:
    """The digest of a chunk's bytes (its lines joined by :data:`SEP`): SHA-256's first 128
    bits (twice as fast as BLAKE2b here, where OpenSSL uses the CPU's SHA instructions)."""
    return hashlib.sha256(data).digest()[:_DIGEST]


@dataclass
class Layout:
    """The document's record lines as a sync left them (see the module docstring).

    Attributes:
        generation: the replica's base generation this layout describes.
        hashes: the line hash of every line, in document order.
        nlines: lines per chunk.
        nbytes: bytes per chunk (its lines joined by :data:`SEP`).
        digests: the chunks' digests, :data:`_DIGEST` bytes each, concatenated.
        kbytes: bytes per chunk of :attr:`keys`.
        keys: every line's key (:func:`encode_keys`), in document order.
    """

    generation: str
    hashes: array[int] = field(default_factory=lambda: array("q"))
    nlines: array[int] = field(default_factory=lambda: array("l"))
    nbytes: array[int] = field(default_factory=lambda: array("q"))
    digests: bytearray = field(default_factory=bytearray)
    kbytes: array[int] = field(default_factory=lambda: array("q"))
    keys: bytearray = field(default_factory=bytearray)
    edges: tuple[list[Key], list[Key]] | None = field(default_factory=lambda: ([], []), repr=False)
    """Each chunk's first and last key, for a layout this process made (None: from the
    replica, its :attr:`keys` are read when a :class:`ChunkIndex` is made of it)."""

    @property
    def chunks(self) -> int:
        """How many chunks there are."""
        return len(self.nlines)

    def first_lines(self) -> list[int]:
        """The index of each chunk's first line (and the line count at the end)."""
        return [0, *accumulate(self.nlines)]

    def key_offsets(self) -> list[int]:
        """Where each chunk's keys start in :attr:`keys` (and their length at the end)."""
        return [0, *accumulate(self.kbytes)]

    def digest(self, c: int) -> bytes:
        """Chunk ``c``'s digest."""
        return bytes(self.digests[c * _DIGEST : (c + 1) * _DIGEST])

    def add_chunk(
        self, joined: bytes | memoryview, hashes: list[int] | array[int], keys: list[Key]
    ) -> None:
        """Append a chunk: its lines joined by :data:`SEP`, their line hashes and keys."""
        encoded = encode_keys(keys)
        self.nlines.append(len(hashes))
        self.nbytes.append(len(joined))
        self.digests += chunk_digest(joined)
        self.hashes.extend(hashes)
        self.kbytes.append(len(encoded))
        self.keys += encoded
        assert self.edges is not None, "a layout read from the replica is not appended to"
        self.edges[0].append(keys[0])
        self.edges[1].append(keys[-1])

    def copy_chunks(self, other: Layout, chunks: list[int], index: ChunkIndex) -> None:
        """Append chunks of ``other`` unchanged (``index``: the chunk index of ``other``)."""
        starts, kstarts = index.first, index.kfirst
        assert self.edges is not None, "a layout read from the replica is not appended to"
        firsts, lasts = self.edges
        for c in chunks:
            self.nlines.append(other.nlines[c])
            self.nbytes.append(other.nbytes[c])
            self.digests += other.digests[c * _DIGEST : (c + 1) * _DIGEST]
            self.hashes.extend(other.hashes[starts[c] : starts[c + 1]])
            self.kbytes.append(other.kbytes[c])
            self.keys += other.keys[kstarts[c] : kstarts[c + 1]]
            firsts.append(index.first_keys[c])
            lasts.append(index.last_keys[c])

    def parts(self) -> list[bytes | memoryview]:
        """The layout's blob (:meth:`from_bytes`) in pieces, to be written one after another
        (no copy of the whole: 2.6 MB at 100 000 records)."""
        parts = [memoryview(a).cast("B") for a in (self.hashes, self.nlines, self.nbytes)]
        parts += [memoryview(self.kbytes).cast("B"), memoryview(self.keys)]
        parts.append(memoryview(self.digests))
        check = hashlib.sha256()
        for part in parts:
            check.update(part)
        sizes = (len(p) for p in parts[:-1])
        return [struct.pack(_HEAD, _MAGIC, *sizes, check.digest()[:_DIGEST]), *parts]

    def to_bytes(self) -> bytes:
        """The layout as one blob."""
        return b"".join(self.parts())

    @classmethod
    def from_bytes(cls, generation: str, blob: bytes) -> Layout | None:
        """A layout from :meth:`to_bytes`, or None when the blob is not one (damaged, other)."""
        size = struct.calcsize(_HEAD)
        if len(blob) < size:
            return None
        magic, n_h, n_l, n_b, n_kb, n_k, check = struct.unpack_from(_HEAD, blob)
        if magic != _MAGIC:
            return None  # damaged, or an older layout (without keys): every line is read
        if hashlib.sha256(memoryview(blob)[size:]).digest()[:_DIGEST] != check:
            return None  # damaged: the keys say which record a line is, so nothing is guessed
        layout = cls(generation, edges=None)
        pos = size
        arrays = (layout.hashes, n_h), (layout.nlines, n_l), (layout.nbytes, n_b)
        try:
            for arr, n in (*arrays, (layout.kbytes, n_kb)):
                arr.frombytes(blob[pos : pos + n])
                pos += n
        except ValueError:
            return None
        layout.keys = bytearray(blob[pos : pos + n_k])
        layout.digests = bytearray(blob[pos + n_k :])
        chunks = len(layout.nlines)
        if (
            len(layout.nbytes) != chunks
            or len(layout.kbytes) != chunks
            or len(layout.keys) != n_k
            or sum(layout.kbytes) != n_k
            or len(layout.digests) != chunks * _DIGEST
            or sum(layout.nlines) != len(layout.hashes)
            or layout.keys.count(b"\n") != len(layout.hashes)
            or any(n < 1 for n in layout.nlines)
        ):
            return None
        return layout


@dataclass
class Scan:
    """The record lines of a document in our layout, compared with the last sync's layout.

    Attributes:
        starts: where each line read one by one starts in the data.
        ends: ... and where it ends.
        hashes: their line hashes.
        matched: chunk of the layout -> where its bytes start in the data, for the chunks
            whose bytes are unchanged (ascending chunk order, ascending positions).
        end: where the records end (the position of ``  ]``).
    """

    starts: array[int]
    ends: array[int]
    hashes: array[int]
    matched: dict[int, int]
    end: int


def scan_records(data: bytes, pos: int, layout: Layout | None) -> Scan | None:
    """Read the record lines of a document in our layout from ``pos`` (a line's start).

    With a ``layout``, a chunk of it is tried where it would start: at the line after a line
    that ended a chunk, and at a line that began one (when a line before it changed). A chunk
    is taken only in ascending order, so no chunk is taken twice and the matched chunks keep
    the layout's (sorted) order. Returns None when the lines are not in our layout.
    """
    view = memoryview(data)
    find = data.find
    line_starts: array[int] = array("q")
    line_ends: array[int] = array("q")
    hashes: array[int] = array("q")
    matched: dict[int, int] = {}
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    nbytes: array[int] = array("q")
    digests = b""
    if layout is not None and layout.chunks:
        first = layout.first_lines()
        lh = layout.hashes
        nbytes = layout.nbytes
        digests = bytes(layout.digests)
        for c in range(layout.chunks):
            starts.setdefault(lh[first[c]], c)
            ends.setdefault(lh[first[c + 1] - 1], c + 1)
    n = len(nbytes)
    last = -1
    expect = 0 if n else -1

    def take(c: int, at: int) -> int | None:
        """Where chunk ``c`` ends if it starts at line ``at`` unchanged, else None."""
        s = at + 4
        e = s + nbytes[c]
        if data[e - 1 : e] != b"}" or data[e : e + 2] not in (b",\n", b"\n "):
            return None
        d = c * _DIGEST
        if chunk_digest(view[s:e]) != digests[d : d + _DIGEST]:
            return None
        return e

    while data[pos : pos + 5] == b"    {":
        if last < expect < n:
            e = take(expect, pos)
            if e is not None:
                matched[expect] = pos + 4
                last = expect
                expect += 1
                if data[e : e + 2] == b"\n ":
                    pos = e + 1
                    break
                pos = e + 2
                continue
        expect = -1
        end = find(b"\n", pos)
        if end == -1:
            return None
        tail = data[end - 2 : end]
        if tail == b"},":
            stop = end - 1
        elif tail[1:] == b"}":
            stop = end
        else:
            return None
        h = line_hash(view[pos + 4 : stop])
        if starts:
            c = starts.get(h, -1)
            if c > last:
                e = take(c, pos)
                if e is not None:
                    matched[c] = pos + 4
                    last, expect = c, c + 1
                    if data[e : e + 2] == b"\n ":
                        pos = e + 1
                        break
                    pos = e + 2
                    continue
            expect = ends.get(h, -1)
        line_starts.append(pos + 4)
        line_ends.append(stop)
        hashes.append(h)
        pos = end + 1
        if stop == end:
            break
    else:
        if data[pos - 3 : pos - 1] == b"},":
            return None  # the last record line must not end with a comma
    if not (line_starts or matched):
        return None
    return Scan(line_starts, line_ends, hashes, matched, pos)


class ChunkIndex:
    """Where the base lines sit in a layout's chunks, by key (the chunks are in key order)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.first = layout.first_lines()
        self.kfirst = layout.key_offsets()
        if layout.edges is not None:  # made by this process, chunk by chunk, from its keys
            self.first_keys, self.last_keys = layout.edges
            return
        keys = layout.keys
        find, rfind, count = keys.find, keys.rfind, keys.count
        if count(b"\t") != len(layout.hashes):  # one tab a key: every chunk's keys decode
            raise ValueError("the keys do not fit the chunks")
        firsts, lasts = [], []
        first, kfirst = self.first, self.kfirst
        for c in range(layout.chunks):
            start, stop = kfirst[c], kfirst[c + 1]
            if count(b"\n", start, stop) != first[c + 1] - first[c] or keys[stop - 1] != 10:
                raise ValueError("the keys do not fit the chunks")
            firsts.append(keys[start : find(b"\n", start, stop) + 1])
            lasts.append(keys[rfind(b"\n", start, stop - 1) + 1 : stop])
        self.first_keys = decode_keys(b"".join(firsts))
        self.last_keys = decode_keys(b"".join(lasts))

    @classmethod
    def of(cls, layout: Layout) -> ChunkIndex | None:
        """The index, or None when the layout's keys do not fit it or are not in key order
        (not a layout a sync made)."""
        try:
            index = cls(layout)
        except (ValueError, UnicodeDecodeError):
            return None
        keys = index.first_keys
        lasts = index.last_keys
        if any(keys[c] > lasts[c] for c in range(len(keys))) or any(
            lasts[c] >= keys[c + 1] for c in range(len(keys) - 1)
        ):
            return None
        return index

    def chunk_of(self, key: Key, h: int) -> int:
        """The chunk holding the base line ``h`` of ``key``, or -1."""
        c = bisect_right(self.first_keys, key) - 1
        if c < 0 or key > self.last_keys[c]:
            return -1
        first = self.first
        return c if h in self.layout.hashes[first[c] : first[c + 1]] else -1

    def inside(self, key: Key) -> int:
        """The chunk whose key range holds ``key`` strictly inside it (an insertion), or -1."""
        c = bisect_right(self.first_keys, key) - 1
        if c < 0 or not (self.first_keys[c] < key < self.last_keys[c]):
            return -1
        return c

    def lines(self, c: int) -> array[int]:
        """The line hashes of chunk ``c``."""
        return self.layout.hashes[self.first[c] : self.first[c + 1]]

    def keys(self, c: int) -> list[Key]:
        """The keys of chunk ``c``'s lines, in order."""
        return decode_keys(self.layout.keys[self.kfirst[c] : self.kfirst[c + 1]])
