"""``digikunta sync`` against the hostile server, as a process whose memory is limited.

The CLI runs under ``RLIMIT_AS`` = 1.5 GB (``limited.py``) with the default maximum document
size of 256 MB. A 3 GiB announced body, an endless chunked body and a gzip bomb inflating to
3 GiB each end in exit code 1 with one line naming the URL and the limit; a dribbling server
ends in exit code 3 (offline) at the configured deadline. The same read without a limit (plain
``httpx``) dies with MemoryError under that rlimit, which shows the limit is what saves it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hostile_server import HostileServer, run_hostile

from sync import FileRemote, Replica, sync

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
LIMITED = Path(__file__).with_name("limited.py")
ADDRESS_SPACE = 1536 * 1024 * 1024
CHILD_GUARD = 600  # seconds; only against a hung child, never a measure of speed


@dataclass
class Run:
    """A finished child process."""

    code: int
    out: str
    err: str

    def one_error_line(self) -> str:
        """The single ``digikunta: error:`` line on stderr (no traceback)."""
        assert "Traceback" not in self.err, self.err
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err
        assert lines[0].startswith("digikunta: error: ")
        return lines[0]


@pytest.fixture(scope="module")
def shared_document(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real Digikunta document with one record, written by another laptop's sync."""
    folder = tmp_path_factory.mktemp("other-laptop")
    other = Replica.open(folder / "replica.sqlite", name="Toinen")
    other.put("person", "from-the-server", {"name": "Sanna Palvelin"})
    sync(other, FileRemote(folder / "digikunta.json"))
    other.close()
    return (folder / "digikunta.json").read_bytes()


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo data (pending, never synced), built once."""
    from digikunta_tui.domain.repository import Repository

    folder = tmp_path_factory.mktemp("demo") / "data"
    repo = Repository.open(folder, replica_name="Ville")
    try:
        repo.load_demo()
    finally:
        repo.close()
    return folder


@pytest.fixture
def server(shared_document: bytes) -> Iterator[HostileServer]:
    with run_hostile(shared_document, dribble_interval=0.5) as running:
        yield running


@pytest.fixture
def data_dir(tmp_path: Path, demo_data: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(demo_data, folder)
    return folder


def records(data_dir: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(data_dir / "replica.sqlite")
    try:
        return conn.execute("SELECT * FROM records ORDER BY id").fetchall()
    finally:
        conn.close()


def limited(tmp_path: Path, data_dir: Path, *args: str, config: str = "") -> Run:
    """Run ``limited.py`` (address space limited) with a private config and data folder."""
    config_file = tmp_path / "config.toml"
    config_file.write_text(config, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGIKUNTA_")}
    env = {k: v for k, v in env.items() if not k.lower().endswith("_proxy")}  # loopback direct
    env.update(
        DIGIKUNTA_DATA_DIR=str(data_dir),
        DIGIKUNTA_CONFIG=str(config_file),
        HOME=str(tmp_path),
        LANG="C.UTF-8",
        PYTHONPATH=str(REPO),
        PYTHONIOENCODING="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, str(LIMITED), str(ADDRESS_SPACE), *args],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=CHILD_GUARD,
        check=False,
    )
    return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode("utf-8", "replace"))


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("giant-announced.json", "is 3072 MB (as the server announces)"),
        ("giant-chunked.json", "sent more than the maximum document size of 256 MB"),
        ("gzip-bomb.json", "sent more than the maximum document size of 256 MB (decompressed)"),
    ],
)
def test_a_document_too_large_is_refused_in_bounded_memory(
    tmp_path: Path, data_dir: Path, server: HostileServer, name: str, words: str
) -> None:
    before = records(data_dir)
    run = limited(tmp_path, data_dir, "cli", "sync", "--remote", server.url(name))
    line = run.one_error_line()
    assert run.code == 1
    assert server.url(name) in line and words in line
    assert "MemoryError" not in run.err
    assert "raise max_document_mb in the [sync] settings" in line
    assert records(data_dir) == before  # nothing changed; the demo edits stay pending
    assert "PUT" not in server.all_methods()


def test_without_the_limit_the_same_bomb_exhausts_that_memory(
    tmp_path: Path, data_dir: Path, server: HostileServer
) -> None:
    run = limited(tmp_path, data_dir, "plain-get", server.url("gzip-bomb.json"))
    assert run.code != 0
    assert "MemoryError" in run.err


def test_a_configured_limit_is_used(tmp_path: Path, data_dir: Path, server: HostileServer) -> None:
    # max_document_mb from the config file reaches the remote: the chunked body stops at 1 MB.
    run = limited(
        tmp_path,
        data_dir,
        "cli",
        "sync",
        "--remote",
        server.url("giant-chunked.json"),
        config="[sync]\nmax_document_mb = 1\n",
    )
    line = run.one_error_line()
    assert run.code == 1 and "maximum document size of 1 MB" in line


def test_a_dribbling_server_ends_at_the_configured_deadline_as_offline(
    tmp_path: Path, data_dir: Path, server: HostileServer
) -> None:
    before = records(data_dir)
    run = limited(
        tmp_path,
        data_dir,
        "cli",
        "sync",
        "--remote",
        server.url("dribble.json"),
        config="[sync]\ntimeout = 60\nrequest_deadline_seconds = 2\n",
    )
    line = run.one_error_line()
    assert run.code == 3
    assert line.startswith("digikunta: error: offline: ")
    assert server.url("dribble.json") in line and "deadline of 2 s" in line
    assert "local changes stay pending" in line
    assert records(data_dir) == before
    assert server.seen("dribble.json").requests == 1


def test_the_control_document_syncs_under_the_same_limit(
    tmp_path: Path, data_dir: Path, server: HostileServer
) -> None:
    url = server.url("ok.json")
    run = limited(tmp_path, data_dir, "cli", "sync", "--remote", url)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == f"synced via http: {url}"
    ids = {row[0] for row in records(data_dir)}
    assert "from-the-server" in ids  # pulled
    assert server.seen("ok.json").methods == ["GET", "PUT"]  # and the demo records pushed
    # before the first write, the If-Match probe beside it (answered 412: nothing written)
    assert server.seen("ok.json.digikunta-probe").methods == ["PUT"]
