"""Only the names cloud clients really give conflict copies are taken; look-alikes are reported."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sync_testkit import live_shared

from sync import FileRemote, Replica, sync
from sync.side_copies import (
    NOT_A_COPY_NAME,
    backup_copy_pattern,
    classify_names,
    copy_pattern,
)

REAL_COPIES = {
    "Dropbox": "digikunta (Ville's conflicted copy 2026-11-29).json",
    "Dropbox, full name": "digikunta (Ville Virtanen's conflicted copy 2026-11-29).json",
    "Dropbox, owner not possessive": "digikunta (Ville Virtasen conflicted copy 2026-11-29).json",
    "Dropbox, second of the day": "digikunta (Ville's conflicted copy 2026-11-29 (1)).json",
    "Dropbox, computer name": "digikunta (DESKTOP-1A2B3C's conflicted copy 2026-11-29).json",
    "Nextcloud/ownCloud": "digikunta (conflicted copy 2026-11-29 120000).json",
    "Nextcloud, with user": "digikunta (conflicted copy ville.virtanen 2026-11-29 120000).json",
    "Nextcloud, copy of a copy": (
        "digikunta (conflicted copy 2026-11-29 120000) (conflicted copy 2026-11-30 081500).json"
    ),
    "ownCloud/Nextcloud before 2.5": "digikunta_conflict-20261129-120000.json",
    "Syncthing": "digikunta.sync-conflict-20261129-120000-ABCDEF7.json",
    "OneDrive": "digikunta-DESKTOP-1A2B3C.json",
    "OneDrive, short name": "digikunta-KANSLIA.json",
    "OneDrive, 15 characters": "digikunta-LAPTOP-VILLE-01.json",
}
LOOK_ALIKES = {
    "a year": "digikunta-2024.json",
    "a date": "digikunta-2024-01-05.json",
    "a word": "digikunta-old.json",
    "mixed case": "digikunta-Desktop.json",
    "16 characters": "digikunta-ABCDEFGHIJKLMNOP.json",
    "leading hyphen": "digikunta--DESKTOP.json",
    "trailing hyphen": "digikunta-DESKTOP-.json",
    "digits only": "digikunta-1234567.json",
    "Dropbox without a date": "digikunta (Ville's conflicted copy).json",
    "Dropbox, time instead of count": "digikunta (Ville's conflicted copy 2026-11-29 12).json",
    "no owner, no time": "digikunta (conflicted copy 2026-11-29).json",
    "legacy, short stamp": "digikunta_conflict-2026-11-29.json",
    "Syncthing, 6 character id": "digikunta.sync-conflict-20261129-120000-ABCDEF.json",
    "Syncthing, 8 character id": "digikunta.sync-conflict-20261129-120000-ABCDEF78.json",
    "Syncthing, lower case id": "digikunta.sync-conflict-20261129-120000-abcdef7.json",
    "a free text note": "digikunta (vanha versio, älä käytä).json",
    "a longer stem": "digikuntaliitto.json",
}
UNRELATED = [
    "digikunta.json",
    "digikunta.json.bak",
    "digikunta.json.lock",
    "digikunta (conflicted copy 2026-11-29 120000).json.bak",
    "digikunta-DESKTOP-1A2B3C.json.lock",
    ".digikunta.json.0a1b2c3d.tmp",
    "muistiinpanot (conflicted copy 2026-11-29 120000).json",
    "Digikunta-DESKTOP-1A2B3C.json",
    "digikunta-2024.csv",
]


@pytest.mark.parametrize("name", REAL_COPIES.values(), ids=REAL_COPIES.keys())
def test_names_the_clients_write_are_copies(name: str) -> None:
    assert copy_pattern("digikunta.json").match(name)
    assert classify_names("digikunta.json", [name]) == ([name], [])


@pytest.mark.parametrize("name", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_look_alikes_are_not_copies_but_are_reported(name: str) -> None:
    assert not copy_pattern("digikunta.json").match(name)
    assert classify_names("digikunta.json", [name]) == ([], [name])


@pytest.mark.parametrize("name", UNRELATED)
def test_other_files_are_neither(name: str) -> None:
    assert classify_names("digikunta.json", [name]) == ([], [])


def test_the_clients_copies_of_the_backup_are_known_by_their_whole_names() -> None:
    """Scrubbed at an erasure like NAME.bak: the marker sits before the backup's ``.bak``."""
    pattern = backup_copy_pattern("digikunta.json")
    for name in REAL_COPIES.values():
        stem, marker = "digikunta", name.removeprefix("digikunta").removesuffix(".json")
        assert pattern.match(f"{stem}.json{marker}.bak"), name
        assert not pattern.match(name)
    for name in ("digikunta.json.bak", "digikunta.json.lock", "digikunta-old.json.bak"):
        assert not pattern.match(name)
    assert not pattern.match("digikunta.json.sync-conflict-20261129-120000-ABCDEF7.bak.tmp")


