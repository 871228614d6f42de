"""Step 2 of a sync: decide, record by record, what the merged document and replica hold.

Only records that differ from the base on some side are merged: a document line identical to
a line of the last sync (same hash) is neither parsed nor rewritten, and a chunk of lines that
the last sync left unchanged is not even split into lines (:mod:`sync.layout`). Candidates are
merged in chunks; merged records that change the replica are staged as their JSON lines (the
document's own line when the record is that line as read), written once, at the commit.

When records of two kinds meet under one id, the loser moves to another id (see
:mod:`sync.merge`). That id is merged last, with everything that claims it: its own local and
remote records and those moved there. The ids a sync moves records to are only known once it
found the clash, so a sync that finds one starts again with those ids held back (rare: once
the clash is written, no replica meets it again).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from .digests import line_hash
from .document import Line, LineSpans, ParsedDocument, record_line
from .errors import DocumentError
from .hlc import HybridClock
from .layout import CHUNK_LINES, SEP, ChunkIndex, Key, Layout
from .line_spool import SPOOL_AFTER, LineSpool
from .merge import Claim, Claims, arrival_conflicts, joined, merge_record, split_claims
from .records import Record, newest_stamp
from .replica import Replica

CHUNK = 500
"""Records merged at a time (their records and rows live for one merge: 4 MB at 2 000)."""
MAX_ROUNDS = 16
_dumps = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
).encode

Entry = tuple[Key, Line | int, int]
"""((kind, id), document line, line hash); the line is a number in :attr:`Plan.spool` when
the merge made it and spooled it (see :mod:`sync.line_spool`)."""
Base = Mapping[str, Any] | None
Staged = tuple[str, str, Line, str | None, int, int, str | None, str | None]
"""(id, kind, the merged record's JSON line, deleted, erased, its line hash, and the stamps
and deletion of the local record the merge saw, None when there was none)."""


@dataclass
class Pulled:
    """The document's lines stored as they stand by a replica that held nothing (a first
    pull): per line its id and kind, no record, tuple or view (see :func:`_pull_into_empty`).

    Attributes:
        lines: the document's lines; hashes: their line hashes.
        ids, kinds: of the record on each line.
        deleted: line -> deletion stamp, for the lines of deleted records.
        apart: lines staged in :attr:`Plan.stage` instead (not stored as they stand).
    """

    lines: Sequence[Line]
    hashes: Sequence[int]
    ids: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    deleted: dict[int, str] = field(default_factory=dict)
    apart: set[int] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.ids) - len(self.apart)

    def rows(self, edited: set[str], seq: int) -> Iterator[tuple[Any, ...]]:
        """The lines stored as they stand, but for the records in ``edited``, as parameters
        of the commit's store statement: (id, kind, line, deleted, erased, line hash, seq)."""
        apart, deleted, lines, hashes, kinds = (
            self.apart, self.deleted, self.lines, self.hashes, self.kinds
        )  # fmt: skip
        for i, rid in enumerate(self.ids):
            if i not in apart and rid not in edited:
                yield rid, kinds[i], lines[i], deleted.get(i), 0, hashes[i], seq

    def staged(self, rid: str) -> Staged | None:
        """The stage row of ``rid`` when its line is stored as it stands (slow: for the rare
        record edited while the first pull ran)."""
        for i, held in enumerate(self.ids):
            if held == rid and i not in self.apart:
                line = self.lines[i]
                return (
                    rid,
                    self.kinds[i],
                    line,
                    self.deleted.get(i),
                    0,
                    self.hashes[i],
                    None,
                    None,
                )
        return None


