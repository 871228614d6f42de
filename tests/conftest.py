"""Fixtures shared by several test folders: the real servers of ``tests/servers``."""

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
