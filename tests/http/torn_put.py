"""A torn PUT: headers announcing the whole body, only part of it, then the connection closed.

This is what a laptop losing its network (or being killed) in the middle of an upload does to
the server. ``torn_put`` sends one over a raw socket; ``run_observed_webdav`` is the tests'
WsgiDAV server (same configuration as ``tests/webdav_server.py``: stock filesystem provider)
with a WSGI middleware that records each request once WsgiDAV has finished with it, so a test
can wait for the torn request to be fully handled instead of sleeping::

    with run_observed_webdav(root) as server:
        torn_put(server.url + "digikunta.json", body, sent=len(body) // 2)
        server.wait_for("PUT", 1)
        stored = (root / "digikunta.json").read_bytes()

Observed with WsgiDAV 4.4 (``tests/http/test_torn_put.py`` checks it): the file then holds
exactly the bytes that arrived, the previous document is gone, and WsgiDAV treats the request
as a success (``201``/``204``), because ``FileResource.begin_write`` opens the file itself with
``open(path, "wb")`` (truncating it) and ``RequestServer._stream_data`` stops at the end of the
input without checking it against Content-Length.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cheroot import wsgi
from webdav_server import HOST, webdav_config
from wsgidav.wsgidav_app import WsgiDAVApp


def torn_put(
    url: str,
    body: bytes,
    sent: int,
    *,
    headers: dict[str, str] | None = None,
) -> None:
    """PUT ``body`` to ``url`` announcing all of it, send only ``sent`` bytes, then close.

    Args:
        url: an ``http://`` URL (loopback test servers).
        body: the whole document the request announces (its length is the Content-Length).
        sent: how many bytes of it actually go out before the connection is closed.
        headers: extra request headers (``If-Match``, ``If-None-Match``...).
    """
    parts = urlsplit(url)
    host, port = parts.hostname or HOST, parts.port or 80
    lines = [
        f"PUT {parts.path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json; charset=utf-8",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body[:sent])
        sock.shutdown(socket.SHUT_WR)  # the end of the stream: the rest never comes


@dataclass
class ObservedWebDav:
    """A running WsgiDAV server and the requests it has finished handling."""

    url: str
    finished: list[tuple[str, str, str]] = field(default_factory=list)
    """(method, path, status line) of every request WsgiDAV finished, in order."""
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def record(self, method: str, path: str, status: str) -> None:
        """Called by the middleware when WsgiDAV is done with a request."""
        with self._changed:
            self.finished.append((method, path, status))
            self._changed.notify_all()

    def wait_for(self, method: str, count: int, timeout: float = 60.0) -> list[str]:
        """Wait until ``count`` requests of ``method`` were handled; their status lines.

        Raises:
            TimeoutError: they were not (a guard against hanging, not a speed check).
        """
        with self._changed:
            if not self._changed.wait_for(
                lambda: len(self._statuses(method)) >= count, timeout=timeout
            ):
                raise TimeoutError(f"WsgiDAV handled only {self._statuses(method)} {method}s")
            return self._statuses(method)

    def _statuses(self, method: str) -> list[str]:
        """Of the document's requests (not the HTTP remote's If-Match probe beside it)."""
        return [
            status
            for m, path, status in self.finished
            if m == method and not path.endswith(".digikunta-probe")
        ]


class _Observer:
    """WSGI middleware: tells the ObservedWebDav when the wrapped app finished a request."""

    def __init__(self, app: Any, observed: ObservedWebDav) -> None:
        self._app = app
        self._observed = observed

    def __call__(self, environ: dict, start_response: Any) -> Any:
        status: list[str] = []

        def remember(line: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(line)
            return start_response(line, headers, exc_info)

        try:
            result = self._app(environ, remember)
            return list(result)  # WsgiDAV wrote the file before it returned
        finally:
            method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
            self._observed.record(method, path, status[-1] if status else "(no answer)")


@contextmanager
def run_observed_webdav(root: Path) -> Iterator[ObservedWebDav]:
    """Stock WsgiDAV (the tests' configuration) serving ``root`` on loopback, observed."""
    root.mkdir(parents=True, exist_ok=True)
    logging.getLogger("wsgidav").setLevel(logging.CRITICAL)  # it logs the torn copy loudly
    observed = ObservedWebDav(url="")
    app = _Observer(WsgiDAVApp(webdav_config(root)), observed)
    server = wsgi.Server((HOST, 0), app, numthreads=4)
    server.expiration_interval = 0.05
    server.prepare()  # binds: the port is known
    observed.url = f"http://{HOST}:{server.bind_addr[1]}/"
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield observed
    finally:
        server.stop()
        thread.join(timeout=10)
