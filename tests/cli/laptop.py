"""A coordinator's laptop in a process of its own, its wall clock optionally wrong.

    python laptop.py [--clock-offset SECONDS] DATA_DIR SHARED_FILE STEP [ARG ...] [STEP ...]

Steps run in order: ``sync`` (with the shared file) and ``consent PERSON PURPOSE ACTION``
(recorded now, through ``Repository.add_consent`` as the app does). Prints one JSON object:
``{"recorded": [ids of the recorded events]}``.

``--clock-offset`` moves this process's wall clock: ``time.time_ns`` (which the hybrid logical
clock reads) is shifted before any project module is imported, and the repository's ``utc_now``
(the ``at`` of new events) reads the same shifted clock — as on a laptop whose system clock is
wrong. The code under test is unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clock-offset", type=float, default=0.0)
    parser.add_argument("data_dir")
    parser.add_argument("shared")
    parser.add_argument("steps", nargs="+")
    args = parser.parse_args()

    offset_ns = int(args.clock_offset * 1_000_000_000)
    real_time_ns = time.time_ns
    time.time_ns = lambda: real_time_ns() + offset_ns  # before sync.hlc binds it as a default

    from digikunta_tui.domain import repository
    from sync import FileRemote, sync

    def shifted_utc_now() -> str:
        moment = datetime.fromtimestamp(time.time_ns() / 1e9, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    repository.utc_now = shifted_utc_now

    repo = repository.Repository.open(args.data_dir, replica_name="laptop")
    recorded: list[str] = []
    steps = list(args.steps)
    try:
        while steps:
            step = steps.pop(0)
            if step == "sync":
                sync(repo.replica, FileRemote(Path(args.shared)))
                repo.refresh()
            elif step == "consent":
                person, purpose, action = steps[:3]
                del steps[:3]
                recorded.append(repo.add_consent(person, purpose, action))
            else:
                raise SystemExit(f"unknown step {step!r}")
    finally:
        repo.close()
    json.dump({"recorded": recorded}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
