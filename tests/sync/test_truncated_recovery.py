"""A truncated shared document is recovered, not a dead end.

A server that writes PUT bodies in place (WsgiDAV does) leaves a truncated document after an
interrupted upload; every replica then used to fail every sync until someone deleted the file
by hand. Now the next replica that knows the data set salvages the complete record lines,
merges them, writes the whole merged state back (with the version check) and warns; records
that only other laptops know are pushed again by them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sync_testkit import REPO_ROOT, live_shared

from sync import FileRemote, HttpRemote, Remote, Replica, sync

_TESTS_DIR = str(Path(__file__).resolve().parents[1])  # for tests/webdav_server.py
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from webdav_server import run_webdav  # noqa: E402


def _three(make_replica) -> list[Replica]:
    a, b, c = make_replica("a"), make_replica("b"), make_replica("c")
    for i in range(4):
        a.put("person", f"a{i}", {"name": f"A:n jäsen {i}"})
        b.put("webinar", f"b{i}", {"title": f"B:n webinaari {i}"})
        c.put("story", f"c{i}", {"title": f"C:n tarina {i}"})
    a.put("organization", "kuopio", {"name": "Kuopion kaupunki"})
    return [a, b, c]


def _expected(replicas: list[Replica]) -> dict[str, dict]:
    return {rid: fields for _, rid, fields in replicas[0].records()}


def _cuts(size: int) -> list[int]:
    """Cut points: inside the records, just before a line end, and in the last lines."""
    return [size * 3 // 10, size // 2, size * 7 // 10, size * 9 // 10, size - 40, size - 2]


@pytest.mark.parametrize("first", [0, 2], ids=["A-first", "C-first"])
@pytest.mark.parametrize("at", range(6), ids=lambda n: f"cut{n}")
def test_three_laptops_restore_every_record_after_a_torn_upload(
    make_replica, remote: FileRemote, shared: Path, first: int, at: int
) -> None:
    replicas = _three(make_replica)
    for rep in [*replicas, *replicas]:
        sync(rep, remote)
    expected = _expected(replicas)
    assert len(expected) == 13 and live_shared(shared) == expected
    good = shared.read_bytes()
    cut = _cuts(len(good))[at]
    shared.write_bytes(good[:cut])

    order = replicas[first:] + replicas[:first]
    report = sync(order[0], remote)
    assert report.wrote
    [warning] = report.warnings
    assert "was truncated" in warning and str(shared) in warning
    assert "records were readable" in warning
    for rep in order[1:] + order:
        assert sync(rep, remote).warnings == []
    assert live_shared(shared) == expected  # every record of all three is back
    data = shared.read_bytes()
    for rep in replicas:
        assert list(rep.records()) == list(replicas[0].records())
        assert not sync(rep, remote).wrote  # and a further sync writes nothing
    assert shared.read_bytes() == data


def test_the_warning_counts_the_records_that_survived(
    make_replica, remote: FileRemote, shared: Path
) -> None:
    rep = make_replica()
    for i in range(5):
        rep.put("person", f"p{i}", {"name": f"Jäsen {i}"})
    sync(rep, remote)
    good = shared.read_bytes()
    lines = good.split(b"\n")
    third = next(i for i, ln in enumerate(lines) if b'"id": "p2"' in ln)
    cut = len(b"\n".join(lines[:third])) + 1 + 10  # in the middle of p2's line
    shared.write_bytes(good[:cut])
    [warning] = sync(rep, remote).warnings
    assert "2 of its records were readable" in warning
    assert set(live_shared(shared)) == {f"p{i}" for i in range(5)}


def test_records_only_other_laptops_know_are_pushed_again_by_them(
    make_replica, remote: FileRemote, shared: Path
) -> None:
    """A's rewrite lacks C's records (A never saw them); B, which synced them, restores them."""
    a, b, c = make_replica("a"), make_replica("b"), make_replica("c")
    a.put("person", "a1", {"name": "Aino"})
    sync(a, remote)
    c.put("story", "zz-c1", {"title": "Vain C:llä ja B:llä"})  # sorts last: cut off below
    sync(c, remote)
    sync(b, remote)  # B now has zz-c1 in its base; A does not
    good = shared.read_bytes()
    shared.write_bytes(good[: good.index(b'"zz-c1"') - 30])
    report = sync(a, remote)
    assert report.warnings
    assert "zz-c1" not in live_shared(shared)
    sync(b, remote)  # in B's base, missing from the remote: pushed again
    assert live_shared(shared)["zz-c1"] == {"title": "Vain C:llä ja B:llä"}
    sync(a, remote)
    assert a.get("story", "zz-c1") == {"title": "Vain C:llä ja B:llä"}


def test_a_truncated_document_on_a_webdav_server_is_recovered(make_replica, tmp_path: Path) -> None:
    root = tmp_path / "dav"
    root.mkdir()
    with run_webdav(root, strict=True) as url:
        remotes: list[Remote] = [HttpRemote(url + "digikunta.json") for _ in range(2)]
        a, b = make_replica("a"), make_replica("b")
        a.put("person", "p1", {"name": "Ville"})
        b.put("person", "p2", {"name": "Anna"})
        for rep, rem in [(a, remotes[0]), (b, remotes[1]), (a, remotes[0])]:
            sync(rep, rem)
        on_disk = root / "digikunta.json"
        good = on_disk.read_bytes()
        on_disk.write_bytes(good[: len(good) * 2 // 3])  # what a torn in-place PUT leaves
        report = sync(b, remotes[1])
        assert report.warnings and "truncated" in report.warnings[0]
        sync(a, remotes[0])
        assert live_shared(on_disk) == {"p1": {"name": "Ville"}, "p2": {"name": "Anna"}}
        assert a.get("person", "p2") == {"name": "Anna"}


def test_digikunta_sync_prints_the_warning_and_succeeds(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    a = make_replica("a")
    a.put("organization", "kuopio", {"name": "Kuopion kaupunki"})
    sync(a, remote)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGIKUNTA_", "LC_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        DIGIKUNTA_DATA_DIR=str(tmp_path / "data"),
        DIGIKUNTA_CONFIG=str(tmp_path / "config.toml"),
        LANG="C.UTF-8",
        PYTHONPATH=str(REPO_ROOT),
    )

    def cli() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "digikunta_tui.cli", "sync", "--remote", str(shared)],
            capture_output=True, text=True, env=env, cwd=home, check=False, timeout=120,
        )  # fmt: skip

    assert cli().returncode == 0  # the laptop joins the data set
    good = shared.read_bytes()
    shared.write_bytes(good[: len(good) - 20])
    result = cli()
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warning = [ln for ln in result.stderr.splitlines() if ln.startswith("digikunta: warning: ")]
    assert len(warning) == 1 and "was truncated" in warning[0], result.stderr
    assert live_shared(shared) == {"kuopio": {"name": "Kuopion kaupunki"}}


def test_an_erasure_written_over_a_truncated_document_leaves_no_backup_of_it(
    make_replica, remote: FileRemote, shared: Path
) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "a0", {"name": "Poistettava Henkilö-Uniikki"})  # first: survives the cut
    for n in range(6):
        a.put("person", f"p{n}", {"name": f"Jäsen {n}"})
    sync(a, remote)
    sync(b, remote)
    b.put("person", "p0", {"name": "Jäsen nolla"})
    sync(b, remote)  # the .bak now holds a version with the person in it too
    a.erase("person", "a0")
    whole = shared.read_bytes()
    shared.write_bytes(whole[: len(whole) * 2 // 3])  # torn, with the person's line still in it
    report = sync(a, remote)
    assert any("truncated" in w for w in report.warnings)
    name = "Henkilö-Uniikki".encode()
    for path in shared.parent.rglob("*"):
        if path.is_file():
            assert name not in path.read_bytes(), path.name
    assert "a0" not in live_shared(shared)
