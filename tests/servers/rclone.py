"""``rclone serve webdav`` of a local folder on loopback, with basic auth.

``run_rclone(folder)`` serves ``folder / "dav"`` at ``http://127.0.0.1:PORT/`` (plain http on
loopback, which the HTTP remote allows) with rclone's defaults for the VFS (no cache: writes
go straight to the files).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from servers.processes import HOST, ServerFailed, accepts, free_port, start, stop, wait_until


@dataclass(frozen=True)
class RcloneDav:
    """A running ``rclone serve webdav``: base URL (ends in ``/``), folder, login, version."""

    base_url: str
    root: Path
    username: str
    password: str
    version: str
    log: Path


def rclone_version(binary: str) -> str:
    """``rclone v1.60.1-DEV`` (the first line of ``rclone version``)."""
    out = subprocess.run([binary, "version"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0].strip() if out.stdout else "unknown"


@contextmanager
def run_rclone(
    folder: Path, username: str = "ville", password: str = "Kuopio-rclone-297"
) -> Iterator[RcloneDav]:
    """Run ``rclone serve webdav`` while the block runs.

    Raises:
        ServerFailed: rclone is missing, exits, or does not listen within the deadline.
    """
    binary = shutil.which("rclone")
    if binary is None:
        raise ServerFailed("rclone is not installed")
    root = folder / "dav"
    root.mkdir(parents=True, exist_ok=True)
    (folder / "rclone.conf").touch()
    log = folder / "rclone.log"
    for _attempt in range(3):
        port = free_port()
        argv = [
            binary, "serve", "webdav", str(root), "--addr", f"{HOST}:{port}",
            "--user", username, "--pass", password,
            "--config", str(folder / "rclone.conf"), "--log-level", "NOTICE",
        ]  # fmt: skip
        process = start(argv, log)
        try:
            wait_until(
                lambda port=port: accepts(port), "rclone serve webdav", process=process, log=log
            )
            break
        except ServerFailed:
            stop(process)
            if "address already in use" not in log.read_text(errors="replace"):
                raise
    else:
        raise ServerFailed("rclone found no free port")
    try:
        yield RcloneDav(
            f"http://{HOST}:{port}/", root, username, password, rclone_version(binary), log
        )
    finally:
        stop(process)
