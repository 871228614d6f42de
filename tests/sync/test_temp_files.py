"""Stale temporary files of killed writers are removed under the lock, and only those."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_testkit import PROCS, child_env, live_shared

from sync import FileRemote, RemoteOffline, Replica, sync
from sync.temp_files import ABSORBED_MIN_AGE, remove_stale_temp_files

SECRET = "Vörjyxplankt"


def _start_stalled_writer(shared: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """A real writer that stops half-way through writing its temporary file."""
    proc = subprocess.Popen(
        [sys.executable, str(PROCS / "stalled_writer.py"), str(shared)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    assert line.startswith("writing "), proc.stderr.read().decode() if proc.stderr else line
    return proc, shared.parent / line.split()[1]


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@pytest.mark.slow
def test_a_writer_killed_mid_write_leaves_a_temp_file_that_the_next_writer_removes(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": SECRET})
    sync(a, remote)

    proc, tmp = _start_stalled_writer(shared)
    try:
        # While the writer lives and holds the lock, nobody else writes or cleans up.
        a.put("person", "p2", {"name": "Toinen"})
        with pytest.raises(RemoteOffline):
            sync(a, FileRemote(shared, lock_timeout=0.2))
        assert SECRET.encode() in tmp.read_bytes()
    finally:
        _kill(proc)
    assert tmp.exists(), "the killed writer's temporary file stays behind"
    assert SECRET.encode() in tmp.read_bytes()

    report = sync(a, remote)
    assert report.wrote
    assert not tmp.exists()
    assert not [n for n in os.listdir(shared.parent) if n.endswith(".tmp")]
    assert set(live_shared(shared)) == {"p1", "p2"}


def test_only_temp_files_of_this_document_are_removed(shared: Path) -> None:
    folder = shared.parent
    stale = [".digikunta.json.0a1b2c3d.tmp", ".digikunta.json.bak.9f8e7d6c.tmp"]
    kept = [
        ".muistio.json.0a1b2c3d.tmp",  # another document's
        "digikunta.json.0a1b2c3d.tmp",  # not a hidden temp name
        ".digikunta.json.oma.tmp",  # not a writer's hex token
        ".digikunta.json.0a1b2c3d.tmp.txt",
        "digikunta.json.bak",
        "digikunta.json.lock",
    ]
    for name in stale + kept:
        (folder / name).write_bytes(SECRET.encode())
    (folder / ".digikunta.json.abcdef12.tmp").mkdir()  # a folder by that name is not ours
    absorbed = folder / ".digikunta-absorbed"
    absorbed.mkdir()
    old, fresh = absorbed / ".copy.json.tmp", absorbed / ".other copy.json.tmp"
    copy = absorbed / "digikunta (A's conflicted copy 2024-05-01).json"
    for path in (old, fresh, copy):
        path.write_bytes(SECRET.encode())
    an_hour_ago = time.time() - ABSORBED_MIN_AGE - 60
    os.utime(old, (an_hour_ago, an_hour_ago))

    removed = remove_stale_temp_files(folder, "digikunta.json")

    assert sorted(removed) == sorted([*stale, ".digikunta-absorbed/.copy.json.tmp"])
    assert sorted(os.listdir(folder)) == sorted(
        [*kept, ".digikunta.json.abcdef12.tmp", ".digikunta-absorbed"]
    )
    assert sorted(os.listdir(absorbed)) == sorted([fresh.name, copy.name])


def test_every_write_of_the_file_remote_cleans_up(
    make_replica: Callable[..., Replica], shared: Path
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Aino"})
    sync(a, FileRemote(shared))
    leftover = shared.parent / ".digikunta.json.bak.00ff00ff.tmp"
    leftover.write_bytes(SECRET.encode())
    a.put("person", "p1", {"name": "Aino Virtanen"})
    sync(a, FileRemote(shared))
    assert not leftover.exists()


def test_a_missing_folder_is_not_an_error(tmp_path: Path) -> None:
    assert remove_stale_temp_files(tmp_path / "gone", "digikunta.json") == []


def test_a_backup_that_already_is_the_document_leaves_no_temp_link(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    """A writer killed after linking NAME.bak to the document, before replacing the document."""
    a = make_replica("a")
    a.put("person", "p1", {"name": SECRET})
    sync(a, remote)
    os.link(shared, remote.backup_path)
    a.put("person", "p1", {"name": "Aino"})
    sync(a, remote)
    assert not [n for n in os.listdir(shared.parent) if n.endswith(".tmp")]
    assert SECRET.encode() in remote.backup_path.read_bytes()  # the previous version, kept
