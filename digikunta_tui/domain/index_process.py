"""A large index build's rows made by another process, so that a build uses both cores.

Of a build at 50 000 people (177 438 records) about half is Python making rows (reading the
replica, decoding each record's JSON, :func:`~digikunta_tui.domain.index_rows.read_batches`)
and half SQLite writing them. In one process the two take turns under one interpreter lock.
Here the rows of most kinds (:data:`PARTS`) are made by ``python -m
digikunta_tui.domain.index_process REPLICA BATCH PART`` while the building process writes
them, and makes the consent events' rows itself (:data:`HERE`) with the titles that process
sent: the two then take about as long. A second rows process (the consents apart) cost
0.3–0.5 s more CPU than it saved — its own interpreter, every person's name decoded a second
time, its own frames — and made the build slower whenever the machine was busy.

Each process reads the replica file in one read transaction of its own and writes
:func:`~digikunta_tui.domain.index_rows.read_batches` items to its standard output as frames
(a length, then the item in :mod:`marshal` form: tuples of text, numbers and None only); a pipe
between processes of this program, never a file, so nothing of the rows stays behind. The
building process reads the frames on one thread per process (waiting on a pipe leaves the
interpreter lock free) and decodes them on the thread that writes: decoding is a third of the
building process's Python work, and ``marshal`` does it in two thirds of ``pickle``'s time. They
have no terminal (standard input is closed, errors go to a temporary file). The reads may see
different states of the replica if a sync commits between them: the rows then claim the oldest
state (the smallest change number and erasure count), and the index's next refresh applies
every change after it again — applying a change is idempotent — so no change is missed.
"""

from __future__ import annotations

import marshal
import queue
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from digikunta_tui.domain.index_rows import KIND_ORDER, Batch, Snapshot, read_batches
from digikunta_tui.errors import RowsFailed

PROCESS_MIN = 20_000
"""Live records from which a build makes its rows in other processes. Below it, starting them
(about 0.3 s) costs more than it saves."""

HERE: tuple[tuple[str, ...], int] = (("consent",), 1 << 40)
"""(kinds, first row number) the building process makes itself, from its own read of the
replica, once the other process's rows have given it every title they name (see
:func:`~digikunta_tui.domain.index_build.build_file`)."""

PARTS: tuple[tuple[tuple[str, ...], int], ...] = (
    (tuple(kind for kind in KIND_ORDER if kind not in HERE[0]), 1),
)
"""(kinds, first row number) each process makes: disjoint kinds and row numbers, none of
:data:`HERE`'s."""


_LENGTH = struct.Struct("<Q")
"""A frame's length prefix."""


def write_frame(out: IO[bytes], item: Snapshot | Batch) -> None:
    """One item of :func:`read_batches` as a frame (a snapshot as its three numbers)."""
    value: tuple[Any, ...] = (
        (item.seq, item.erasures, item.records) if isinstance(item, Snapshot) else item
    )
    data = marshal.dumps(value)
    out.write(_LENGTH.pack(len(data)))
    out.write(data)


