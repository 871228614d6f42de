"""The HTTP servers of ``sync_bench.py --http``: WsgiDAV, Apache mod_dav over TLS, S3 (moto).

``open_server(transport, shared)`` starts the server for ``transport`` and returns a
:class:`BenchServer`: a factory of remotes for the shared document and a way to copy what the
server stores into ``shared`` (the file the bench's floor and size are measured on). Apache
runs with ``FileETag Digest`` (the setting docs/http-remote.md recommends: with stock ETags
every write within a second of the previous one waits for the tag to turn strong, which would
measure that wait, not the sync). moto runs in a thread of the measuring process, so its own
work is inside the measured times.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

from sync import Remote

TRANSPORTS = ("http", "apache", "s3")


@dataclass
class BenchServer:
    """A running server: ``make_remote()`` for each replica; ``copy_out()``; ``close()``."""

    make_remote: Callable[[], Remote]
    copy_out: Callable[[], None]
    close: Callable[[], None]
    version: str


def open_server(transport: str, shared: Path) -> BenchServer:
    """Start the server for ``transport`` (``http``, ``apache`` or ``s3``); see the module doc."""
    from sync.http_remote import HttpRemote

    stack = ExitStack()
    name = shared.name
    if transport == "http":
        from webdav_server import run_webdav

        base = stack.enter_context(run_webdav(shared.parent, strict=True))
        return BenchServer(
            lambda: HttpRemote(base + name), lambda: None, stack.close, "WsgiDAV (strict)"
        )
    if transport == "apache":
        from servers.apache import run_apache
        from servers.fixtures import DIGEST_ETAGS
        from servers.tls import make_ca

        folder = Path(tempfile.mkdtemp(prefix="digikunta-bench-apache-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        apache = stack.enter_context(run_apache(folder, make_ca(folder / "ca"), extra=DIGEST_ETAGS))
        auth = httpx.BasicAuth(apache.username, apache.password)
        return BenchServer(
            lambda: HttpRemote(apache.base_url + name, auth=auth, verify=str(apache.ca.ca_bundle)),
            lambda: shutil.copyfile(apache.root / name, shared),
            stack.close,
            f"{apache.version}, mod_dav_fs, TLS, FileETag Digest",
        )
    if transport == "s3":
        from servers.moto_s3 import run_moto_s3

        s3 = stack.enter_context(run_moto_s3())
        return BenchServer(
            lambda: HttpRemote(s3.base_url + name, auth=s3.auth()),
            lambda: shared.write_bytes(s3.get(name).content),
            stack.close,
            f"{s3.version} (in-process), SigV4 via botocore",
        )
    raise ValueError(f"unknown transport {transport!r}")
