"""``HttpRemote.cancel()`` from another thread, against servers that stall or dribble.

Per-read timeouts here are ten minutes and deadlines an hour: if cancel() did not cut the
request, the call would block far past the guard of ``Background`` (which fails the test), so a
pass means the blocked read, write or wait really ended on cancel. The guard is not a speed
check: it only keeps broken code from hanging the suite.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from background import GUARD, Background
from hostile_server import HostileServer, run_hostile

from sync import Replica, sync
from sync.errors import SyncCancelled
from sync.http_remote import MB, HttpRemote

PER_READ = 600.0
DEADLINE = 3600.0


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with run_hostile(dribble_interval=1.0) as running:
        yield running


def remote(server: HostileServer, name: str, **kwargs: object) -> HttpRemote:
    options: dict[str, object] = {"timeout": PER_READ, "deadline": DEADLINE}
    options.update(kwargs)
    return HttpRemote(server.url(name), **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["stall-headers.json", "stall-body.json", "dribble.json"])
def test_cancel_ends_a_read_blocked_on_the_server_at_once(server: HostileServer, name: str) -> None:
    with remote(server, name) as r:
        call = Background(lambda: r.read(None))
        assert server.seen(name).answering.wait(GUARD)  # the client now waits for the server
        r.cancel()
        error = call.error(SyncCancelled)
        assert server.url(name) in str(error) and "cancelled" in str(error)
        assert server.seen(name).gone.wait(GUARD)  # the connection was really closed

        # Later calls are refused at once, without a request.
        with pytest.raises(SyncCancelled):
            r.read(None)
        with pytest.raises(SyncCancelled):
            r.write(b"{}", '"v1"', scrub=frozenset())
    assert server.seen(name).requests == 1
    assert server.all_methods() == ["GET"]


def test_cancel_ends_an_upload_the_server_reads_slowly(server: HostileServer) -> None:
    with remote(server, "slow-reader.json") as r:
        call = Background(lambda: r.write(b" " * (8 * MB), '"v1"', scrub=frozenset()))
        assert server.seen("slow-reader.json").answering.wait(GUARD)
        r.cancel()
        call.error(SyncCancelled)
    assert server.seen("slow-reader.json").received < 8 * MB


def test_cancel_wakes_the_wait_between_retries(server: HostileServer) -> None:
    # 503 -> retry after backoff * U(0.5, 1.5): at least five minutes with backoff=600.
    with remote(server, "unavailable.json", retries=3, backoff=600.0) as r:
        call = Background(lambda: r.read(None))
        assert server.seen("unavailable.json").answering.wait(GUARD)
        r.cancel()
        call.error(SyncCancelled)
    assert server.seen("unavailable.json").requests == 1  # no retry after the cancel


def test_cancel_before_any_request_sends_nothing(server: HostileServer) -> None:
    with remote(server, "ok.json") as r:
        r.cancel()
        r.cancel()  # idempotent
        with pytest.raises(SyncCancelled):
            r.read(None)
    assert server.all_methods() == []


def _state(replica: Replica) -> tuple[Any, ...]:
    return (
        list(replica.records()),
        replica.pending(),
        replica.state.needs_push(),
        replica.meta("remote_tag"),
        replica.meta("dataset"),
    )


def test_a_sync_cancelled_while_the_server_dribbles_ends_and_keeps_every_edit(
    server: HostileServer, tmp_path: Path
) -> None:
    replica = Replica.open(tmp_path / "replica.sqlite", name="Ville")
    replica.put("person", "p1", {"name": "Ville Kokeilija"})
    replica.put("organization", "kuopio", {"name": "Kuopio"})
    before = _state(replica)
    assert before[1] == 2  # two pending edits

    cancel = threading.Event()
    with remote(server, "dribble.json") as r:
        call = Background(lambda: sync(replica, r, cancel=cancel))
        assert server.seen("dribble.json").answering.wait(GUARD)
        cancel.set()  # what the app does on quit
        r.cancel()
        error = call.error(SyncCancelled)
    assert "cancelled" in str(error)
    assert server.seen("dribble.json").gone.wait(GUARD)
    assert "PUT" not in server.all_methods()  # nothing was written
    assert _state(replica) == before  # the edits are still there, still pending
    replica.close()


def test_a_replica_syncs_normally_after_a_cancelled_sync(
    server: HostileServer, tmp_path: Path
) -> None:
    replica = Replica.open(tmp_path / "replica.sqlite", name="Ville")
    replica.put("person", "p1", {"name": "Ville Kokeilija"})
    with remote(server, "stall-headers.json") as r:
        call = Background(lambda: sync(replica, r))
        assert server.seen("stall-headers.json").answering.wait(GUARD)
        r.cancel()  # the remote alone, without the engine's event
        call.error(SyncCancelled)
    with remote(server, "missing.json") as fresh:  # 404: the first sync creates the document
        report = sync(replica, fresh)
    assert report.wrote and replica.pending() == 0
    assert server.seen("missing.json").methods == ["GET", "PUT"]
    replica.close()