def read_frame(stream: IO[bytes]) -> bytes | None:
    """The next frame's bytes, or None at the end of the stream (a cut frame is the end too)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def decode_frame(data: bytes, *, first: bool) -> Snapshot | Batch:
    """A frame back as the item it was: the first of a stream is its snapshot.

    Raises:
        RowsFailed: the frame is not what a rows process writes.
    """
    try:
        value = marshal.loads(data)
    except (EOFError, ValueError, TypeError) as error:
        raise RowsFailed(f"an unreadable frame of index rows: {error}") from error
    if not isinstance(value, tuple) or len(value) != 3:
        raise RowsFailed("a frame of index rows is not a triple")
    if first:
        return Snapshot(*value)
    return value


@contextmanager
def batches_from_processes(replica_path: Path, batch: int) -> Iterator[Iterator[Snapshot | Batch]]:
    """The items of :func:`read_batches` over every kind, made by one process per ``PARTS``.

    One :class:`Snapshot` comes first (the older of the parts' states, their records summed),
    then the parts' batches as they arrive. The processes are killed when the block ends
    early (a cancelled or failed build).

    Raises:
        RowsFailed: while iterating, when a process could not start or did not finish.
    """
    with ExitStack() as stack:
        streams = [
            stack.enter_context(_process(replica_path, batch, part)) for part in range(len(PARTS))
        ]
        yield _merged(streams)


@contextmanager
def _process(replica_path: Path, batch: int, part: int) -> Iterator[Iterator[bytes]]:
    with tempfile.TemporaryFile() as errors:
        command = [sys.executable, "-m", __name__, str(replica_path), str(batch), str(part)]
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors
            )
        except OSError as error:
            raise RowsFailed(f"could not start an index rows process: {error}") from error
        with process:  # on leaving: its output closed, and waited for
            assert process.stdout is not None
            try:
                yield _received(process, process.stdout, errors)
            finally:
                if process.poll() is None:
                    process.kill()


def _received(
    process: subprocess.Popen[bytes], stream: IO[bytes], errors: IO[bytes]
) -> Iterator[bytes]:
    """The frames a process writes, undecoded; then its exit is checked."""
    while True:
        try:
            frame = read_frame(stream)
        except ValueError:  # closed meanwhile
            break
        if frame is None:
            break
        yield frame
    code = process.wait()
    if code != 0:
        errors.seek(0)
        said = errors.read()[-2000:].decode("utf-8", "replace").strip().splitlines()
        raise RowsFailed(f"an index rows process ended with {code}: {said[-1] if said else ''}")


_END = object()


def _merged(streams: list[Iterator[bytes]]) -> Iterator[Snapshot | Batch]:
    """One snapshot, then every stream's batches in the order they arrive (a thread each
    reads, the consumer decodes)."""
    arrived: queue.SimpleQueue[tuple[int, object]] = queue.SimpleQueue()

    def pump(number: int, stream: Iterator[bytes]) -> None:
        try:
            for frame in stream:
                arrived.put((number, frame))
        except BaseException as error:  # handed to the consumer, raised there
            arrived.put((number, error))
        arrived.put((number, _END))

    for number, stream in enumerate(streams):
        threading.Thread(target=pump, args=(number, stream), name="index-rows", daemon=True).start()
    snapshots: list[Snapshot] = []
    early: list[Batch] = []
    begun: set[int] = set()
    running = len(streams)
    while running:
        number, frame = arrived.get()
        if frame is _END:
            running -= 1
            continue
        if isinstance(frame, BaseException):
            raise frame
        assert isinstance(frame, bytes)
        first = number not in begun
        begun.add(number)
        item = decode_frame(frame, first=first)
        if isinstance(item, Snapshot):
            snapshots.append(item)
            if len(snapshots) == len(streams):
                yield _older(snapshots)
                yield from early
                early.clear()
        elif len(snapshots) < len(streams):
            early.append(item)
        else:
            yield item
    if len(snapshots) != len(streams):
        raise RowsFailed("an index rows process gave no snapshot")


def _older(snapshots: list[Snapshot]) -> Snapshot:
    return Snapshot(
        seq=min(s.seq for s in snapshots),
        erasures=min(s.erasures for s in snapshots),
        records=sum(s.records for s in snapshots),
    )


def main(argv: list[str]) -> int:
    """A rows process: ``REPLICA BATCH PART`` → framed batches on standard output."""
    path, batch, (kinds, first_rowid) = Path(argv[0]), int(argv[1]), PARTS[int(argv[2])]
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("PRAGMA query_only = ON")
    out = sys.stdout.buffer
    conn.execute("BEGIN")  # deferred: the first read fixes the snapshot
    for item in read_batches(conn, batch, kinds, first_rowid):
        write_frame(out, item)
    conn.execute("COMMIT")
    out.flush()
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
