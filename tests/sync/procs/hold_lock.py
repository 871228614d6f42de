"""Hold the shared file's lock (as another Digikunta would while writing) until stdin closes.

Usage: hold_lock.py LOCKPATH. Prints "locked" (flushed) once the lock is held.
"""

from __future__ import annotations

import sys

from filelock import FileLock


def main() -> None:
    lock = FileLock(sys.argv[1])
    with lock:
        print("locked", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
