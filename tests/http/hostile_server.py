"""A tiny hostile HTTP server on loopback (stdlib ``http.server`` in a thread), for tests.

Each path is one kind of bad (or good) answer to a ``GET``::

    /giant-announced.json  Content-Length: 3 GiB, then nothing (the body is never sent)
    /giant-chunked.json    chunked, no Content-Length, 64 KiB chunks until the client leaves
    /gzip-bomb.json        Content-Encoding: gzip, ~3 MB on the wire that inflate to 3 GiB
    /dribble.json          Content-Length: 1 000 000, then one byte every ``dribble_interval``
    /slow-headers.json     a status line, then the headers one byte every ``dribble_interval``
    /stall-headers.json    reads the request and never answers
    /stall-body.json       headers and one byte of the body, then nothing
    /unavailable.json      503 Service Unavailable
    /ok.json, /ok-gzip.json  ``document`` (plain, and gzip-compressed) with an ETag: the control

A ``PUT`` to ``/slow-reader.json`` is read one byte every ``dribble_interval``; any other ``PUT``
is read and answered ``201`` (but the HTTP remote's If-Match probe, ``*.digikunta-probe``,
gets ``412``, as from a server that checks If-Match). Endless answers stop when the client goes
away (or the server stops). What happened is recorded per path (:class:`Seen`), with events
to wait on instead of sleeping::

    with run_hostile(document=doc) as server:
        remote = HttpRemote(server.url("dribble.json"), deadline=2)
        ...
        assert server.seen("dribble.json").gone.wait(60)
"""

from __future__ import annotations

import gzip
import hashlib
import select
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"
GiB = 1024**3
ANNOUNCED = 3 * GiB
DRIBBLE_LENGTH = 1_000_000
CHUNK = 64 * 1024
CHUNKED_CAP = 8 * GiB
"""A chunked answer stops here even if the client never leaves (a guard for broken code)."""


def _gf2_times(matrix: list[int], vector: int) -> int:
    result, i = 0, 0
    while vector:
        if vector & 1:
            result ^= matrix[i]
        vector >>= 1
        i += 1
    return result


def _crc32_of_zeros(length: int) -> int:
    """``zlib.crc32(bytes(length))`` without the bytes: the CRC register pushed through
    ``8 * length`` zero bits is a linear map, raised to that power by repeated squaring."""
    one_bit = [0xEDB88320] + [1 << (i - 1) for i in range(1, 32)]  # the map of one zero bit
    power, bits, register = one_bit, 8 * length, 0xFFFFFFFF
    while bits:
        if bits & 1:
            register = _gf2_times(power, register)
        power = [_gf2_times(power, column) for column in power]
        bits >>= 1
    return register ^ 0xFFFFFFFF