def test_a_stem_with_regex_characters_is_taken_literally() -> None:
    names = ["verkosto+data (conflicted copy 2026-11-29 120000).json", "verkostoodata-PC1.json"]
    assert classify_names("verkosto+data.json", names) == ([names[0]], [])


def _copy_from_another_laptop(tmp_path: Path, shared: Path, make_replica: Callable[..., Replica]):
    other = tmp_path / "laptop-c" / shared.name
    other.parent.mkdir()
    shutil.copyfile(shared, other)
    c = make_replica("c")
    sync(c, FileRemote(other))
    c.put("person", "c1", {"name": "Vain kopiossa"})
    sync(c, FileRemote(other))
    return other.read_bytes()


@pytest.mark.parametrize("name", REAL_COPIES.values(), ids=REAL_COPIES.keys())
def test_every_real_copy_name_is_absorbed(
    make_replica: Callable[..., Replica],
    remote: FileRemote,
    shared: Path,
    tmp_path: Path,
    name: str,
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    copy = _copy_from_another_laptop(tmp_path, shared, make_replica)
    (shared.parent / name).write_bytes(copy)
    report = sync(a, remote)
    assert report.absorbed == [name] and report.ignored_copies == []
    assert (remote.absorbed_dir / name).read_bytes() == copy
    assert not (shared.parent / name).exists()
    assert a.get("person", "c1") == {"name": "Vain kopiossa"}


def test_a_users_own_files_are_left_alone_unread_and_reported(
    make_replica: Callable[..., Replica],
    remote: FileRemote,
    shared: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    a.put("person", "p2", {"name": "Anna"})
    sync(a, remote)
    own = shared.parent / "digikunta-2024.json"
    own.write_bytes(shared.read_bytes())  # the user's own snapshot of last year: a valid document
    a.delete("person", "p2")
    sync(a, remote)
    garbage = shared.parent / "digikunta-old.json"
    garbage.write_bytes(b"\x00 not json")  # reading and parsing it would give another reason
    (shared.parent / "digikunta-notes").mkdir()  # no .json: not related
    (shared.parent / "digikunta-archive.json").mkdir()  # a folder: not a file to report
    real = _copy_from_another_laptop(tmp_path, shared, make_replica)
    copy_name = "digikunta-DESKTOP-1A2B3C.json"
    (shared.parent / copy_name).write_bytes(real)

    opened: list[str] = []
    real_open = io.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", spy_open)
    monkeypatch.setattr("builtins.open", spy_open)
    report = sync(a, remote)
    monkeypatch.undo()

    assert report.absorbed == [copy_name]
    assert report.ignored_copies == [
        ("digikunta-2024.json", NOT_A_COPY_NAME),
        ("digikunta-old.json", NOT_A_COPY_NAME),
    ]
    assert str(own) not in opened and str(garbage) not in opened
    assert str(shared.parent / copy_name) in opened  # the spy does see what is read
    assert own.is_file() and garbage.read_bytes() == b"\x00 not json"
    assert not (remote.absorbed_dir / own.name).exists()
    # the old snapshot did not bring the deleted person back, and made no conflict
    assert a.get("person", "p2") is None
    assert a.conflicts(include_resolved=True) == []
    assert set(live_shared(shared)) == {"p1", "c1"}
    assert "left 2 unrelated copy(ies) alone" in report.summary()


def test_a_name_with_control_characters_is_never_a_copy_and_is_reported_printable(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    hostile = "digikunta (\x1b]0;pwned\x07's conflicted copy 2026-11-29).json"
    assert copy_pattern("digikunta.json").match(hostile)  # the owner part allows anything ...
    assert classify_names("digikunta.json", [hostile]) == ([], [hostile])  # ... but not this
    (shared.parent / hostile).write_bytes(shared.read_bytes())
    report = sync(a, remote)
    assert report.absorbed == []
    assert report.ignored_copies == [
        ("digikunta (?]0;pwned?'s conflicted copy 2026-11-29).json", NOT_A_COPY_NAME)
    ]
    assert (shared.parent / hostile).is_file()


def test_a_copy_that_cannot_be_read_is_reported_and_left_alone(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    name = REAL_COPIES["Nextcloud/ownCloud"]
    (shared.parent / name).mkdir()  # a folder under a copy's name: reading it fails
    report = sync(a, remote)
    assert report.absorbed == []
    [(reported, reason)] = report.ignored_copies
    assert reported == name and reason.startswith("cannot be read: ")
    assert (shared.parent / name).is_dir()


def test_look_alikes_alone_keep_the_fast_path(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    (shared.parent / "digikunta-2024.json").write_bytes(shared.read_bytes())
    sync(a, remote)  # a full sync may be due: the next one is the one to look at
    before = shared.stat()
    report = sync(a, remote)
    assert report.fast_path and not report.wrote
    assert report.ignored_copies == [("digikunta-2024.json", NOT_A_COPY_NAME)]
    assert shared.stat().st_mtime_ns == before.st_mtime_ns
