"""Fixtures shared by several test folders: the real servers of ``tests/servers``, and a cache
folder of each test's own (the config's parse cache is never the real home's)."""

import pytest
from servers.fixtures import (
    apache_dav,
    apache_dav_digest,
    moto_s3,
    private_ca,
    rclone_dav,
    syncthing_pair,
)

__all__ = [
    "apache_dav",
    "apache_dav_digest",
    "moto_s3",
    "private_ca",
    "rclone_dav",
    "syncthing_pair",
]


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
