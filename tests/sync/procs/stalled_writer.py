"""Write the shared document through FileRemote and stall half-way, to be killed (SIGKILL).

Usage: stalled_writer.py SHARED

Reads the document, starts writing it back (a real ``FileRemote.write``: lock held, temporary
file ``.NAME.<hex>.tmp`` open), and once the current content and some padding are in the
temporary file prints ``writing NAME`` (flushed) with the temporary file's name, then waits on
stdin for ever: the parent kills it there, as a laptop that loses power mid-write would be.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

from sync import FileRemote


def main() -> None:
    shared = Path(sys.argv[1])
    remote = FileRemote(shared, lock_timeout=30.0)
    read = remote.read(None)
    assert read.data is not None, "the shared document must exist"
    before = set(os.listdir(shared.parent))

    def chunks() -> Iterator[bytes]:
        yield read.data
        yield b" " * 65536  # larger than the file buffer: the content above reaches the file
        (tmp,) = [n for n in os.listdir(shared.parent) if n not in before and n.endswith(".tmp")]
        print(f"writing {tmp}", flush=True)
        sys.stdin.read()  # stalls here until killed
        yield b""

    remote.write(chunks(), read.tag, scrub=frozenset())


if __name__ == "__main__":
    main()
