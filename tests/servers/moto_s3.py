"""moto's S3 server (``moto[server]``, werkzeug in a thread) on loopback, with one bucket.

``run_moto_s3()`` yields a :class:`MotoS3`: the bucket's base URL
(``http://127.0.0.1:PORT/BUCKET/``, path-style), the region and the credentials to put in the
AWS environment variables. moto does not verify signatures (any key signs), but it refuses an
unsigned request (403), and it evaluates ``If-Match`` / ``If-None-Match: *`` on ``PUT`` as S3
does (412; 404 NoSuchKey for If-Match on a missing key).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version

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


@contextmanager
def run_moto_s3() -> Iterator[MotoS3]:
    """Run moto's S3 server on a free loopback port with the bucket ``BUCKET``."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address=HOST, port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        s3 = MotoS3(
            f"http://{host}:{port}/{BUCKET}/",
            REGION,
            "AKIADIGIKUNTATEST",
            "digikunta-test-secret",
            f"moto {version('moto')}",
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