@dataclass
class Plan:
    """The outcome of reconciling: what to write and what to commit."""

    entries: list[Entry] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)  # (line hash, id): base only
    stage: dict[str, Staged] = field(default_factory=dict)  # the replica changes, by id
    pull: Pulled | None = None  # a first pull's lines stored as they stand

    @property
    def staged(self) -> int:
        """How many records the sync changes in the replica."""
        return len(self.stage) + (len(self.pull) if self.pull is not None else 0)

    found: list[dict[str, Any]] = field(default_factory=list)
    changed_remote: bool = False  # some record differs from the remote's
    newly_erased: set[str] = field(default_factory=set)
    erased: set[str] = field(default_factory=set)
    pulled: int = 0
    pushed: int = 0
    pieces: list[Line | int] = field(default_factory=list)
    """The record lines to write, in order (a number: a line in :attr:`spool`)."""
    layout: Layout | None = None  # of ``pieces`` (see sync.layout)
    generation: str = "0"  # the base generation this plan was made against
    base_index: dict[int, Key] = field(default_factory=dict)  # ... and that base's index
    whole_index: bool = True  # False: :attr:`base_index` holds only the changed chunks' lines
    rebased: list[tuple[int | None, int, Key]] = field(default_factory=list)
    """(old base line hash, new one, key) of every merged record: its base changes."""
    open_hashes: Collection[int] | None = None  # base lines not in a reused chunk
    folder: Path | None = None  # where a spool of new lines goes (the replica's folder)
    spool: LineSpool | None = None
    source: LineSpans | None = None  # the document's lines that numbers below 0 refer to
    made: int = 0  # bytes of new lines kept in memory (until SPOOL_AFTER)
    kinds: dict[str, str] = field(default_factory=dict)  # one string per kind

    def keep(self, line: bytes) -> bytes | int:
        """What the plan keeps of a new line that only the document needs: the line, or past
        :data:`~sync.line_spool.SPOOL_AFTER` bytes of them its number in :attr:`spool`."""
        if self.spool is None:
            self.made += len(line)
            if self.made <= SPOOL_AFTER or self.folder is None:
                return line
            try:
                self.spool = LineSpool(self.folder)
            except OSError:  # no temporary file there: the lines stay in memory, as before
                self.folder = None
                return line
        return self.spool.add(line)

    def ref(self, doc: ParsedDocument, i: int) -> Line | int:
        """What an entry keeps of the document's line ``i``: when the lines are spans of the
        data read, the number ``~i`` (below 0: no view of 190 bytes a line), else the line."""
        if isinstance(doc.lines, LineSpans):
            self.source = doc.lines
            return ~i
        return doc.lines[i]

    def line(self, line: Line | int) -> Line:
        """An entry's or piece's line (a number: read back from the spool, or below 0 from
        the document's lines, see :meth:`ref`)."""
        if isinstance(line, int):
            if line < 0:
                assert self.source is not None
                return self.source[~line]
            assert self.spool is not None
            return self.spool.line(line)
        return line

    def lines(self, items: Iterable[Line | int]) -> Iterable[Line]:
        """``items`` with their lines read back (the spool's in blocks)."""
        source = self.source
        if source is not None:
            items = (source[~x] if isinstance(x, int) and x < 0 else x for x in items)
        if self.spool is None:
            return items  # type: ignore[return-value]  # no spool: no numbers left
        return self.spool.resolve(items)

    def record_lines(self) -> Iterable[Line]:
        """The record lines to write, in order (:attr:`pieces`, spooled ones read back)."""
        return self.lines(self.pieces)

    def spent(self) -> None:
        """Let go of the merged lines and the replica's changes (once they are committed)."""
        self.entries, self.unchanged, self.stage, self.pieces = [], [], {}, []
        self.source = None

    def close(self) -> None:
        """Drop the spool, if any (once the document is written and the sync committed)."""
        if self.spool is not None:
            self.spool.close()


@dataclass
class _Held:
    """Ids merged last (records move there), and what claims them so far."""

    ids: set[str]
    remote: dict[str, tuple[Record, int]] = field(default_factory=dict)  # the document's own
    moved: Claims = field(default_factory=dict)  # records moved there, by side
    outside: set[str] = field(default_factory=set)  # targets not held: start again

    def add(self, target: str, side: int, claim: Claim) -> None:
        if target not in self.ids:
            self.outside.add(target)
            return
        self.moved.setdefault(target, ([], []))[side].append(claim)


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


Step = Callable[[int, int], None]
"""Called after each chunk with (records merged so far, records to merge); may raise to stop."""


def _no_step(done: int, total: int) -> None:
    del done, total


def reconcile(
    replica: Replica,
    doc: ParsedDocument | None,
    clock: HybridClock,
    now_iso: str,
    step: Step = _no_step,
) -> Plan:
    """Merge the replica with ``doc`` (None: no document) into a :class:`Plan`.

    ``step`` reports progress chunk by chunk (the engine's progress and cancel checks).

    Raises:
        DocumentError: the document holds an id twice, or ids whose records keep moving.
    """
    held: set[str] = set()
    for _ in range(MAX_ROUNDS):
        plan, outside = _reconcile(replica, doc, clock, now_iso, held, step)
        if not outside:
            return plan
        plan.close()  # merged again with more ids held back
        held |= outside
    source = doc.source if doc is not None else replica.path
    raise DocumentError(f"{source}: too many records of different kinds share ids")


