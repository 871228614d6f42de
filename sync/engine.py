"""The sync engine: read the remote, merge three-way, write if needed, commit locally.

1. Read the remote. Fast path: the version tag is unchanged, nothing is pending and no
   conflict copies lie beside the document: done, no parse, no write.
2. Merge base/local/remote. Only records that differ from the base on some side are merged:
   a document line identical to the line of the last sync is neither parsed nor rewritten.
3. If the merged content differs from the remote's, write it with the version check; if
   someone wrote in between, start again from 1 (a bounded number of times).
4. Commit records, base, version tag and conflicts in one SQLite transaction.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from .conflicts import ConflictEntry, merge_conflicts, utc_now_iso
from .errors import (
    AuthError,
    DocumentError,
    Notice,
    RemoteChanged,
    RemoteOffline,
    SyncCancelled,
    SyncError,
)
from .hlc import HybridClock
from .records import newest_stamp
from .remote import Remote, RemoteRead, SideCopy
from .replica import Replica, SyncLogEntry
from .side_copies import LeftAlone

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .document import ParsedDocument
    from .layout import Layout

# The document's parser (pydantic), the merge and the commit are imported by the first sync
# that reads a document: a sync that finds nothing changed (the fast path) loads none of them.

MAX_ATTEMPTS = 5
FULL_EVERY_SYNCS = 20
FULL_EVERY = timedelta(minutes=10)


class SyncReport:
    """What a sync did.

    Attributes:
        transport: ``"file"`` or ``"http"``.
        target: the path or URL (no credentials).
        pulled: records changed here by the sync.
        pushed: records the sync changed in the shared document.
        conflicts: conflict entries this sync found (new ones).
        fast_path: nothing had changed on either side; nothing was parsed or written.
        wrote: the shared document was written.
        absorbed: names of cloud conflict copies merged in and moved aside.
        ignored_copies: (name, reason) of copies left alone (other data set, unreadable).
        attempts: read-merge-write rounds (more than one when someone wrote in between).
        duration: seconds.
        warnings: things a person should know although the sync succeeded (one line each).
    """

    __slots__ = (
        "absorbed",
        "attempts",
        "conflicts",
        "duration",
        "fast_path",
        "ignored_copies",
        "pulled",
        "pushed",
        "target",
        "transport",
        "warnings",
        "wrote",
    )

    def __init__(self, transport: str, target: str) -> None:
        self.transport = transport
        self.target = target
        self.pulled = 0
        self.pushed = 0
        self.conflicts: list[ConflictEntry] = []
        self.fast_path = False
        self.wrote = False
        self.absorbed: list[str] = []
        self.ignored_copies: list[tuple[str, str]] = []
        self.attempts = 0
        self.duration = 0.0
        self.warnings: list[str] = []

    def __repr__(self) -> str:
        return f"SyncReport({self.summary()!r})"

    @property
    def unchanged(self) -> bool:
        """Nothing changed on either side."""
        return not (self.pulled or self.pushed or self.conflicts or self.absorbed)

    def summary(self) -> str:
        """One line for people: what moved, in which direction, how long it took."""
        parts = [f"{self.transport} {self.target}"]
        if self.fast_path or self.unchanged:
            parts.append("up to date")
        else:
            parts.append(f"pulled {self.pulled}, pushed {self.pushed}")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} new conflict(s)")
        if self.absorbed:
            parts.append(f"absorbed {len(self.absorbed)} conflict copy(ies)")
        if self.ignored_copies:
            parts.append(f"left {len(self.ignored_copies)} unrelated copy(ies) alone")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning(s)")
        parts.append(f"{self.duration * 1000:.0f} ms")
        return ": ".join(parts[:2]) + (", " + ", ".join(parts[2:]) if len(parts) > 2 else "")


def sync(
    replica: Replica,
    remote: Remote,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    full_every_syncs: int = FULL_EVERY_SYNCS,
    full_every: timedelta = FULL_EVERY,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Reconcile ``replica`` with ``remote``. Never loses a local or remote edit.

    A full read-merge-write (no fast path) happens at least every ``full_every_syncs`` syncs
    or ``full_every``, so that a remote with coarse version tags cannot hide a lost update.

    ``cancel``, when set (from another thread), stops the sync at the next step boundary with
    :class:`SyncCancelled`; set it *and* call the remote's ``cancel()`` (if it has one) to cut
    a network read short. Nothing is committed by a cancelled sync.

    ``progress(phase, done, total)`` is called (in the syncing thread) as the sync moves on:
    ``"reading"``, ``"merging"`` (records merged of those to merge, chunk by chunk),
    ``"writing"`` and ``"committing"`` (counts 0 where there are none); for a progress bar.

    Raises:
        DocumentError: the remote document (or its data set) was refused; nothing changed.
        RemoteOffline: the remote could not be reached; local changes stay pending.
        AuthError: the remote refused the credentials.
        SyncError: someone kept writing in between for ``max_attempts`` rounds.
        SyncCancelled: ``cancel`` was set.
    """
    started = time.perf_counter()
    report = SyncReport(transport=remote.transport, target=remote.description)
    check = _Cancel(cancel, progress)
    try:
        with collector_paused():
            _run(
                replica, remote, report, max_attempts, full_every_syncs, full_every, started, check
            )
    except SyncError as exc:
        if check.cancelled and not isinstance(exc, SyncCancelled):
            # the remote was cut short by cancel(): say so rather than "offline"
            raise SyncCancelled(f"{remote.description}: the sync was cancelled") from None
        outcome = "offline" if isinstance(exc, RemoteOffline) else "error"
        if isinstance(exc, AuthError):
            outcome = "auth"
        elif isinstance(exc, SyncCancelled):
            outcome = "cancelled"
        report.duration = time.perf_counter() - started
        _log_failure(replica, report, outcome, str(exc))
        raise
    finally:
        forget = getattr(remote, "forget_read", None)
        if forget is not None:  # a file remote keeps what it read for the next write's check
            forget()
    return report


