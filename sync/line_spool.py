"""Record lines a sync made, kept in an unnamed temporary file until the document is written.

A sync that makes many new record lines (pushing a replica's whole content into an empty
shared folder: 64 MB at 100 000 records) would hold every one of them in memory from the
merge until the write. Past :data:`SPOOL_AFTER` bytes the merge appends the lines it made to
a :class:`LineSpool` instead and keeps only their numbers; the lines are read back, a block at
a time, to digest the document's chunks (:mod:`sync.layout`) and to write them.

The file has no name (it is unlinked as it is made: nothing is left behind if the process is
killed) and lives in the replica's folder, beside the replica that holds the same records.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

SPOOL_AFTER = 8 << 20
"""New lines a sync keeps in memory (bytes) before it spools the rest."""
_FLUSH = 1 << 18
_READ = 1 << 18


class LineSpool:
    """Lines appended in turn to a temporary file; line ``n`` is read back by its number."""

    def __init__(self, folder: Path) -> None:
        import tempfile  # only a sync that spools loads it

        # closed by close(): the spool outlives this call
        self._file = tempfile.TemporaryFile(dir=folder, prefix=".digikunta-lines-")  # noqa: SIM115
        self._fd = self._file.fileno()
        self.ends: array[int] = array("q")
        """Where each line ends in the file (line ``n`` starts where ``n - 1`` ends)."""
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._written = 0

    def __len__(self) -> int:
        return len(self.ends)

    def add(self, line: bytes) -> int:
        """Append ``line``; return its number."""
        end = (self.ends[-1] if self.ends else 0) + len(line)
        self.ends.append(end)
        self._pending.append(line)
        self._pending_bytes += len(line)
        if self._pending_bytes >= _FLUSH:
            self._flush()
        return len(self.ends) - 1

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending, self._pending_bytes = [], 0
            view = memoryview(data)
            while view:
                n = os.pwrite(self._fd, view, self._written)
                self._written += n
                view = view[n:]

    def _read(self, start: int, end: int) -> bytes:
        if end > self._written:
            self._flush()
        data = os.pread(self._fd, end - start, start)
        while len(data) < end - start:  # a short read: read on
            more = os.pread(self._fd, end - start - len(data), start + len(data))
            if not more:
                raise OSError(f"the temporary file of record lines ends at {start + len(data)}")
            data += more
        return data

    def line(self, n: int) -> bytes:
        """Line ``n``."""
        return self._read(self.ends[n - 1] if n else 0, self.ends[n])

    def resolve(self, items: Iterable[bytes | memoryview | int]) -> Iterator[bytes | memoryview]:
        """``items`` with each line number replaced by its line; runs of consecutive numbers
        are read together (one read of up to about 256 KiB)."""
        ends = self.ends
        run: list[int] = []

        def flush_run() -> Iterator[memoryview]:
            start = ends[run[0] - 1] if run[0] else 0
            data = memoryview(self._read(start, ends[run[-1]]))
            pos = 0
            for n in run:
                stop = ends[n] - start
                yield data[pos:stop]
                pos = stop
            run.clear()

        for item in items:
            if isinstance(item, int):
                if run and (item != run[-1] + 1 or ends[item] - ends[run[0]] >= _READ):
                    yield from flush_run()
                run.append(item)
                continue
            if run:
                yield from flush_run()
            yield item
        if run:
            yield from flush_run()

    def close(self) -> None:
        """Drop the file (its lines are gone)."""
        self._file.close()
