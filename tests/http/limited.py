"""Run something with the process's address space limited (``RLIMIT_AS``), as a child process.

    python limited.py BYTES cli ARGS...      the digikunta CLI (``digikunta ARGS...``)
    python limited.py BYTES plain-get URL    an unbounded read: ``httpx.get(URL).content``

A limit of 1.5 GB stands for a laptop that cannot afford gigabytes: bounded code finishes under
it with its own clean message and exit code, while code that reads a 3 GiB (decompressed) body
into memory dies with MemoryError. The limit is set before anything big is imported.
"""

from __future__ import annotations

import resource
import sys


def main(argv: list[str]) -> int:
    """Set the limit, then run the mode named in ``argv``; returns the exit code."""
    limit, mode, *args = argv
    resource.setrlimit(resource.RLIMIT_AS, (int(limit), int(limit)))
    if mode == "cli":
        from digikunta_tui.cli import main as cli

        return cli(args)
    if mode == "plain-get":
        import httpx

        body = httpx.get(args[0], timeout=60).content
        print(len(body))
        return 0
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
