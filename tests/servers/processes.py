"""Starting and stopping the servers' processes: free ports, readiness, a clean stop.

No sleeps as synchronisation: readiness is polled (the port accepts connections, or an HTTP
answer arrives) up to a generous deadline, and a server that dies or never gets ready fails
with its own log in the message.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HOST = "127.0.0.1"
START_DEADLINE = 60.0
"""Seconds a server may take to start on a busy shared machine (a guard, not a speed check)."""


class ServerFailed(RuntimeError):
    """A server could not be started (the message holds the end of its log)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def missing_program(*names: str) -> str | None:
    """The skip reason when one of the programs ``names`` is not installed, else None."""
    for name in names:
        if shutil.which(name) is None:
            return f"{name} is not installed (.ci/run installs it: apt-get install {name})"
    return None


def tail(path: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of a log file (empty if there is none)."""
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def accepts(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:``port``."""
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
        return True
    return False


def wait_until(
    ready: Callable[[], bool],
    what: str,
    *,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
    deadline: float = START_DEADLINE,
) -> None:
    """Poll ``ready()`` until it is true; ServerFailed if ``process`` exits or time runs out."""
    end = time.monotonic() + deadline
    delay = 0.01
    while not ready():
        if process is not None and process.poll() is not None:
            raise ServerFailed(
                f"{what} exited with code {process.returncode}:\n{tail(log) if log else ''}"
            )
        if time.monotonic() > end:
            raise ServerFailed(
                f"{what} was not ready within {deadline:g} s:\n{tail(log) if log else ''}"
            )
        time.sleep(delay)  # polling interval only; readiness is what is waited for
        delay = min(delay * 2, 0.2)


def start(
    argv: Sequence[str], log: Path, *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own process group, stdout and stderr into ``log``."""
    child_env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    child_env.update(env or {})
    with log.open("ab") as out:
        return subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=child_env,
            cwd=cwd,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], *, timeout: float = 20.0) -> None:
    """SIGTERM the process's group, then SIGKILL it if it has not exited within ``timeout``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
