"""Session-scoped pytest fixtures for the real servers (made available by ``tests/conftest.py``).

Each starts once per test session (cheap for the CI budget: tests share a server and use
their own document names) and skips with the reason only when its program is missing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers.apache import ApacheDav, apache_binary, run_apache
from servers.moto_s3 import MotoS3, moto_missing, run_moto_s3
from servers.processes import missing_program
from servers.rclone import RcloneDav, run_rclone
from servers.syncthing import SyncthingPair, run_syncthing_pair
from servers.tls import PrivateCa, make_ca

DIGEST_ETAGS = "    FileETag Digest\n"
"""The Apache setting docs/http-remote.md recommends: strong content-digest ETags at once."""


def _skip_unless(reason: str | None) -> None:
    if reason is not None:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def private_ca(tmp_path_factory: pytest.TempPathFactory) -> PrivateCa:
    """A private CA (``ca.pem``), a server certificate for 127.0.0.1, and an unrelated CA."""
    _skip_unless(missing_program("openssl"))
    return make_ca(tmp_path_factory.mktemp("ca"))


def _apache(ca: PrivateCa, extra: str) -> Iterator[ApacheDav]:
    _skip_unless(None if apache_binary() else missing_program("apache2"))
    # Not under pytest's 0700 folder: httpd's children (www-data) must reach the served folder.
    folder = Path(tempfile.mkdtemp(prefix="digikunta-apache-"))
    try:
        with run_apache(folder, ca, extra=extra) as server:
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def apache_dav(private_ca: PrivateCa) -> Iterator[ApacheDav]:
    """Apache mod_dav_fs over TLS with basic auth, stock ETags (weak for a second after a write)."""
    yield from _apache(private_ca, "")


@pytest.fixture(scope="session")
def apache_dav_digest(private_ca: PrivateCa) -> Iterator[ApacheDav]:
    """The same Apache with ``FileETag Digest`` (strong content-digest ETags)."""
    yield from _apache(private_ca, DIGEST_ETAGS)


@pytest.fixture(scope="session")
def rclone_dav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RcloneDav]:
    """``rclone serve webdav`` with basic auth on plain http (loopback)."""
    _skip_unless(missing_program("rclone"))
    with run_rclone(tmp_path_factory.mktemp("rclone")) as server:
        yield server


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    """moto's S3 server with one bucket; requests are signed with botocore's SigV4."""
    _skip_unless(moto_missing())
    with run_moto_s3() as server:
        yield server


@pytest.fixture(scope="session")
def syncthing_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncthingPair]:
    """Two Syncthing devices on loopback sharing one folder (``tests/servers/syncthing.py``)."""
    _skip_unless(missing_program("syncthing"))
    with run_syncthing_pair(tmp_path_factory.mktemp("syncthing")) as pair:
        yield pair
