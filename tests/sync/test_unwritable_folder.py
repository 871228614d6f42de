"""A shared folder that cannot be written is *offline* at once, names the folder, writes nothing.

filelock 4 raises PermissionError / EROFS at once when the lock file cannot be created or
opened; the remote turns that into RemoteOffline. The child counts sleeps to prove that the lock
was not polled until a timeout (a sleep raises, so even a one-hour lock timeout cannot hang).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from restricted_runs import child_env, private_mount_prefix, unprivileged_prefix
from sync_testkit import PROCS

from sync.errors import RemoteOffline

TRY_WRITE = str(PROCS / "try_write.py")


def _listing(folder: Path) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in sorted(os.listdir(folder))}


def _write_as(prefix: list[str], path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [*prefix, sys.executable, TRY_WRITE, "write", str(path), "8192"],
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("state", ["no document yet", "a document", "a document and its lock"])
def test_a_folder_the_user_cannot_write_is_offline_at_once(tmp_path: Path, state: str) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "digikunta.json"
    if state != "no document yet":
        subprocess.run(
            [sys.executable, TRY_WRITE, "init", str(path)],
            env=child_env(),
            check=True,
            capture_output=True,
        )
    if state == "a document and its lock":
        (folder / "digikunta.json.lock").touch(mode=0o644)
    prefix = unprivileged_prefix(folder)
    folder.chmod(0o555)
    before = _listing(folder)
    try:
        outcome = _write_as(prefix, path)
    finally:
        folder.chmod(0o755)
    assert outcome["error"] == RemoteOffline.__name__, outcome
    assert outcome["message"].startswith(f"{folder}: ")
    assert "permission denied" in outcome["message"]
    assert outcome["sleeps"] == 0
    assert _listing(folder) == before


def test_a_read_only_file_system_is_offline_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    prefix = private_mount_prefix(folder)
    path = folder / "digikunta.json"
    before, after = tmp_path / "before.txt", tmp_path / "after.txt"
    script = (
        f'mount -t tmpfs -o size=1m tmpfs "{folder}" && '
        f'"{sys.executable}" "{TRY_WRITE}" init "{path}" >/dev/null && '
        f'mount -o remount,ro "{folder}" && ls -a "{folder}" > "{before}" && '
        f'"{sys.executable}" "{TRY_WRITE}" write "{path}" 8192 && '
        f'ls -a "{folder}" > "{after}" && cat "{path}"'
    )
    done = subprocess.run(
        [*prefix, "sh", "-c", script], env=child_env(), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result, content = done.stdout.splitlines()
    outcome = json.loads(result)
    assert outcome["error"] == RemoteOffline.__name__, outcome
    assert outcome["message"].startswith(f"{folder}: ")
    assert "read-only file system" in outcome["message"]
    assert outcome["sleeps"] == 0
    assert after.read_text() == before.read_text()
    assert "digikunta.json" in before.read_text().split()
    assert content == '{"first": "version"}'
