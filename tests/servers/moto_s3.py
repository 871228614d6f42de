"""moto's S3 server (``moto[server]``, werkzeug in a thread) on loopback, with one bucket.

``run_moto_s3()`` yields a :class:`MotoS3`: the bucket's base URL
(``http://127.0.0.1:PORT/BUCKET/``, path-style), the region and the credentials to put in the
AWS environment variables. moto does not verify signatures (any key signs), but it refuses an
unsigned request (403), and it evaluates ``If-Match`` / ``If-None-Match: *`` on ``PUT`` as S3
does (412; 404 NoSuchKey for If-Match on a missing key).

The server records every request once moto has answered it (``finished``), so a test can wait
for a request a killed client left behind to be handled instead of sleeping.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import httpx

from servers.processes import HOST, ServerFailed
from sync.s3_signing import S3SigV4

REGION = "eu-north-1"
BUCKET = "digikunta-tests"


@dataclass(frozen=True)
class MotoS3:
    """A running moto S3 server with one bucket."""

    base_url: str
    region: str
    access_key: str
    secret_key: str
    version: str
    env: dict[str, str] = field(default_factory=dict)
    """The AWS environment variables a laptop would have (for ``s3_auth_from_env``)."""
    observer: _Observer | None = None

    def wait_for(self, method: str, path_end: str, count: int) -> list[int]:
        """Wait until moto answered ``count`` requests of ``method`` whose path ends so."""
        assert self.observer is not None
        return self.observer.wait_for(method, path_end, count)

    def auth(self) -> S3SigV4:
        """Signing with this server's credentials."""
        return S3SigV4(self.access_key, self.secret_key, self.region)

    def get(self, name: str) -> httpx.Response:
        """A signed ``GET`` of the object ``name`` (what is stored, seen from outside)."""
        return httpx.get(self.base_url + name, auth=self.auth())


def moto_missing() -> str | None:
    """The skip reason when ``moto[server]`` is not installed, else None."""
    try:
        from moto.server import ThreadedMotoServer  # noqa: F401
    except ImportError:
        return "moto[server] is not installed (it is in the test extra: pip install -e '.[test]')"
    return None


class _Observer:
    """WSGI middleware: records (method, path, status) when a request's answer is complete."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._done: list[tuple[str, str, int]] = []
        self._changed = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        status: list[int] = []

        def remember(line: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(int(line.split()[0]))
            return start_response(line, headers, exc_info)

        try:
            return list(self._app(environ, remember))
        finally:
            with self._changed:
                path = environ.get("PATH_INFO", "")
                self._done.append((environ["REQUEST_METHOD"], path, status[-1] if status else 0))
                self._changed.notify_all()

    def wait_for(self, method: str, path_end: str, count: int, timeout: float = 60) -> list[int]:
        def matching() -> list[int]:
            return [s for m, p, s in self._done if m == method and p.endswith(path_end)]

        with self._changed:
            if not self._changed.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                raise TimeoutError(f"moto answered only {matching()} to {method} *{path_end}")
            return matching()


def _observed_server(observer_box: list[_Observer]) -> Any:
    """moto's ThreadedMotoServer with its WSGI app wrapped in an :class:`_Observer`."""
    from moto.server import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        ThreadedMotoServer,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class Observed(ThreadedMotoServer):
        def _server_entry(self) -> None:
            observer = _Observer(DomainDispatcherApplication(create_backend_app))
            observer_box.append(observer)
            self._server = make_server(
                self._ip_address, self._port, observer, True, request_handler=MotoRequestHandler
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    return Observed(ip_address=HOST, port=0, verbose=False)


@contextmanager
def run_moto_s3() -> Iterator[MotoS3]:
    """Run moto's S3 server on a free loopback port with the bucket ``BUCKET``."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    box: list[_Observer] = []
    server = _observed_server(box)
    server.start()
    try:
        host, port = server.get_host_and_port()
        s3 = MotoS3(
            f"http://{host}:{port}/{BUCKET}/",
            REGION,
            "AKIADIGIKUNTATEST",
            "digikunta-test-secret",
            f"moto {version('moto')}",
            observer=box[0],
        )
        object.__setattr__(
            s3,
            "env",
            {
                "AWS_ACCESS_KEY_ID": s3.access_key,
                "AWS_SECRET_ACCESS_KEY": s3.secret_key,
                "AWS_REGION": REGION,
            },
        )
        body = (
            "<CreateBucketConfiguration><LocationConstraint>"
            f"{REGION}</LocationConstraint></CreateBucketConfiguration>"
        )
        made = httpx.put(f"http://{host}:{port}/{BUCKET}", content=body, auth=s3.auth())
        if made.status_code != 200:
            raise ServerFailed(f"moto did not create the bucket: {made.status_code} {made.text}")
        yield s3
    finally:
        server.stop()