_gc_lock = threading.Lock()
_gc_holders = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's garbage collector off while any thread is inside (it is put back after).

    A sync allocates hundreds of thousands of objects that live until it ends (lines, records,
    index entries) and makes no garbage cycles of its own; each full collection it set off
    walked the whole heap: a third of a 1 % round at 100 000 records. Reference counting
    frees everything a sync made as it ends.
    """
    global _gc_holders
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_on[0] = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_on[0]:
                gc.enable()


_gc_was_on = [True]


Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: see :func:`sync`."""


class _Cancel:
    """The cancel flag of one sync, checked at step boundaries, and its progress reports."""

    __slots__ = ("_event", "_progress")

    def __init__(self, event: threading.Event | None, progress: Progress | None) -> None:
        self._event = event
        self._progress = progress

    def report(self, phase: str, done: int = 0, total: int = 0) -> None:
        """Tell the caller where the sync is (after checking the cancel flag)."""
        self(phase)
        if self._progress is not None:
            self._progress(phase, done, total)

    def merging(self, done: int, total: int) -> None:
        """The reconcile step's chunk-by-chunk report."""
        self.report("merging", done, total)

    @property
    def cancelled(self) -> bool:
        return self._event is not None and self._event.is_set()

    def __call__(self, where: str) -> None:
        if self.cancelled:
            raise SyncCancelled(f"the sync was cancelled ({where}); nothing was committed")


def _log_failure(replica: Replica, report: SyncReport, outcome: str, message: str) -> None:
    entry = SyncLogEntry(
        utc_now_iso(), report.transport, report.target, outcome, 0, 0, 0, False,
        report.duration * 1000, message,
    )  # fmt: skip
    with replica.write() as conn:
        replica.state.log_sync(entry, conn)


