"""Child processes for which permission bits and read-only mounts really apply.

Tests run as root here, and root ignores permission bits. So a test that needs a folder the user
cannot write runs its child as the unprivileged user 65534 (``setpriv``); one that needs a
read-only or a tiny file system mounts a tmpfs inside a private mount namespace (``unshare``),
which disappears with the child. When neither is possible the test is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534


def child_env() -> dict[str, str]:
    """This environment, with the repository importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def unprivileged_prefix(reachable: Path) -> list[str]:
    """A command prefix that runs the child where permission bits apply to it.

    As root: ``setpriv`` to uid/gid 65534 with no groups. When that user cannot even reach the
    interpreter or ``reachable`` (say the interpreter lives under a 0700 ``/root``), the child
    keeps CAP_DAC_READ_SEARCH only: it may *read and traverse* everything, but every *write* is
    checked against the permission bits as for any other user. Not root: no prefix at all.
    Skips the test when none of this is possible.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("needs setpriv to run a child without root's power over permission bits")
    base = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = [
        sys.executable,
        "-c",
        "import os, sys, sync, digikunta_tui.cli; os.stat(sys.argv[1])",
        str(reachable),
    ]
    read_search = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
    for extra in ([], read_search):
        done = subprocess.run(
            [*base, *extra, *probe], env=child_env(), capture_output=True, check=False
        )
        if done.returncode == 0:
            return [*base, *extra]
    pytest.skip(f"setpriv cannot run this interpreter as uid {NOBODY}: {done.stderr[-300:]!r}")


def give_to_nobody(*paths: Path) -> None:
    """Make ``paths`` (recursively) belong to the unprivileged user, when running as root."""
    if os.geteuid() != 0:
        return
    for top in paths:
        os.chown(top, NOBODY, NOBODY)
        for folder, dirs, files in os.walk(top):
            for name in [*dirs, *files]:
                os.chown(os.path.join(folder, name), NOBODY, NOBODY, follow_symlinks=False)


def private_mount_prefix(probe_dir: Path) -> list[str]:
    """``unshare`` in a private mount namespace, after checking that a tmpfs can be mounted there.

    Skips the test (with the reason) when this process may not mount.
    """
    unshare = shutil.which("unshare")
    mount = shutil.which("mount")
    if unshare is None or mount is None:
        pytest.skip("needs unshare and mount for a private tmpfs")
    prefix = [unshare, "--mount", "--propagation", "private"]
    probe_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [*prefix, mount, "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe_dir)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"this test may not mount a tmpfs: {done.stderr.decode(errors='replace')}")
    return prefix
