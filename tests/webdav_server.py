"""A real WebDAV server (WsgiDAV on cheroot) on loopback, for tests and benchmarks.

``run_webdav(root)`` serves the folder ``root`` at ``http://127.0.0.1:<free port>/`` from a
background thread and stops it cleanly when the ``with`` block ends::

    with run_webdav(tmp_path) as base_url:
        remote = HttpRemote(base_url + "digikunta.json")

With ``users={"name": "password"}`` the server requires HTTP basic auth; otherwise anyone may
read and write. WsgiDAV's own logging is kept quiet.

Stock WsgiDAV (4.4) is not an exact conditional-write server: its ETag is
``"<inode>-<mtime in whole seconds>-<size>"`` and it rewrites files in place, so a same-size
rewrite within one second keeps the ETag (a stale ``If-Match`` then still matches) and two
concurrent requests can interleave. ``strict=True`` makes it exact, like Nextcloud or S3: the
ETag is a hash of the content and requests are served one at a time. Use it for multi-replica
tests that must not lose updates to the server's own weakness.

Not imported by the package: tests and benches import it from the ``tests`` folder.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cheroot import wsgi
from wsgidav.fs_dav_provider import FileResource, FilesystemProvider
from wsgidav.wsgidav_app import WsgiDAVApp

HOST = "127.0.0.1"


@dataclass(frozen=True)
class WebDavLogin:
    """A running WebDAV server that requires this user name and password (basic auth)."""

    url: str
    username: str
    password: str


class _ContentTaggedFile(FileResource):
    """A file whose ETag is the sha256 of its content (changes on every different write)."""

    def get_etag(self) -> str:
        return hashlib.sha256(Path(self._file_path).read_bytes()).hexdigest()


class _ContentTaggedProvider(FilesystemProvider):
    """WsgiDAV's filesystem provider with content-hash ETags."""

    def get_resource_inst(self, path: str, environ: dict) -> Any:
        res = super().get_resource_inst(path, environ)
        if type(res) is FileResource:
            return _ContentTaggedFile(res.path, environ, res._file_path)
        return res


class _OneAtATime:
    """WSGI middleware serving one request at a time, body included (no torn reads/writes)."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        with self._lock:
            result = self._app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()


def webdav_config(
    root: Path, users: dict[str, str] | None = None, *, strict: bool = False
) -> dict[str, Any]:
    """Build a WsgiDAV configuration serving ``root`` at ``/``.

    Args:
        root: the folder to share.
        users: user name -> password for basic auth; None allows anonymous access.
        strict: use content-hash ETags (see the module docstring).

    Returns:
        A configuration dict for ``WsgiDAVApp``.
    """
    if users is None:
        user_mapping: dict[str, Any] = {"*": True}
    else:
        user_mapping = {
            "*": {name: {"password": password, "roles": []} for name, password in users.items()}
        }
    return {
        "host": HOST,
        "port": 0,
        "provider_mapping": {
            "/": _ContentTaggedProvider(str(root)) if strict else str(root),
        },
        "simple_dc": {"user_mapping": user_mapping},
        "http_authenticator": {
            "domain_controller": None,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "verbose": 0,
        "logging": {"enable": False},
        # The directory browser stays on: it turns a GET of a folder into an HTML page, which
        # the tests use as a real "200 with HTML" case.
    }


@contextmanager
def run_webdav(
    root: Path, users: dict[str, str] | None = None, *, strict: bool = False
) -> Iterator[str]:
    """Serve ``root`` over WebDAV on 127.0.0.1 with a free port while the block runs.

    Args:
        root: the folder to share (created if missing).
        users: user name -> password for basic auth; None allows anonymous access.
        strict: exact conditional writes: content-hash ETags, one request at a time.

    Yields:
        The base URL, ending in ``/`` (for example ``http://127.0.0.1:51234/``).
    """
    root.mkdir(parents=True, exist_ok=True)
    logging.getLogger("wsgidav").setLevel(logging.WARNING)
    app: Any = WsgiDAVApp(webdav_config(root, users, strict=strict))
    if strict:
        app = _OneAtATime(app)
    server = wsgi.Server((HOST, 0), app, numthreads=4)
    server.expiration_interval = 0.05  # how often serve() notices stop(): fast teardown
    server.prepare()  # binds the socket, so the port is known before serving starts
    port = server.bind_addr[1]
    thread = threading.Thread(target=server.serve, name=f"webdav-{port}", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{port}/"
    finally:
        server.stop()
        thread.join(timeout=10)