def _due_full(replica: Replica, every_syncs: int, every: timedelta) -> bool:
    # Every ``every_syncs``-th sync is a full one: after a full sync, every_syncs - 1 may be fast.
    if int(replica.meta("syncs_since_full", "0") or 0) >= every_syncs - 1:
        return True
    last = replica.meta("last_full_sync")
    if last is None:
        return True
    when = datetime.fromisoformat(last)  # "…Z": UTC (no _strptime import for the fast path)
    return datetime.now(UTC) - when >= every


def _run(
    replica: Replica,
    remote: Remote,
    report: SyncReport,
    max_attempts: int,
    full_every_syncs: int,
    full_every: timedelta,
    started: float,
    check: _Cancel,
) -> None:
    for attempt in range(1, max_attempts + 1):
        check.report("reading")
        report.attempts = attempt
        snapshot_seq = replica.state.max_seq()
        pushing = replica.state.needs_push()
        known = replica.meta("remote_tag") if replica.meta("remote") == remote.description else None
        full = pushing or _due_full(replica, full_every_syncs, full_every)
        read = remote.read(None if full else known)
        copies = remote.side_copies()
        if read.unchanged:
            left_alone = [c for c in copies if isinstance(c, LeftAlone)]
            if len(left_alone) == len(copies):
                # look-alike names (a user's digikunta-2024.json) are reported, never read
                report.ignored_copies = [(c.name, c.reason) for c in left_alone]
                _finish_fast(replica, report, read, started)
                return
            read = remote.read(None)
        tag = read.tag
        # Parse here and drop the raw bytes: only the record lines stay in memory.
        known_remote = replica.meta("remote") == remote.description
        layout = replica.state.layout()
        doc, salvaged = _parse(read.data, remote.description, replica.dataset, known_remote, layout)
        del read
        check("after reading")
        try:
            _merge_and_write(
                replica, remote, report, doc, tag, copies, snapshot_seq, full, started, check,
                salvaged,
            )  # fmt: skip
            return
        except RemoteChanged:
            report.pulled = report.pushed = 0
            report.conflicts, report.absorbed, report.ignored_copies = [], [], []
            continue
    raise SyncError(
        f"{remote.description}: the shared document kept changing during {max_attempts} "
        "attempts; nothing was lost, try again"
    )


def _parse(
    data: bytes | None,
    source: str,
    dataset: str | None,
    known_remote: bool,
    layout: Layout | None = None,
) -> tuple[ParsedDocument | None, int | None]:
    """The document read, and how many records survived if it was truncated (else None).

    A truncated document of this replica's data set is salvaged: its complete record lines
    are the remote state, and the sync writes the whole merged state back over it. One torn
    before its data set id (an empty file) is salvaged as empty, but only at the remote this
    replica already syncs with (``known_remote``): anywhere else it might be anybody's file.
    """
    if data is None:
        return None, None
    from .document import TruncatedDocument, parse_document
    from .salvage import salvage_headless, salvage_truncated

    try:
        return parse_document(data, source, layout), None
    except TruncatedDocument:
        salvage = salvage_truncated(data, source, dataset)
        if salvage is None and known_remote:
            salvage = salvage_headless(data, source, dataset)
        if salvage is None:
            raise
        return salvage


def _finish_fast(replica: Replica, report: SyncReport, read: RemoteRead, started: float) -> None:
    report.fast_path = True
    report.duration = time.perf_counter() - started
    now = utc_now_iso()
    entry = SyncLogEntry(
        now, report.transport, report.target, "ok", 0, 0, 0, True, report.duration * 1000, ""
    )
    # Bookkeeping only (a cached tag, counters, the history line): losing it in a power cut
    # costs a re-read at worst, so the commit does not wait for the disk.
    with replica.write(durable=False) as conn:
        if read.tag != replica.state.meta_in(conn, "remote_tag", ""):
            replica.state.set_meta(conn, "remote_tag", read.tag)
        n = int(replica.state.meta_in(conn, "syncs_since_full", "0")) + 1
        replica.state.set_meta(conn, "syncs_since_full", str(n))
        replica.state.set_meta(conn, "last_sync", now)
        replica.state.log_sync(entry, conn)


