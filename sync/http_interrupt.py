"""Stopping an HTTP request from another thread: at its deadline, or when the sync is cancelled.

httpx has no way to interrupt a request in flight. Closing the client or the response from
another thread ``close()``s the socket, which on Linux does not wake a thread blocked in
``recv()`` on it: that read still waits for its per-read timeout (checked: a read on a stalled
body with a 30 s timeout returned after 30 s). ``shutdown(SHUT_RDWR)`` does wake it at once, the
read sees the end of the stream and httpx raises a transport error. So every socket the client
opens is registered (through httpx's documented ``trace`` request extension, which reports the
network stream of each new connection) and :meth:`Interrupter.cut` shuts them all down.

A :class:`Flight` is one request with its retries: it knows its deadline and whether it was cut
short. Its :meth:`Flight.check` is called between body chunks and before each step of the
request that httpcore traces; a connection that opens after the cut is shut down at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

__all__ = ["Flight", "Interrupted", "Interrupter"]

_NEW_STREAM_EVENTS = frozenset({"connect_tcp.complete", "start_tls.complete"})
"""After the prefix (``connection.``, or ``proxy.``/``socks.`` through a proxy): a new stream."""
_STEP_EVENTS = frozenset(
    f"http11.{step}.started"
    for step in (
        "send_request_headers",
        "send_request_body",
        "receive_response_headers",
        "receive_response_body",
    )
)
"""Where raising is safe: httpcore closes the connection on the way out (not on close events)."""


class Interrupted(Exception):
    """A request was stopped by its deadline or by ``cancel()`` (the flight says which)."""


class Interrupter:
    """The sockets of one HTTP client, and the means to shut them all down from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.cancelled = threading.Event()
        """Set by :meth:`cancel`: every request from now on is refused."""

    def register(self, stream: Any) -> None:
        """Remember the socket of an httpcore network stream (no-op if it has none)."""
        get = getattr(stream, "get_extra_info", None)
        sock = get("socket") if get is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.add(sock)

    def cut(self) -> None:
        """Shut down every socket of the client: blocked reads and writes return at once."""
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            # The base class's shutdown acts on the descriptor, for TLS sockets too; a socket
            # already closed has descriptor -1 and just raises OSError.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        """Refuse every later request and stop the ones in flight (safe from any thread)."""
        self.cancelled.set()
        self.cut()

    def pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if :meth:`cancel` is called meanwhile."""
        self.cancelled.wait(seconds)

    @contextlib.contextmanager
    def flight(self, deadline: float) -> Iterator[Flight]:
        """One request (with its retries) that must end within ``deadline`` seconds.

        A timer thread cuts the client's sockets when the deadline passes, so that even a
        server dribbling its headers a byte at a time cannot hold the request longer.
        """
        current = Flight(self, time.monotonic() + deadline)
        timer = threading.Timer(deadline, current.expire)
        timer.daemon = True
        timer.start()
        try:
            yield current
        finally:
            timer.cancel()


class Flight:
    """One request with its retries: its deadline and whether it was stopped."""

    def __init__(self, owner: Interrupter, ends: float) -> None:
        self._owner = owner
        self._ends = ends
        self._expired = threading.Event()

    def expire(self) -> None:
        """The deadline has passed: stop the request (called by the flight's timer)."""
        self._expired.set()
        self._owner.cut()

    @property
    def expired(self) -> bool:
        """The deadline has passed."""
        return self._expired.is_set() or time.monotonic() >= self._ends

    @property
    def cancelled(self) -> bool:
        """The client was cancelled."""
        return self._owner.cancelled.is_set()

    def remaining(self) -> float:
        """Seconds left until the deadline (0 when it has passed)."""
        return max(0.0, self._ends - time.monotonic())

    def check(self) -> None:
        """Raise :class:`Interrupted` if the request must stop."""
        if self.cancelled or self.expired:
            raise Interrupted

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's ``trace`` extension: register new connections, stop when told to."""
        if event.partition(".")[2] in _NEW_STREAM_EVENTS:
            self._owner.register(info.get("return_value"))
            if self.cancelled or self.expired:
                self._owner.cut()  # opened after the cut: its first read or write fails
        elif event in _STEP_EVENTS:
            self.check()