@lru_cache(maxsize=2)
def gzip_bomb(inflated: int = 3 * GiB) -> bytes:
    """A valid gzip member of ``inflated`` zero bytes (~1/1000 of that), made in seconds.

    Compressing gigabytes would take long; instead 1 MiB of zeros is compressed once, ended by
    a full flush (which resets the compressor's state), so the same deflate blocks can be
    repeated for every further MiB. The trailer carries the true CRC-32 and size.
    """
    block = 1024 * 1024
    if inflated % block:
        raise ValueError("inflated must be a multiple of 1 MiB")
    zeros = bytes(block)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush(zlib.Z_FINISH)
    crc = _crc32_of_zeros(inflated)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (inflated % 2**32).to_bytes(4, "little")
    return header + piece * (inflated // block) + tail + trailer


@dataclass
class Seen:
    """What the server saw and did on one path (the last request to it)."""

    requests: int = 0
    methods: list[str] = field(default_factory=list)
    received: int = 0
    """Request body bytes read (PUT)."""
    sent: int = 0
    """Response body bytes sent."""
    answering: threading.Event = field(default_factory=threading.Event)
    """Set once the request was read and the answer (or the stall) began."""
    gone: threading.Event = field(default_factory=threading.Event)
    """Set when the server noticed the client had closed the connection."""
    answered: threading.Event = field(default_factory=threading.Event)
    """Set once a whole answer was written and counted in ``sent``."""


class HostileServer(ThreadingHTTPServer):
    """The server; see the module docstring for what each path does."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, document: bytes, dribble_interval: float) -> None:
        super().__init__((HOST, 0), _Handler)
        self.document = document
        self.dribble_interval = dribble_interval
        self.stopping = threading.Event()
        self._seen: dict[str, Seen] = {}
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``."""
        return f"http://{HOST}:{self.server_address[1]}/"

    def url(self, name: str) -> str:
        """The URL of a path (``"dribble.json"``)."""
        return self.base_url + name

    def seen(self, name: str) -> Seen:
        """The record of a path (created empty on first look)."""
        with self._lock:
            return self._seen.setdefault("/" + name.lstrip("/"), Seen())

    def all_methods(self) -> list[str]:
        """Every method received, on every path."""
        with self._lock:
            return [m for s in self._seen.values() for m in s.methods]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HostileServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _record(self) -> Seen:
        seen = self.server.seen(self.path.split("?")[0])
        with self.server._lock:
            seen.requests += 1
            seen.methods.append(self.command)
        return seen

    # -- helpers ---------------------------------------------------------------------------

    def _client_gone(self, wait: float) -> bool:
        """Wait up to ``wait`` s; True if the client closed its end meanwhile."""
        readable, _, _ = select.select([self.connection], [], [], wait)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _until_gone(self, seen: Seen) -> None:
        while not self.server.stopping.is_set():
            if self._client_gone(0.1):
                seen.gone.set()
                return

    def _send(self, seen: Seen, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            seen.gone.set()
            return False
        seen.sent += len(data)
        return True

    def _headers(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    # -- GET -------------------------------------------------------------------------------

    def do_GET(self) -> None:
        seen = self._record()
        route = self.path.split("?")[0].lstrip("/")
        handler = getattr(self, "_get_" + route.removesuffix(".json").replace("-", "_"), None)
        if handler is None:
            self._headers(404, {"Content-Length": "0"})
            return
        self.close_connection = True
        handler(seen)

    def _get_ok(self, seen: Seen, body: bytes | None = None, encoding: str = "") -> None:
        data = self.server.document if body is None else body
        headers = {
            "Content-Type": "application/json",
            "Content-Length": str(len(data)),
            "ETag": '"' + hashlib.sha256(self.server.document).hexdigest()[:16] + '"',
        }
        if encoding:
            headers["Content-Encoding"] = encoding
        self._headers(200, headers)
        seen.answering.set()
        if self._send(seen, data):
            seen.answered.set()

    def _get_ok_gzip(self, seen: Seen) -> None:
        self._get_ok(seen, gzip.compress(self.server.document), "gzip")

    def _get_gzip_bomb(self, seen: Seen) -> None:
        bomb = gzip_bomb()
        self._get_ok(seen, bomb, "gzip")

    def _get_giant_announced(self, seen: Seen) -> None:
        self._headers(200, {"Content-Type": "application/json", "Content-Length": str(ANNOUNCED)})
        seen.answering.set()
        self._send(seen, b"{")
        self._until_gone(seen)

    def _get_giant_chunked(self, seen: Seen) -> None:
        self._headers(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        seen.answering.set()
        chunk = f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n"
        while seen.sent < CHUNKED_CAP and not self.server.stopping.is_set():
            if not self._send(seen, chunk):
                return

    def _get_dribble(self, seen: Seen) -> None:
        self._headers(
            200, {"Content-Type": "application/json", "Content-Length": str(DRIBBLE_LENGTH)}
        )
        seen.answering.set()
        while seen.sent < DRIBBLE_LENGTH and not self.server.stopping.is_set():
            if not self._send(seen, b" "):
                return
            if self._client_gone(self.server.dribble_interval):
                seen.gone.set()
                return

    def _get_slow_headers(self, seen: Seen) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        seen.answering.set()
        while not self.server.stopping.is_set():
            if not self._send(seen, b"a"):
                return
            if self._client_gone(self.server.dribble_interval):
                seen.gone.set()
                return

    def _get_stall_headers(self, seen: Seen) -> None:
        seen.answering.set()
        self._until_gone(seen)

    def _get_stall_body(self, seen: Seen) -> None:
        self._headers(200, {"Content-Type": "application/json", "Content-Length": "1000"})
        self._send(seen, b"{")
        seen.answering.set()
        self._until_gone(seen)

    def _get_unavailable(self, seen: Seen) -> None:
        self._headers(503, {"Content-Length": "0", "Retry-After": "1"})
        seen.answering.set()

    # -- PUT -------------------------------------------------------------------------------

    def do_PUT(self) -> None:
        seen = self._record()
        length = int(self.headers.get("Content-Length") or 0)
        self.close_connection = True
        seen.answering.set()
        slow = self.path.split("?")[0] == "/slow-reader.json"
        if self.path.split("?")[0].endswith(".digikunta-probe"):
            self._headers(412, {"Content-Length": "0"})
            return
        while seen.received < length and not self.server.stopping.is_set():
            data = self.rfile.read(1 if slow else min(CHUNK, length - seen.received))
            if not data:
                seen.gone.set()
                return
            seen.received += len(data)
            if slow:
                time.sleep(self.server.dribble_interval)  # the server's pace, not a test's wait
        self._headers(201, {"Content-Length": "0", "ETag": '"put"'})


@contextmanager
def run_hostile(
    document: bytes = b'{"control": true}', *, dribble_interval: float = 0.5
) -> Iterator[HostileServer]:
    """Serve the hostile paths on 127.0.0.1 (a free port) while the block runs.

    Args:
        document: the body of ``/ok.json`` and ``/ok-gzip.json``.
        dribble_interval: seconds between the bytes of the dribbling answers.
    """
    server = HostileServer(document, dribble_interval)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