def _chunk_index(
    doc: ParsedDocument | None,
    held_ids: set[str],
    dirty_bases: list[tuple[str, str, int | None]],
) -> ChunkIndex | None:
    """The last sync's layout of ``doc`` when chunks of it are reused, else None (then every
    line of ``doc`` is read).

    A chunk holding the base line of a record edited here is read line by line. With ids held
    back (records of two kinds under one id), or a base line that is not where the layout
    says, every line is read.
    """
    if doc is None or doc.layout is None or not doc.matched:
        return None
    index = ChunkIndex.of(doc.layout) if not held_ids else None
    if index is not None:
        for rid, kind, h in dirty_bases:
            if h is None:
                continue
            c = index.chunk_of((kind, rid), h)
            if c < 0:
                index = None
                break
            if c in doc.matched:
                doc.open_chunk(c, index.lines(c))
    if index is None:
        doc.open_all()
    return index


def _open_keys(doc: ParsedDocument, chunks: ChunkIndex) -> dict[int, Key]:
    """Line hash -> key of the base lines that are not in a reused chunk."""
    keys: dict[int, Key] = {}
    for c in range(chunks.layout.chunks):
        if c not in doc.matched:
            keys.update(zip(chunks.lines(c), chunks.keys(c), strict=True))
    return keys


def _reconcile(
    replica: Replica,
    doc: ParsedDocument | None,
    clock: HybridClock,
    now_iso: str,
    held_ids: set[str],
    step: Step,
) -> tuple[Plan, set[str]]:
    plan = Plan(folder=Path(replica.path).parent)
    held = _Held(held_ids)
    plan.generation = replica.meta("base_generation", "0") or "0"
    based: set[str] | None = None
    dirty_bases = replica.state.dirty_bases()
    chunks = _chunk_index(doc, held_ids, dirty_bases)
    if doc is None:
        # Nothing to look up lines in: the ids that have a base are enough, and the commit
        # makes the new base's index of the records merged (every one of them); the old
        # index is not read (19 MB at 100 000 records, beside the lines of a push).
        based = replica.state.based_ids()
        base_index = plan.base_index
    elif chunks is None:
        base_index = plan.base_index = replica.state.base_index()
    else:  # the lines read one by one are the changed chunks': the layout has their keys
        base_index = plan.base_index = _open_keys(doc, chunks)
        plan.whole_index = False
    if (
        doc is not None
        and not (held_ids or base_index or dirty_bases or doc.matched)
        and not replica.state.holds_records()
        and _pull_into_empty(plan, doc, clock, now_iso, step)
    ):
        return plan, set()
    dirty = {rid for rid, _, _ in dirty_bases}
    # base lines that are not in a reused chunk (None: no chunk is reused)
    open_hashes = base_index.keys() if chunks is not None else None
    plan.open_hashes = open_hashes
    seen: set[str] = set()
    remote_lines: list[int] = []
    if doc is not None:
        for i, h in enumerate(doc.hashes):
            key = base_index.get(h)
            if key is not None and key[1] not in dirty and key[1] not in held_ids:
                if key[1] in seen:
                    raise DocumentError(f"{doc.source}: record id {key[1]!r} appears twice")
                seen.add(key[1])
                plan.entries.append((key, plan.ref(doc, i), h))
            else:
                remote_lines.append(i)
    merged_from = len(plan.entries)
    if open_hashes is not None:
        assert doc is not None
        read = set(doc.hashes)
        missing = {base_index[h][1] for h in open_hashes if h not in read}
        local_only = sorted((dirty | missing) - seen - held_ids)  # new here, or missing remotely
        del read, missing
    else:
        with_base = based if based is not None else {rid for _, rid in base_index.values()}
        local_only = sorted((dirty | with_base) - seen - held_ids)
    total, done = len(remote_lines) + len(local_only), 0
    step(done, total)
    for chunk in _chunks(remote_lines):
        assert doc is not None
        # the records read live as long as their merge (not in this frame till the end)
        recs = _read_records(doc, chunk, seen, held, clock)
        _merge_chunk(replica, plan, doc, recs, clock, now_iso, held)
        del recs
        done += len(chunk)
        step(done, total)
    local_only = [rid for rid in local_only if rid not in seen]  # the chunks saw more ids
    del seen, remote_lines
    for chunk in _chunks(local_only):
        _merge_chunk(replica, plan, doc, dict.fromkeys(chunk), clock, now_iso, held)
        done += len(chunk)
        step(done, total)
    if held.outside:
        return plan, held.outside
    if held_ids:
        _merge_held(replica, plan, doc, held, clock, now_iso)
        if held.outside:
            return plan, held.outside
    plan.erased |= replica.state.erased_ids()
    if chunks is not None:
        assert doc is not None
        for key, _, _ in plan.entries[merged_from:]:  # a new id inside a reused chunk
            c = chunks.inside(key)
            if c in doc.matched:
                n = len(doc.lines)
                doc.open_chunk(c, chunks.lines(c))
                for i, base_key in enumerate(chunks.keys(c), n):
                    plan.entries.append((base_key, plan.ref(doc, i), doc.hashes[i]))
    plan.entries.sort(key=itemgetter(0))
    _assemble(plan, doc if chunks is not None else None, chunks)
    if not plan.whole_index:  # the changed chunks' lines are looked up: the rest needs none
        plan.base_index, plan.open_hashes = {}, None
    return plan, set()


