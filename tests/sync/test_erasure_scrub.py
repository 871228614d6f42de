"""After an erasure, the replica file holds no byte of the erased values (free pages, WAL)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from traces import find_traces

from sync import FileRemote, Replica, sync

NAME = "Zyxwänä Qörkkelä"
PHONE = "+358409871234"
NOTE = "flumbergast wibbleqvark"
SECRETS = (NAME, PHONE, NOTE, "Plonkmeister")


def _files(replica: Replica) -> list[Path]:
    return [p for p in replica.path.parent.iterdir() if p.name.startswith(replica.path.name)]


def _traces(replica: Replica) -> list[tuple[str, str]]:
    return find_traces(_files(replica), SECRETS)


def _fill(replica: Replica, n: int = 300) -> None:
    """Other people, so the secret shares pages with data that stays."""
    replica.put_many(
        ("person", f"p{i:04d}", {"name": f"Henkilö {i}", "notes": "muistiinpano " * 20})
        for i in range(n)
    )


def _person(replica: Replica) -> None:
    replica.put("person", "secret", {"name": NAME, "phone": PHONE, "notes": NOTE})
    replica.put("person", "secret", {"job_title": "Plonkmeister"})
    replica.put("person", "secret", {"job_title": "Koordinaattori"})  # an older value, replaced


def _pragma(conn: sqlite3.Connection, name: str) -> int:
    return conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_secure_delete_is_on_for_every_connection(make_replica: Callable[..., Replica]) -> None:
    replica = make_replica("a")
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(_pragma(replica.conn, "secure_delete")))
    worker.start()
    worker.join()
    assert _pragma(replica.conn, "secure_delete") == 1
    assert seen == [1]


def test_an_erasure_here_is_scrubbed_from_the_file_and_its_wal(
    make_replica: Callable[..., Replica],
) -> None:
    replica = make_replica("a")
    _fill(replica)
    _person(replica)
    replica.erase("person", "secret")
    assert replica.scrub_due
    assert _traces(replica), "before the scrub the old values are still on disk"

    assert replica.scrub()

    assert not replica.scrub_due and replica.erasures == 1
    assert _traces(replica) == []
    assert replica.path.with_name(replica.path.name + "-wal").stat().st_size == 0
    assert replica.count() == 300 and replica.record("secret")["erased"] is True


def test_a_file_written_without_secure_delete_is_cleaned_by_the_vacuum(
    make_replica: Callable[..., Replica],
) -> None:
    """Files written by earlier versions hold deleted values in free space: VACUUM drops it."""
    replica = make_replica("a")
    replica.conn.execute("PRAGMA secure_delete=OFF")  # as every version before this one did
    _fill(replica)
    _person(replica)
    replica.erase("person", "secret")
    replica.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _traces(replica), "free space of the file keeps the values"

    assert replica.scrub()
    assert _traces(replica) == []


def test_a_reader_on_another_thread_delays_the_scrub_until_it_is_done(
    make_replica: Callable[..., Replica],
) -> None:
    replica = make_replica("a")
    _fill(replica, 50)
    _person(replica)
    reading, done = threading.Event(), threading.Event()

    def reader() -> None:
        conn = replica.conn  # this thread's own connection, as the app's UI thread has
        conn.execute("BEGIN")
        conn.execute("SELECT COUNT(*) FROM records").fetchone()
        reading.set()
        done.wait()
        conn.execute("COMMIT")

    worker = threading.Thread(target=reader)
    worker.start()
    try:
        reading.wait()
        replica.erase("person", "secret")
        assert replica.scrub(wait=0.1) is False
        assert replica.scrub_due
        assert _traces(replica), "the log still holds the old pages the reader may need"
    finally:
        done.set()
        worker.join()
    assert replica.scrub()
    assert not replica.scrub_due and _traces(replica) == []


def test_close_finishes_a_scrub_that_was_blocked(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    replica = Replica.open(path)
    replica.conn.execute("PRAGMA secure_delete=OFF")  # so only the VACUUM can clean the file
    _fill(replica, 50)
    _person(replica)
    other = sqlite3.connect(path)  # another process's reader
    other.execute("BEGIN")
    other.execute("SELECT COUNT(*) FROM records").fetchone()
    replica.erase("person", "secret")
    assert replica.scrub(wait=0.1) is False
    other.execute("COMMIT")
    other.close()

    replica.close()

    assert find_traces([tmp_path], SECRETS) == []
    reopened = Replica.open(path)
    try:
        assert not reopened.scrub_due and reopened.erasures == 1
    finally:
        reopened.close()


def test_a_replica_made_before_erasures_were_counted_is_scrubbed_once(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    replica = Replica.open(path)
    replica.conn.execute("PRAGMA secure_delete=OFF")
    _fill(replica, 50)
    _person(replica)
    replica.erase("person", "secret")
    replica.conn.execute("DELETE FROM meta WHERE key IN ('erasures', 'scrubbed')")
    replica.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    replica.conn.close()  # no scrub: as the older version left it
    assert find_traces([tmp_path], SECRETS)

    again = Replica.open(path)
    assert again.scrub_due
    again.close()
    assert find_traces([tmp_path], SECRETS) == []
    fresh = Replica.open(tmp_path / "fresh.sqlite")
    try:
        assert not fresh.scrub_due and fresh.erasures == 0
    finally:
        fresh.close()


def test_an_erasure_arriving_by_sync_is_scrubbed_with_its_conflict_entries(
    make_replica: Callable[..., Replica], remote: FileRemote
) -> None:
    a, b = make_replica("a"), make_replica("b")
    _fill(a, 100)
    _person(a)
    sync(a, remote)
    sync(b, remote)
    a.put("person", "secret", {"job_title": "Plonkmeister A"})
    b.put("person", "secret", {"job_title": "Plonkmeister B"})
    sync(a, remote)
    sync(b, remote)
    assert [c.record for c in b.conflicts()] == ["secret"]
    a.erase("person", "secret")
    sync(a, remote)
    assert _traces(b), "b still holds the person before its sync"

    sync(b, remote)

    assert b.erasures == 1 and not b.scrub_due
    assert b.conflicts(include_resolved=True) == []
    assert _traces(b) == []
    assert _traces(a) == []  # the erasing replica scrubbed at its own commit too
    assert b.count() == a.count() == 100


def test_tombstones_of_records_never_held_here_need_no_scrub(
    make_replica: Callable[..., Replica], remote: FileRemote
) -> None:
    a = make_replica("a")
    _person(a)
    a.put("person", "other", {"name": "Aino"})
    a.erase("person", "secret")
    sync(a, remote)
    c = make_replica("c")
    sync(c, remote)
    assert c.record("secret")["erased"] is True
    assert c.erasures == 0 and not c.scrub_due


def test_each_erasure_gets_its_own_scrub(make_replica: Callable[..., Replica]) -> None:
    replica = make_replica("a")
    replica.conn.execute("PRAGMA secure_delete=OFF")  # so that only a VACUUM cleans
    _fill(replica)
    _person(replica)
    replica.put("person", "second", {"name": "Wömbleqvist Trunkhaus", "notes": "Wömbleqvist " * 40})
    replica.erase("person", "secret")
    assert replica.scrub()
    replica.erase("person", "second")
    replica.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert find_traces(_files(replica), ["Wömbleqvist Trunkhaus"])

    assert replica.scrub()

    assert replica.erasures == 2 and not replica.scrub_due
    assert find_traces(_files(replica), [*SECRETS, "Wömbleqvist Trunkhaus"]) == []
