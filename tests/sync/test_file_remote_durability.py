"""The file remote's promises, each checked so that breaking it fails a test.

fsync of the temporary file before it replaces the document and of the folder after; the
"shared file disappeared" check; no temporary file left after a failed write (an exception
mid-way, a full disk); and a returned tag that names exactly the version written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from restricted_runs import child_env, private_mount_prefix
from sync_testkit import PROCS

from sync import FileRemote
from sync.errors import RemoteChanged, RemoteOffline
from sync.remote import RemoteRead

NO_SCRUB: frozenset[str] = frozenset()


def _temp_files(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


@pytest.fixture(params=["direct", "through a symlink"])
def remote_and_folder(request: pytest.FixtureRequest, shared: Path, tmp_path: Path):
    """The remote, and the folder where its document really lives."""
    if request.param == "direct":
        return FileRemote(shared), shared.parent
    link = tmp_path / "home" / "digikunta.json"
    link.parent.mkdir()
    link.symlink_to(shared)
    return FileRemote(link), shared.parent


def test_the_temp_file_is_fsynced_before_the_replace_and_the_folder_after(
    remote_and_folder: tuple[FileRemote, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    remote, folder = remote_and_folder
    document = folder / "digikunta.json"
    tag = remote.write(b'{"v": 1}\n', None, scrub=NO_SCRUB)
    events: list[tuple[str, ...]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        events.append(("replace", os.path.realpath(src), os.path.realpath(dst)))
        real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    remote.write([b'{"v": ', b"2}\n"], tag, scrub=NO_SCRUB)
    monkeypatch.undo()

    target = os.path.realpath(document)
    [at] = [i for i, e in enumerate(events) if e[0] == "replace" and e[2] == target]
    temp = events[at][1]
    assert Path(temp).parent == Path(target).parent and Path(temp).name.endswith(".tmp")
    assert ("fsync", temp) in events[:at], events  # the data is on disk before it is the document
    assert ("fsync", os.path.realpath(folder)) in events[at + 1 :], events  # and so is the rename
    assert document.read_bytes() == b'{"v": 2}\n'


def test_a_write_against_a_file_that_disappeared_is_refused_and_creates_nothing(
    remote_and_folder: tuple[FileRemote, Path],
) -> None:
    remote, folder = remote_and_folder
    remote.write(b'{"v": 1}\n', None, scrub=NO_SCRUB)
    read = remote.read(None)
    (folder / "digikunta.json").unlink()  # someone deleted it after our read
    with pytest.raises(RemoteChanged, match="disappeared"):
        remote.write(b'{"v": 2}\n', read.tag, scrub=NO_SCRUB)
    assert not (folder / "digikunta.json").exists()
    assert _temp_files(folder) == []
    if remote.path != folder / "digikunta.json":
        assert remote.path.is_symlink()


def test_the_version_check_compares_content_not_the_file_signature(
    remote_and_folder: tuple[FileRemote, Path],
) -> None:
    """Rewritten in place with the same size and its old modification time put back: the
    signature still matches what was read, the bytes do not; the write is refused."""
    remote, folder = remote_and_folder
    document = folder / "digikunta.json"
    remote.write(b'{"v": 1}\n', None, scrub=NO_SCRUB)
    read = remote.read(None)
    assert read.data == b'{"v": 1}\n'
    before = os.stat(document)
    with open(document, "r+b") as fh:  # same inode, same size
        fh.write(b'{"v": 7}\n')
    os.utime(document, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(RemoteChanged, match="changed while syncing"):
        remote.write(b'{"v": 2}\n', read.tag, scrub=NO_SCRUB)
    assert document.read_bytes() == b'{"v": 7}\n'
    again = remote.read(None)  # read again: now the write goes through
    remote.write(b'{"v": 2}\n', again.tag, scrub=NO_SCRUB)
    assert document.read_bytes() == b'{"v": 2}\n'
    assert _temp_files(folder) == []


class Interrupted(Exception):
    """Raised by a chunk iterator half-way through a document."""


def test_a_write_that_fails_half_way_leaves_no_temp_file_and_the_old_document(
    remote_and_folder: tuple[FileRemote, Path],
) -> None:
    remote, folder = remote_and_folder
    old = b'{"v": 1}\n'
    tag = remote.write(old, None, scrub=NO_SCRUB)

    def chunks():
        yield b'{"v": '
        yield b"2" * 100_000
        raise Interrupted("the document could not be made")

    with pytest.raises(Interrupted):
        remote.write(chunks(), tag, scrub=NO_SCRUB)
    assert (folder / "digikunta.json").read_bytes() == old
    assert _temp_files(folder) == []
    assert remote.read(tag).unchanged  # the same version as before, to the byte
    remote.write(b'{"v": 3}\n', tag, scrub=NO_SCRUB)  # and the next write just works


def _child_write(prefix: list[str], path: Path, size: int, *extra: str) -> dict[str, Any]:
    script = str(PROCS / "try_write.py")
    done = subprocess.run(
        [*prefix, sys.executable, script, "write", str(path), str(size), *extra],
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_full_disk_leaves_no_temp_file_and_the_old_document(tmp_path: Path) -> None:
    """A 256 KiB tmpfs mounted in a private mount namespace (gone when the child ends)."""
    folder = tmp_path / "tiny-disk"
    prefix = private_mount_prefix(folder)
    path = folder / "digikunta.json"
    script = (
        f'mount -t tmpfs -o size=256k tmpfs "{folder}" && '
        f'"{sys.executable}" "{PROCS / "try_write.py"}" init "{path}" >/dev/null && '
        f'"{sys.executable}" "{PROCS / "try_write.py"}" write "{path}" 1048576 && '
        f'ls -a "{folder}" && cat "{path}"'
    )
    done = subprocess.run(
        [*prefix, "sh", "-c", script], env=child_env(), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result, *rest = done.stdout.splitlines()
    outcome = json.loads(result)
    assert outcome["error"] == RemoteOffline.__name__
    assert str(folder) in outcome["message"] and "No space left" in outcome["message"]
    listing, content = rest[:-1], rest[-1]
    assert not [n for n in listing if n.endswith(".tmp")], listing
    assert "digikunta.json" in listing
    assert content == '{"first": "version"}'


def test_a_file_size_limit_leaves_no_temp_file_and_the_old_document(tmp_path: Path) -> None:
    """The same as a full disk, by RLIMIT_FSIZE in a child process (no mount needed)."""
    path = tmp_path / "cloud" / "digikunta.json"
    path.parent.mkdir()
    subprocess.run(
        [sys.executable, str(PROCS / "try_write.py"), "init", str(path)],
        env=child_env(),
        check=True,
        capture_output=True,
    )
    before = path.read_bytes()
    outcome = _child_write([], path, 1 << 20, "--fsize-limit", str(64 * 1024))
    assert outcome["error"] == RemoteOffline.__name__
    assert str(path.parent) in outcome["message"] and "too large" in outcome["message"]
    assert path.read_bytes() == before
    assert _temp_files(path.parent) == []


def test_the_returned_tag_is_exactly_the_version_written(
    remote_and_folder: tuple[FileRemote, Path],
) -> None:
    remote, folder = remote_and_folder
    first = remote.write(b'{"v": 1}\n', None, scrub=NO_SCRUB)
    assert remote.read(first) == RemoteRead(True, None, first)  # fast: not even re-hashed
    second = remote.write([b'{"v": ', b"2}\n"], first, scrub=NO_SCRUB)
    assert second != first
    assert remote.read(second) == RemoteRead(True, None, second)
    assert remote.read(first) == RemoteRead(False, b'{"v": 2}\n', second)
    with pytest.raises(RemoteChanged):
        remote.write(b'{"v": 3}\n', first, scrub=NO_SCRUB)  # a stale tag is refused
    assert (folder / "digikunta.json").read_bytes() == b'{"v": 2}\n'
    third = remote.write(b'{"v": 3}\n', second, scrub=NO_SCRUB)
    assert remote.read(third) == RemoteRead(True, None, third)
    fresh = remote.read(None)  # nothing to compare with: the same version, its hash not needed
    assert fresh.data == b'{"v": 3}\n' and fresh.tag == third.split(":")[0] + ":"
    assert remote.read(fresh.tag) == RemoteRead(True, None, fresh.tag)


def _bump_mtime(path: Path, seconds: int) -> None:
    # the file system's clock may not have moved since the last write (coarse timestamps)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def test_only_a_read_that_could_find_a_touched_file_hashes_it(
    remote_and_folder: tuple[FileRemote, Path],
) -> None:
    remote, folder = remote_and_folder
    path = folder / "digikunta.json"
    written = remote.write(b'{"v": 1}\n', None, scrub=NO_SCRUB)
    assert len(written.split(":")[1]) == 32  # a write's tag names the content's hash
    path.write_bytes(b'{"v": 1}\n')  # a cloud client rewrites the same bytes: new mtime
    _bump_mtime(path, 1)
    touched = remote.read(written)
    assert touched.unchanged and touched.tag != written
    assert touched.tag.split(":")[1] == written.split(":")[1]
    path.write_bytes(b'{"v": 2}\n')  # same size, other bytes: hashed, and changed
    _bump_mtime(path, 2)
    changed = remote.read(touched.tag)
    assert not changed.unchanged and changed.data == b'{"v": 2}\n'
    assert changed.tag.split(":")[1] not in ("", written.split(":")[1])
    path.write_bytes(b'{"v": 10}\n')  # another size: changed for certain, no hash needed
    grown = remote.read(changed.tag)
    assert grown.data == b'{"v": 10}\n' and grown.tag.endswith(":")
    assert remote.write(b'{"v": 11}\n', grown.tag, scrub=NO_SCRUB)  # accepted on its bytes
    unhashed = remote.read(None).tag
    remote.forget_read()  # a tag that did not come from the last read: checked on its signature
    path.write_bytes(b'{"v": 12}\n')
    _bump_mtime(path, 3)
    with pytest.raises(RemoteChanged):
        remote.write(b'{"v": 13}\n', unhashed, scrub=NO_SCRUB)
    unhashed = remote.read(None).tag
    remote.forget_read()
    assert remote.write(b'{"v": 13}\n', unhashed, scrub=NO_SCRUB)
    assert path.read_bytes() == b'{"v": 13}\n'
