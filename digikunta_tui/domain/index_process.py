"""A large index build's rows made by two other processes, so that a build uses every core.

Of a build at 50 000 people (177 438 records) about three fifths is Python making rows (reading
the replica, decoding each record's JSON, :func:`~digikunta_tui.domain.listing.listing`) and
two fifths SQLite writing them. In one process the two take turns under one interpreter lock.
Here the rows are made by ``python -m digikunta_tui.domain.index_process REPLICA BATCH PART``
— one process for the consents (the largest kind), one for the rest — while the building
process only writes, and the app's UI thread has the lock to itself far more often.

Each process reads the replica file in one read transaction of its own and writes pickled
:func:`~digikunta_tui.domain.index_rows.read_batches` items to its standard output: a pipe
between processes of this program, never a file, so nothing of the rows stays behind. They
have no terminal (standard input is closed, errors go to a temporary file). Their two reads may
see two states of the replica if a sync commits between them: the rows then claim the older
state (the smaller change number and erasure count), and the index's next refresh applies
every change after it again — applying a change is idempotent — so no change is missed.
"""

from __future__ import annotations

import pickle
import queue
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from digikunta_tui.domain.index_rows import KIND_ORDER, Batch, Snapshot, read_batches

PROCESS_MIN = 20_000
"""Live records from which a build makes its rows in other processes. Below it, starting them
(about 0.3 s) costs more than it saves."""

PARTS: tuple[tuple[tuple[str, ...], int], ...] = (
    (tuple(kind for kind in KIND_ORDER if kind != "consent"), 1),
    (("consent",), 1 << 40),
)
"""(kinds, first row number) each process makes: disjoint kinds and row numbers. Two parts of
about equal work at 50 000 people (the consents need the people's names read again)."""


class RowsFailed(Exception):
    """A rows process ended without giving every row (the build is then made in-process)."""


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
def _process(replica_path: Path, batch: int, part: int) -> Iterator[Iterator[Snapshot | Batch]]:
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
) -> Iterator[Snapshot | Batch]:
    while True:
        try:
            item = pickle.load(stream)
        except (EOFError, pickle.UnpicklingError, ValueError):  # ValueError: closed meanwhile
            break
        yield item
    code = process.wait()
    if code != 0:
        errors.seek(0)
        said = errors.read()[-2000:].decode("utf-8", "replace").strip().splitlines()
        raise RowsFailed(f"an index rows process ended with {code}: {said[-1] if said else ''}")


_END = object()


def _merged(streams: list[Iterator[Snapshot | Batch]]) -> Iterator[Snapshot | Batch]:
    """One snapshot, then every stream's batches in the order they arrive (a thread each)."""
    arrived: queue.SimpleQueue[object] = queue.SimpleQueue()

    def pump(stream: Iterator[Snapshot | Batch]) -> None:
        try:
            for item in stream:
                arrived.put(item)
        except BaseException as error:  # handed to the consumer, raised there
            arrived.put(error)
        arrived.put(_END)

    for stream in streams:
        threading.Thread(target=pump, args=(stream,), name="index-rows", daemon=True).start()
    snapshots: list[Snapshot] = []
    early: list[Batch] = []
    running = len(streams)
    while running:
        item = arrived.get()
        if item is _END:
            running -= 1
        elif isinstance(item, BaseException):
            raise item
        elif isinstance(item, Snapshot):
            snapshots.append(item)
            if len(snapshots) == len(streams):
                yield _older(snapshots)
                yield from early
                early.clear()
        elif len(snapshots) < len(streams):
            early.append(item)  # type: ignore[arg-type]
        else:
            yield item  # type: ignore[misc]
    if len(snapshots) != len(streams):
        raise RowsFailed("an index rows process gave no snapshot")


def _older(snapshots: list[Snapshot]) -> Snapshot:
    return Snapshot(
        seq=min(s.seq for s in snapshots),
        erasures=min(s.erasures for s in snapshots),
        records=sum(s.records for s in snapshots),
    )


def main(argv: list[str]) -> int:
    """A rows process: ``REPLICA BATCH PART`` → pickled batches on standard output."""
    path, batch, (kinds, first_rowid) = Path(argv[0]), int(argv[1]), PARTS[int(argv[2])]
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("PRAGMA query_only = ON")
    out = sys.stdout.buffer
    conn.execute("BEGIN")  # deferred: the first read fixes the snapshot
    for item in read_batches(conn, batch, kinds, first_rowid):
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)
    conn.execute("COMMIT")
    out.flush()
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