def _parse_copies(
    copies: list[SideCopy], dataset: str | None, report: SyncReport
) -> list[tuple[SideCopy, ParsedDocument]]:
    """The copies to merge; look-alike names, unreadable copies and other data sets reported."""
    from .document import parse_document

    usable = []
    for copy in copies:
        if isinstance(copy, LeftAlone):
            report.ignored_copies.append((copy.name, copy.reason))
            continue
        try:
            doc = parse_document(copy.data, copy.name)
        except DocumentError as exc:
            report.ignored_copies.append((copy.name, Notice(str(exc), code=exc.code, **exc.params)))
            continue
        if dataset is None:
            dataset = doc.dataset
        if doc.dataset != dataset:
            reason = Notice("belongs to another data set", code="notice.other_dataset")
            report.ignored_copies.append((copy.name, reason))
            continue
        usable.append((copy, doc))
    return usable


def _with_copies(
    doc: ParsedDocument | None,
    copies: list[ParsedDocument],
    clock: HybridClock,
    now_iso: str,
    source: str,
) -> ParsedDocument:
    """Merge conflict copies into the main document (slow path: every record parsed).

    A copy whose history the merged state already holds (``sync.copy_history.contains``: its
    writer's later write is in it) is *stale*: it is joined last-writer-wins, so a record it
    holds alive from before a deletion stays deleted, an older value never wins, and no
    conflict is made (its conflict entries are not taken either: the main document merged them
    and dropped the missing ones on purpose). A copy that holds the whole merged state is
    joined the same way. Any other copy is a concurrent write: three-way merge against
    :func:`sync.merge.common_base`, so an edit concurrent with the main document's becomes a
    conflict entry. The merged header's ``replicas`` then claims each copy's history too.
    """
    from .copy_history import contains, join_all, merge_replicas
    from .digests import line_hash
    from .document import ParsedDocument, record_line
    from .merge import common_base, merge

    records = doc.all_records() if doc else {}
    conflicts = list(doc.conflicts) if doc else []
    merged = [doc.header] if doc else []  # the histories ``records`` holds
    replicas = dict(doc.header.replicas) if doc else {}
    for rec in records.values():
        clock.observe(newest_stamp(rec))
    for copy in copies:
        theirs = copy.all_records()
        for rec in theirs.values():
            clock.observe(newest_stamp(rec))
        stale = any(contains(h, copy.header) for h in merged)
        newer = bool(merged) and all(contains(copy.header, h) for h in merged)
        if stale or newer:
            records, theirs = join_all(records, theirs)  # left: another kind under an id
        found: list[dict[str, Any]] = []
        if theirs:
            records, found = merge(
                common_base(records, theirs), records, theirs, new_stamp=clock.tick, now_iso=now_iso
            )
        if not stale:
            conflicts = merge_conflicts(conflicts, copy.conflicts, found)
        elif found:
            conflicts = merge_conflicts(conflicts, found)
        merged.append(copy.header)
        replicas = merge_replicas(replicas, copy.header.replicas)
    ordered = sorted(records.values(), key=lambda r: (r["kind"], r["id"]))
    lines = [record_line(r) for r in ordered]
    header = (doc or copies[0]).header.model_copy(
        update={"conflicts": conflicts, "replicas": replicas}
    )
    merged_doc = ParsedDocument(source, header, lines, [line_hash(ln) for ln in lines])
    merged_doc.parsed = dict(enumerate(ordered))
    return merged_doc