def _read_records(
    doc: ParsedDocument, chunk: list[int], seen: set[str], held: _Held, clock: HybridClock
) -> dict[str, tuple[Record, int]]:
    """The records on the document's lines ``chunk``, by id, but for the held ids' (kept in
    ``held``); the clock observes their newest stamp.

    Raises:
        DocumentError: a line is not a valid record, or an id appears twice.
    """
    recs: dict[str, tuple[Record, int]] = {}
    newest = ""
    for i in chunk:
        rec = doc.record(i)
        rid = rec["id"]
        if rid in seen:
            raise DocumentError(f"{doc.source}: record id {rid!r} appears twice")
        seen.add(rid)
        stamp = newest_stamp(rec)
        if stamp is not None and stamp > newest:
            newest = stamp
        if rid in held.ids:
            held.remote[rid] = (rec, i)
        else:
            recs[rid] = (rec, i)
    clock.observe(newest)  # stamps are fixed width: the largest is the newest
    return recs


def _pull_into_empty(
    plan: Plan, doc: ParsedDocument, clock: HybridClock, now_iso: str, step: Step
) -> bool:
    """Reconcile a replica that holds nothing with ``doc``: every record is the document's.

    The merge of a record known on one side only is that record, so each line is validated
    and then stored as it stands; what is kept per line is its id and kind (the document's
    line is the replica's record and its base). The lines, in the document's order, are the
    merged document too: one byte range when they are the data read. Returns False, with
    nothing planned, when the document's records are not in (kind, id) order (another tool
    wrote it): the general path sorts them.

    Raises:
        DocumentError: a line is not a valid record, or an id appears twice.
    """
    doc.screen()  # every line is read: ask what only a few lines need of all at once
    lines, hashes = doc.lines, doc.hashes
    n = len(lines)
    pull = Pulled(lines, hashes)
    ids, kinds, deleted, apart = pull.ids, pull.kinds, pull.deleted, pull.apart
    kind_of: dict[str, str] = {}
    seen: set[str] = set()
    newest, last = "", ("", "")
    stage: list[Staged] = []
    step(0, n)
    for start in range(0, n, CHUNK):
        for i in range(start, min(n, start + CHUNK)):
            rec = doc.record(i)
            rid, kind = rec["id"], rec["kind"]
            if rid in seen:
                raise DocumentError(f"{doc.source}: record id {rid!r} appears twice")
            seen.add(rid)
            if (kind, rid) <= last:
                return False
            last = (kind, rid)
            stamp = newest_stamp(rec)
            if stamp is not None and stamp > newest:
                newest = stamp
            ids.append(rid)
            kinds.append(kind_of.setdefault(kind, kind))
            gone = rec["deleted"]
            if gone is not None:
                deleted[i] = gone
            erased = rec.get("erased", False)
            if erased or not doc.as_is(i):
                apart.add(i)  # staged with its own line, as the general path does
                line = lines[i] if doc.as_is(i) else record_line(rec)
                stage.append((rid, kind, line, gone, int(erased), hashes[i], None, None))
        step(min(n, start + CHUNK), n)
    del seen
    clock.observe(newest)
    plan.erased.update(row[0] for row in stage if row[4])
    _stage(plan, stage)
    plan.pull = pull
    plan.pulled = n
    layout = Layout("")
    if isinstance(lines, LineSpans):  # the data read holds the lines joined by SEP
        data, starts, ends = lines.data, lines.starts, lines.ends
        for c in range(0, n, CHUNK_LINES):
            last_line = min(n, c + CHUNK_LINES) - 1
            layout.add_chunk(
                data[starts[c] : ends[last_line]],
                hashes[c : last_line + 1],
                list(zip(kinds[c : last_line + 1], ids[c : last_line + 1], strict=True)),
            )
        plan.pieces = [data[starts[0] : ends[n - 1]]] if n else []
    else:
        for c in range(0, n, CHUNK_LINES):
            block = slice(c, c + CHUNK_LINES)
            keys = list(zip(kinds[block], ids[block], strict=True))
            layout.add_chunk(SEP.join(lines[block]), hashes[block], keys)
        plan.pieces = list(lines)
    plan.layout = layout
    return True


