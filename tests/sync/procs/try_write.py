"""Write the shared file in a child process (run unprivileged, or on a tmpfs) and report.

Usage:
    try_write.py init PATH             write a small first version (prints its tag)
    try_write.py write PATH SIZE [--fsize-limit N]
                                       replace it with SIZE bytes; print one JSON line:
                                       {"error": type name or null, "message", "sleeps"}

``write`` counts calls of ``time.sleep``: filelock sleeps only between attempts to take the
lock, so a lock that cannot be created must fail with no sleep at all. A sleep raises at once,
so a lock that would spin until its (one hour) timeout cannot hang the test. With
``--fsize-limit`` the process may not make files larger than N bytes (RLIMIT_FSIZE; SIGXFSZ is
ignored so that the write fails with EFBIG, as a full disk fails with ENOSPC).
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time

from sync import FileRemote

FIRST = b'{"first": "version"}\n'


def main() -> None:
    command, path = sys.argv[1], sys.argv[2]
    remote = FileRemote(path, lock_timeout=3600)
    if command == "init":
        print(remote.write(FIRST, None, scrub=frozenset()))
        return
    size = int(sys.argv[3])
    tag = remote.read(None).tag
    if "--fsize-limit" in sys.argv:
        limit = int(sys.argv[sys.argv.index("--fsize-limit") + 1])
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    sleeps = []

    def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        raise RuntimeError("filelock is polling for a lock it can never take")

    time.sleep = no_sleep  # type: ignore[assignment]
    result: dict[str, object] = {"error": None, "message": "", "sleeps": 0}
    try:
        remote.write([b"x" * 4096] * (size // 4096), tag, scrub=frozenset())
    except Exception as exc:
        result.update(error=type(exc).__name__, message=str(exc))
    result["sleeps"] = len(sleeps)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