def _merge_and_write(
    replica: Replica,
    remote: Remote,
    report: SyncReport,
    doc: ParsedDocument | None,
    tag: str | None,
    side: list[SideCopy],
    snapshot_seq: int,
    full: bool,
    started: float,
    check: _Cancel,
    salvaged: int | None = None,
) -> None:
    from .commit import SyncOutcome, commit_sync
    from .document import document_chunks
    from .reconcile import reconcile

    source = remote.description
    dataset = replica.dataset
    if doc is not None and dataset is not None and doc.dataset != dataset:
        raise DocumentError(
            f"{source}: belongs to another data set ({doc.dataset}); this replica syncs with "
            f"{dataset}. Point it at the right shared file, or use a new replica.",
            code="document.other_dataset",
            source=source,
        )
    copies = _parse_copies(side, doc.dataset if doc else dataset, report)
    clock = replica.state.clock(replica.conn)
    now_iso = utc_now_iso()
    if copies:
        doc = _with_copies(doc, [d for _, d in copies], clock, now_iso, source)
    if not dataset:
        import secrets  # a new data set only: not loaded by other syncs

        dataset = doc.dataset if doc else secrets.token_hex(16)

    plan = reconcile(replica, doc, clock, now_iso, check.merging)
    try:
        replica.state.advance_clock(clock.last)  # edits from now on get larger stamps than all seen
        stored = replica.state.stored_conflicts()
        remote_conflicts = doc.conflicts if doc else []
        conflicts = merge_conflicts(remote_conflicts, stored, plan.found, erased=plan.erased)
        known_ids = {c["id"] for c in stored} | {c["id"] for c in remote_conflicts}
        report.conflicts = [
            ConflictEntry.from_json(c) for c in plan.found if c["id"] not in known_ids
        ]
        report.pulled, report.pushed = plan.pulled, plan.pushed

        write = doc is None or bool(copies) or plan.changed_remote or conflicts != remote_conflicts
        write = write or salvaged is not None  # a truncated document is always written whole
        check("before writing")
        if write:
            check.report("writing")
            header = _header(doc, dataset, replica, conflicts, now_iso)
            del doc  # the lines live on in plan.pieces
            chunks = document_chunks(header, plan.record_lines())
            # the erased ids drive the scrub of NAME.bak (the version replaced) and the copies:
            # with copies merged in, the version replaced may still hold a person erased before
            scrub = frozenset(plan.erased) if copies else frozenset(plan.newly_erased)
            tag = remote.write(chunks, tag, scrub=scrub)
            del chunks
            report.wrote = True
            if salvaged is not None:
                report.warnings.append(
                    Notice(
                        f"the shared document {source} was truncated (an interrupted "
                        f"upload?); rewrote it from this laptop's copy: {salvaged} of its "
                        "records were readable",
                        code="notice.salvaged",
                        source=source,
                        records=salvaged,
                    )
                )
            remote.absorb([c for c, _ in copies], scrub)
            report.absorbed = [c.name for c, _ in copies]

        report.duration = time.perf_counter() - started
        log = SyncLogEntry(
            now_iso, report.transport, report.target, "ok", report.pulled, report.pushed,
            len(report.conflicts), False, report.duration * 1000, "; ".join(report.warnings),
        )  # fmt: skip
        outcome = SyncOutcome(
            snapshot_seq=snapshot_seq,
            plan=plan,
            conflicts=conflicts,
            tag=tag,
            dataset=dataset,
            remote=source,
            clock_last=clock.last,
            full_read=full,
            log=log,
        )
        check.report("committing")
        late = commit_sync(replica, outcome)
        report.conflicts.extend(ConflictEntry.from_json(c) for c in late)
    finally:
        plan.close()  # a spool of new lines, if the merge made one


def _header(
    doc: ParsedDocument | None,
    dataset: str,
    replica: Replica,
    conflicts: list[dict[str, Any]],
    now_iso: str,
) -> dict[str, Any]:
    from .document import FORMAT, FORMAT_VERSION

    if doc is not None:
        header = doc.header.model_dump()
    else:
        header = {"format": FORMAT, "format_version": FORMAT_VERSION}
        header.update(generation=0, replicas={})
    generation = header["generation"] + 1
    header.update(
        dataset=dataset,
        generation=generation,
        written_at=now_iso,
        written_by=replica.replica_id,
        conflicts=conflicts,
    )
    header["replicas"][replica.replica_id] = {
        "name": replica.name,
        "last_write": now_iso,
        "generation": generation,
    }
    return header
