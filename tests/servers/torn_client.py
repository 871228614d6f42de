"""A client killed in the middle of a PUT: a child process that sends part of the body, then dies.

``killed_mid_put(url, body, sent, ...)`` starts this module as a process, which connects (TLS
with the given CA bundle for ``https://``), sends the request headers announcing all of
``body`` and then only its first ``sent`` bytes, and says so on stdout; the parent then kills
it with SIGKILL, as when a laptop's sync is killed or loses power mid-upload. The kernel closes
the connection for the dead process; what the server keeps is then up to the server.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit


def killed_mid_put(
    url: str,
    body: bytes,
    sent: int,
    *,
    headers: dict[str, str] | None = None,
    ca_bundle: Path | None = None,
    login: tuple[str, str] | None = None,
    folder: Path,
) -> None:
    """PUT ``body`` to ``url`` from a child process and SIGKILL it after ``sent`` bytes."""
    all_headers = dict(headers or {})
    if login is not None:
        token = base64.b64encode(f"{login[0]}:{login[1]}".encode()).decode()
        all_headers["Authorization"] = f"Basic {token}"
    (folder / "torn-body").write_bytes(body)
    spec = {
        "url": url,
        "body": str(folder / "torn-body"),
        "sent": sent,
        "headers": all_headers,
        "ca": str(ca_bundle) if ca_bundle else None,
    }
    child = subprocess.Popen(
        [sys.executable, __file__, json.dumps(spec)], stdout=subprocess.PIPE, stdin=subprocess.PIPE
    )
    assert child.stdout is not None
    line = child.stdout.readline()  # blocks until the child has sent its part
    if line != b"sent\n":
        child.kill()
        raise RuntimeError(f"the torn client failed before sending: {line!r}")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


def _main(spec: dict[str, object]) -> None:
    parts = urlsplit(str(spec["url"]))
    host, port = parts.hostname or "127.0.0.1", parts.port or 443
    body = Path(str(spec["body"])).read_bytes()
    sock: socket.socket = socket.create_connection((host, port), timeout=30)
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=str(spec["ca"]) if spec["ca"] else None)
        sock = context.wrap_socket(sock, server_hostname=host)
    lines = [
        f"PUT {parts.path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json; charset=utf-8",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in dict(spec["headers"]).items()),  # type: ignore[call-overload]
    ]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    expects = {str(k).lower(): str(v) for k, v in dict(spec["headers"]).items()}  # type: ignore[call-overload]
    if expects.get("expect", "").lower() == "100-continue":
        # The server answers "100 Continue" once its handler reads the body: the part sent
        # next is read mid-request, not raced against the server still reading the headers.
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = sock.recv(4096)
            if not chunk:
                raise SystemExit("the server closed the connection before 100 Continue")
            interim += chunk
        if not interim.startswith(b"HTTP/1.1 100"):
            raise SystemExit(f"no 100 Continue: {interim[:80]!r}")
    sock.sendall(body[: int(spec["sent"])])  # type: ignore[call-overload]
    sys.stdout.write("sent\n")
    sys.stdout.flush()
    time.sleep(3600)  # killed here, the rest of the body never sent


if __name__ == "__main__":
    _main(json.loads(sys.argv[1]))
