"""``digikunta sync`` into a folder that cannot be written: exit code 3, one line, nothing lost.

The CLI runs as a real process: as the unprivileged user 65534 for a folder without write
permission (tests run as root), and inside a private mount namespace for a read-only tmpfs.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from cli_helpers import Cli
from restricted_runs import give_to_nobody, private_mount_prefix, unprivileged_prefix

EXIT_OFFLINE = 3
NEW_PERSON = "given_name,family_name\nUusi,Jäsen\n"


def _pending(data_dir: Path) -> int:
    conn = sqlite3.connect(f"file:{data_dir / 'replica.sqlite'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM records WHERE dirty = 1").fetchone()[0]
    finally:
        conn.close()


def _folder_state(folder: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in sorted(os.listdir(folder))
    }


def _assert_offline_line(err: str, folder: Path, why: str) -> None:
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    assert line.startswith("digikunta: error: offline: ")
    assert f"{folder}: " in line and why in line
    assert line.endswith("(local changes stay pending)")


def test_sync_into_a_folder_without_write_permission_exits_3(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    shared = folder / "digikunta.json"
    assert cli("sync", "--remote", shared).code == 0
    (tmp_path / "uusi.csv").write_text(NEW_PERSON, encoding="utf-8")
    assert cli("import", tmp_path / "uusi.csv", "--kind", "person").code == 0
    pending = _pending(cli.data_dir)
    assert pending == 1
    prefix = unprivileged_prefix(folder)
    give_to_nobody(cli.data_dir, cli.home, folder)
    folder.chmod(0o555)  # the user's own folder, made read-only
    before = _folder_state(folder)
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "digikunta_tui.cli", "sync", "--remote", str(shared)],
            env=cli.env(),
            cwd=cli.home,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        folder.chmod(0o755)
    assert done.returncode == EXIT_OFFLINE, done.stderr
    _assert_offline_line(done.stderr, folder, "permission denied")
    assert done.stdout == ""
    assert _folder_state(folder) == before
    assert _pending(cli.data_dir) == pending
    # once the folder is writable again (the owner's 755), the same laptop syncs the edit
    again = subprocess.run(
        [*prefix, sys.executable, "-m", "digikunta_tui.cli", "sync", "--remote", str(shared)],
        env=cli.env(),
        cwd=cli.home,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert _pending(cli.data_dir) == 0
    assert "Jäsen" in shared.read_text(encoding="utf-8")


def test_sync_onto_a_read_only_file_system_exits_3(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "mounted"
    prefix = private_mount_prefix(folder)
    shared = folder / "digikunta.json"
    (tmp_path / "uusi.csv").write_text(NEW_PERSON, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    digikunta = f'"{sys.executable}" -m digikunta_tui.cli'
    script = f"""set -e
mount -t tmpfs -o size=8m tmpfs "{folder}"
{digikunta} sync --remote "{shared}" > "{out}/first.out"
{digikunta} import "{tmp_path / "uusi.csv"}" --kind person > "{out}/import.out"
mount -o remount,ro "{folder}"
ls -a "{folder}" > "{out}/before.ls"
cp "{shared}" "{out}/before.json"
set +e
{digikunta} sync --remote "{shared}" > "{out}/sync.out" 2> "{out}/sync.err"
echo $? > "{out}/sync.rc"
ls -a "{folder}" > "{out}/after.ls"
cp "{shared}" "{out}/after.json"
"""
    done = subprocess.run(
        [*prefix, "sh", "-c", script],
        env=cli.env(),
        cwd=cli.home,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "sync.rc").read_text().strip() == str(EXIT_OFFLINE)
    _assert_offline_line((out / "sync.err").read_text(), folder, "read-only file system")
    assert (out / "sync.out").read_text() == ""
    assert (out / "after.ls").read_text() == (out / "before.ls").read_text()
    assert (out / "after.json").read_bytes() == (out / "before.json").read_bytes()
    assert "Jäsen" not in (out / "after.json").read_text(encoding="utf-8")
    assert _pending(cli.data_dir) == 1
    assert not shared.exists()  # the mount went with the namespace; nothing leaked out
