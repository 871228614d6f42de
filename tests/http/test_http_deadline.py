"""The overall deadline of a request, against servers that answer a trickle at a time.

Every case sets the per-read (and per-write) timeout far above the deadline and above the
server's pace, so that only the deadline can end the request: the server would go on for days.
The calls run in a thread with a generous guard, so that broken code fails instead of hanging.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from background import GUARD, Background
from hostile_server import DRIBBLE_LENGTH, HostileServer, run_hostile

from sync.errors import RemoteOffline
from sync.http_remote import DEFAULT_DEADLINE, MB, HttpRemote

DEADLINE = 2.0
PER_READ = 60.0  # longer than the deadline, and than the server's pace of 0.5 s a byte


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with run_hostile(dribble_interval=0.5) as running:
        yield running


def remote(server: HostileServer, name: str, **kwargs: object) -> HttpRemote:
    options: dict[str, object] = {"timeout": PER_READ, "deadline": DEADLINE, "retries": 3}
    options.update(kwargs)
    return HttpRemote(server.url(name), **options)  # type: ignore[arg-type]


def _assert_deadline(error: BaseException, url: str) -> None:
    message = str(error)
    assert url in message
    assert "did not finish within its deadline of 2 s" in message
    assert "request_deadline_seconds" in message


@pytest.mark.parametrize("name", ["dribble.json", "slow-headers.json"])
def test_a_dribbling_answer_ends_at_the_deadline_and_is_not_retried(
    server: HostileServer, name: str
) -> None:
    with remote(server, name) as r:
        error = Background(lambda: r.read(None)).error(RemoteOffline)
    _assert_deadline(error, server.url(name))
    seen = server.seen(name)
    assert seen.gone.wait(GUARD)  # the client hung up; the server had much more to send
    assert seen.sent < DRIBBLE_LENGTH
    assert seen.requests == 1  # a deadline is not retried (retries=3 would mean 4)


def test_a_slow_reading_server_ends_an_upload_at_the_deadline(server: HostileServer) -> None:
    body = b" " * (8 * MB)  # far more than the loopback's buffers hold while nobody reads
    with remote(server, "slow-reader.json") as r:
        error = Background(lambda: r.write(body, '"v1"', scrub=frozenset())).error(RemoteOffline)
    _assert_deadline(error, server.url("slow-reader.json"))
    seen = server.seen("slow-reader.json")
    assert seen.requests == 1
    assert seen.received < len(body)


def test_retry_waits_never_outlast_the_deadline(server: HostileServer) -> None:
    # A 503 asks for a retry, but the backoff (10 minutes) would pass the deadline: no retry.
    with remote(server, "unavailable.json", backoff=600.0) as r:
        error = Background(lambda: r.read(None)).error(RemoteOffline)
    message = str(error)
    assert "HTTP 503" in message and "no time left for a retry" in message
    assert "(tried 1 time)" in message
    assert server.seen("unavailable.json").requests == 1


def test_retries_that_fit_in_the_deadline_still_happen(server: HostileServer) -> None:
    with remote(server, "unavailable.json", backoff=0.01, deadline=60.0) as r:
        error = Background(lambda: r.read(None)).error(RemoteOffline)
    assert "(tried 4 times)" in str(error)
    assert server.seen("unavailable.json").requests == 4


def test_a_prompt_server_is_unaffected_by_a_short_deadline(server: HostileServer) -> None:
    with remote(server, "ok.json", deadline=1.0) as r:
        assert r.read(None).data == b'{"control": true}'
        assert r.read(None).data == b'{"control": true}'  # a second request: a new deadline


def test_the_default_deadline_is_five_minutes() -> None:
    assert DEFAULT_DEADLINE == 300.0