def _assemble(plan: Plan, doc: ParsedDocument | None, chunks: ChunkIndex | None) -> None:
    """The merged document's record lines in order (reused chunks as byte ranges) and their
    layout, for the writer and the next sync."""
    entries = plan.entries
    layout = Layout("")
    pieces: list[Line | int] = []
    group: list[Entry] = []
    read_back = plan.lines

    def flush() -> None:
        for start in range(0, len(group), CHUNK_LINES):
            block = group[start : start + CHUNK_LINES]
            lines = [line for _, line, _ in block]
            keys = [key for key, _, _ in block]
            layout.add_chunk(SEP.join(read_back(lines)), [h for _, _, h in block], keys)
            pieces.extend(lines)
        group.clear()

    e = 0
    if doc is not None and chunks is not None:
        assert doc.layout is not None and doc.data is not None
        old, first_keys = doc.layout, chunks.first_keys
        run: list[int] = []
        run_start = run_end = -1
        for c, start in doc.matched.items():
            key, before = first_keys[c], e
            while e < len(entries) and entries[e][0] < key:
                e += 1
            if e == before and run and start == run_end + len(SEP):
                run.append(c)  # the next chunk, right after the last: one byte range
                run_end = start + old.nbytes[c]
                continue
            if run:
                pieces.append(doc.data[run_start:run_end])
                layout.copy_chunks(old, run, chunks)
            group.extend(entries[before:e])
            flush()
            run, run_start, run_end = [c], start, start + old.nbytes[c]
        if run:
            pieces.append(doc.data[run_start:run_end])
            layout.copy_chunks(old, run, chunks)
    group.extend(entries[e:])
    flush()
    plan.pieces, plan.layout = pieces, layout


def _merge_chunk(
    replica: Replica,
    plan: Plan,
    doc: ParsedDocument | None,
    remote: Mapping[str, tuple[Record, int] | None],
    clock: HybridClock,
    now_iso: str,
    held: _Held,
) -> None:
    rows = replica.state.rows(remote)
    stage: list[Staged] = []
    for rid, theirs in remote.items():
        local, base = rows.get(rid, (None, None))
        if theirs is None and local is None:
            continue
        rec_r, pos = theirs if theirs is not None else (None, -1)
        mine, other = local, rec_r
        if local is not None and rec_r is not None and local["kind"] != rec_r["kind"]:
            mine, other = _split(rid, local, rec_r, base, plan, held, now_iso)
        if base is not None and plan.open_hashes is not None and rec_r is not None:
            h = base["hash"]
            if h is not None and h not in plan.open_hashes:
                assert doc is not None  # its base line is in a reused chunk too
                raise DocumentError(f"{doc.source}: record id {rid!r} appears twice")
        old = base["hash"] if base is not None else None
        _settle(plan, doc, stage, rid, local, mine, base, other, rec_r, pos, clock, now_iso, old)
    _stage(plan, stage)


def _split(
    rid: str, local: Record, remote: Record, base: Base, plan: Plan, held: _Held, now_iso: str
) -> tuple[Record | None, Record | None]:
    """Two kinds under ``rid``: what stays there on each side; the other record moves.

    The replica's base describes its own record (the remote one, of another kind, was never
    agreed on), and travels with it.
    """
    claims: Claims = {rid: ([(local, base)], [(remote, None)])}
    entries, moves = split_claims(claims, now_iso, lambda _target: ([], []))
    plan.found.extend(entries)
    for _src, target, side, claim in moves:
        held.add(target, side, claim)
    return joined(claims[rid][0]), joined(claims[rid][1])


