"""The shared file behind a symlink: written through the link, which stays a link."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_testkit import PROCS, child_env, live_shared

from sync import FileRemote, Replica, sync
from sync.errors import RemoteOffline


@pytest.fixture
def cloud(tmp_path: Path) -> Path:
    """The cloud folder where the real shared file lives."""
    folder = tmp_path / "Dropbox" / "verkosto"
    folder.mkdir(parents=True)
    return folder


def _link(link: Path, to: Path, *, relative: bool) -> Path:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(to, link.parent) if relative else to)
    return link


def _assert_link(link: Path, points_to: str) -> None:
    assert link.is_symlink(), f"{link} is no longer a symlink"
    assert os.readlink(link) == points_to


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_a_write_goes_through_the_link_to_its_target(
    make_replica: Callable[..., Replica], cloud: Path, tmp_path: Path, relative: bool
) -> None:
    real = cloud / "digikunta.json"
    link = _link(tmp_path / "home" / "digikunta.json", real, relative=relative)
    points_to = os.readlink(link)
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    a.put("person", "p2", {"name": "Anna"})
    report = sync(a, FileRemote(link))
    assert report.pushed == 2 and report.wrote
    _assert_link(link, points_to)
    assert real.is_file() and not real.is_symlink()
    assert live_shared(real) == {"p1": {"name": "Ville"}, "p2": {"name": "Anna"}}

    # the other laptop opens the real file: both converge, edits flow both ways
    b = make_replica("b")
    assert sync(b, FileRemote(real)).pulled == 2
    b.put("person", "p1", {"town": "Kuopio"})
    sync(b, FileRemote(real))
    a.put("person", "p2", {"email": "anna@example.fi"})
    sync(a, FileRemote(link))
    sync(b, FileRemote(real))
    assert list(a.records()) == list(b.records())
    assert a.get("person", "p1") == {"name": "Ville", "town": "Kuopio"}
    assert b.get("person", "p2") == {"name": "Anna", "email": "anna@example.fi"}
    _assert_link(link, points_to)

    # the backup, the lock and any temporary file are beside the target, never beside the link
    assert sorted(os.listdir(link.parent)) == ["digikunta.json"]
    remote = FileRemote(link)
    assert remote.backup_path == real.with_name("digikunta.json.bak")
    assert remote.backup_path.is_file()
    assert remote.lock_path == FileRemote(real).lock_path == real.with_name("digikunta.json.lock")
    assert not [n for n in os.listdir(cloud) if n.endswith(".tmp")]


def test_a_chain_of_links_is_followed_to_the_end(
    make_replica: Callable[..., Replica], cloud: Path, tmp_path: Path
) -> None:
    real = cloud / "digikunta.json"
    middle = _link(tmp_path / "mnt" / "shared.json", real, relative=True)
    first = _link(tmp_path / "home" / "verkosto.json", middle, relative=False)
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, FileRemote(first))
    a.put("person", "p1", {"town": "Varkaus"})
    sync(a, FileRemote(first))
    _assert_link(first, str(middle))
    _assert_link(middle, os.path.relpath(real, middle.parent))
    assert live_shared(real) == {"p1": {"name": "Ville", "town": "Varkaus"}}
    assert FileRemote(first).target == real.resolve()
    b = make_replica("b")
    sync(b, FileRemote(middle))
    assert b.get("person", "p1") == {"name": "Ville", "town": "Varkaus"}


def test_a_dangling_link_creates_its_target_not_a_file_in_its_place(
    make_replica: Callable[..., Replica], cloud: Path, tmp_path: Path
) -> None:
    real = cloud / "digikunta.json"
    link = _link(tmp_path / "home" / "digikunta.json", real, relative=True)
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    assert FileRemote(link).read(None).missing
    sync(a, FileRemote(link))
    _assert_link(link, os.path.relpath(real, link.parent))
    assert live_shared(real) == {"p1": {"name": "Ville"}}


def test_a_link_into_a_missing_folder_is_offline_and_changes_nothing(
    make_replica: Callable[..., Replica], tmp_path: Path
) -> None:
    unplugged = tmp_path / "unplugged-drive" / "verkosto"
    link = _link(tmp_path / "home" / "digikunta.json", unplugged / "digikunta.json", relative=False)
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    with pytest.raises(RemoteOffline, match="shared folder is not available") as caught:
        sync(a, FileRemote(link))
    assert str(unplugged) in str(caught.value) and str(link) in str(caught.value)
    with pytest.raises(RemoteOffline):
        FileRemote(link).write(b"{}", None, scrub=frozenset())
    assert a.pending() == 1
    _assert_link(link, str(unplugged / "digikunta.json"))
    assert not (tmp_path / "unplugged-drive").exists()  # no folder made for the lock either
    assert sorted(os.listdir(link.parent)) == ["digikunta.json"]


def test_a_link_loop_is_offline(make_replica: Callable[..., Replica], tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "a.json").symlink_to("b.json")
    (home / "b.json").symlink_to("a.json")
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    with pytest.raises(RemoteOffline):
        sync(a, FileRemote(home / "a.json"))
    assert a.pending() == 1
    assert (home / "a.json").is_symlink() and (home / "b.json").is_symlink()


def test_the_link_is_resolved_at_every_sync_when_it_is_re_pointed(
    make_replica: Callable[..., Replica], cloud: Path, tmp_path: Path
) -> None:
    first = cloud / "digikunta.json"
    moved = tmp_path / "Nextcloud" / "digikunta.json"
    moved.parent.mkdir()
    link = _link(tmp_path / "home" / "digikunta.json", first, relative=False)
    remote = FileRemote(link)  # one remote object, as the app keeps it
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    before = first.read_bytes()
    link.unlink()
    link.symlink_to(moved)
    a.put("person", "p2", {"name": "Anna"})
    sync(a, remote)
    assert first.read_bytes() == before  # the old target is not touched any more
    assert live_shared(moved) == {"p1": {"name": "Ville"}, "p2": {"name": "Anna"}}
    assert remote.lock_path.parent == moved.parent
    _assert_link(link, str(moved))


def test_conflict_copies_are_looked_for_beside_the_target(
    make_replica: Callable[..., Replica], cloud: Path, tmp_path: Path
) -> None:
    real = cloud / "digikunta.json"
    link = _link(tmp_path / "home" / "verkosto.json", real, relative=False)
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, FileRemote(link))
    c = make_replica("c")  # another laptop whose version the cloud client set aside
    other = tmp_path / "laptop-c" / "digikunta.json"
    other.parent.mkdir()
    other.write_bytes(real.read_bytes())
    sync(c, FileRemote(other))
    c.put("person", "c1", {"name": "Kopiossa"})
    sync(c, FileRemote(other))
    name = "digikunta (Ville's conflicted copy 2026-11-29).json"
    (cloud / name).write_bytes(other.read_bytes())
    report = sync(a, FileRemote(link))
    assert report.absorbed == [name]
    assert (cloud / ".digikunta-absorbed" / name).is_file()
    assert a.get("person", "c1") == {"name": "Kopiossa"}
    assert sorted(os.listdir(link.parent)) == ["verkosto.json"]


def test_a_writer_through_the_link_waits_for_the_lock_of_the_real_path(
    make_replica: Callable[..., Replica], cloud: Path, tmp_path: Path
) -> None:
    real = cloud / "digikunta.json"
    link = _link(tmp_path / "home" / "digikunta.json", real, relative=True)
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    holder = subprocess.Popen(
        [sys.executable, str(PROCS / "hold_lock.py"), str(FileRemote(real).lock_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(RemoteOffline, match="lock"):
            sync(a, FileRemote(link, lock_timeout=0.2))
        assert not real.exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    sync(a, FileRemote(link))
    assert live_shared(real) == {"p1": {"name": "Ville"}}