def _merge_held(
    replica: Replica,
    plan: Plan,
    doc: ParsedDocument | None,
    held: _Held,
    clock: HybridClock,
    now_iso: str,
) -> None:
    """Merge the held ids with everything that claims them (moved records included)."""
    rows = replica.state.rows(held.ids)
    claims: Claims = {}
    for rid in sorted(held.ids):
        row, row_base = rows.get(rid, (None, None))
        theirs = held.remote.get(rid)
        moved = held.moved.get(rid, ([], []))
        mine: list[Claim] = [(row, row_base)] if row is not None else []
        other: list[Claim] = []
        if theirs is not None:  # the replica agreed with the document on its own record
            agreed = row is not None and row["kind"] == theirs[0]["kind"]
            other.append((theirs[0], row_base if agreed else None))
        claims[rid] = (mine + moved[0], other + moved[1])

    def seed(target: str) -> tuple[list[Claim], list[Claim]]:
        held.outside.add(target)  # the moves sorted out here go on to an id not held
        return [], []

    entries, moves = split_claims(claims, now_iso, seed)
    if held.outside:
        return
    plan.found.extend(entries)
    arrived = set(held.moved) | {target for _, target, _, _ in moves}
    stage: list[Staged] = []
    for rid, (mine, their_claims) in claims.items():
        lv, rv = joined(mine), joined(their_claims)
        if lv is None and rv is None:
            continue
        row, row_base = rows.get(rid, (None, None))
        old = row_base["hash"] if row_base is not None else None
        # the base of the replica's record here, else of the first local record moved here
        base = next((b for rec, b in mine if lv is not None and rec["kind"] == lv["kind"]), None)
        original = held.remote.get(rid)
        pos = original[1] if original is not None and original[0] == rv else -1
        merged = _settle(plan, doc, stage, rid, row, lv, base, rv, rv, pos, clock, now_iso, old)
        if merged is not None and rid in arrived:
            plan.found.extend(arrival_conflicts(merged, mine + their_claims, now_iso))
    _stage(plan, stage)


def _settle(
    plan: Plan,
    doc: ParsedDocument | None,
    stage: list[Staged],
    rid: str,
    row: Record | None,
    local: Record | None,
    base: Base,
    remote: Record | None,
    rec_r: Record | None,
    pos: int,
    clock: HybridClock,
    now_iso: str,
    old_hash: int | None,
) -> Record | None:
    """Merge one id and note what changes where; return the merged record.

    ``row`` is the replica's record now (None: none), ``local`` and ``remote`` the versions to
    merge (after any move), ``rec_r`` the document's record at this id and ``pos`` its line
    (-1 when the document's line is not this id's merged input); ``old_hash`` the line hash
    of the replica's base line of ``rid`` (None: none).
    """
    if local is None and remote is None:
        return None
    merged, conflicts = merge_record(base, local, remote, new_stamp=clock.tick, now_iso=now_iso)
    plan.found.extend(conflicts)
    stored: Line | None = None  # the record's JSON for the replica (None: not made yet)
    made: bytes | None = None  # the line, when this merge made it
    if merged == rec_r and doc is not None and pos >= 0:
        line, h = doc.lines[pos], doc.hashes[pos]
        if doc.as_is(pos):
            stored = line  # stored as read: no second encoding
    else:
        line = stored = made = record_line(merged)
        h = line_hash(line)
        plan.changed_remote = True
        plan.pushed += 1
        if merged.get("erased") and not (rec_r or {}).get("erased"):
            plan.newly_erased.add(rid)
    if merged.get("erased"):
        plan.erased.add(rid)  # erased elsewhere: its conflict entries go too
    kind = merged["kind"]
    key = (plan.kinds.setdefault(kind, kind), rid)
    plan.rebased.append((old_hash, h, key))
    if merged == row:  # only the document needs the line
        plan.entries.append((key, line if made is None else plan.keep(made), h))
        plan.unchanged.append((h, rid))
        return merged
    plan.entries.append((key, line, h))
    plan.pulled += 1
    stage.append(
        (
            rid,
            merged["kind"],
            record_line(merged) if stored is None else stored,
            merged.get("deleted"),
            int(bool(merged.get("erased"))),
            h,
            _dumps(row["stamps"]) if row is not None else None,
            row.get("deleted") if row is not None else None,
        )
    )
    return merged


def _stage(plan: Plan, stage: list[Staged]) -> None:
    """Keep a chunk's replica changes for the commit (a later merge of an id replaces it)."""
    plan.stage.update((row[0], row) for row in stage)
