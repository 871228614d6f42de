"""``digikunta demo --people N``: the demo at scale, run as a user would."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from cli_helpers import Cli
from pty_cli import run_on_pty

from digikunta_tui.domain.demo import demo_records


def demo_paths(result_text: str) -> tuple[Path, Path]:
    lines = result_text.splitlines()
    return (
        Path(lines[0].removeprefix("demo replica: ")),
        Path(lines[1].removeprefix("demo shared file: ")),
    )


def counts_of(data: Path) -> dict[str, int]:
    from digikunta_tui.domain.repository import Repository

    with Repository.open(data) as repo:
        return repo.counts()


def pulled_from(shared: Path, tmp_path: Path) -> tuple[dict[str, int], list[str]]:
    """Another laptop's replica after its first sync with ``shared``: counts, organisations."""
    from digikunta_tui.domain.repository import Repository
    from sync import FileRemote, sync

    with Repository.open(tmp_path / "other", replica_name="other") as repo:
        sync(repo.replica, FileRemote(shared))
        repo.refresh()
        names = [str(f["name"]) for _, _, f in repo.replica.records("organization")]
        return repo.counts(), names


def test_demo_with_people_adds_them_to_the_replica_and_the_shared_file(
    make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    demo_people = Counter(kind for kind, _, _ in demo_records())["person"]
    cli = make_cli(tmp_path / "data")
    result = cli("demo", "--no-app", "--people", "250")
    assert result.code == 0, result.err
    assert result.err == ""  # piped: no progress line
    data, shared = demo_paths(result.text)
    counts = counts_of(data)
    assert counts["person"] == demo_people + 250
    assert counts["registration"] > 0 and counts["story"] >= 2 and counts["consent"] > 0
    pulled, organizations = pulled_from(shared, tmp_path)
    assert pulled == counts
    # synthetic people join the demo's own municipalities instead of a second Kuopio
    assert organizations.count("Kuopio") == 1 and organizations.count("Tervo") == 1


def test_demo_with_people_shows_progress_on_a_terminal(
    make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    cli = make_cli(tmp_path / "data")
    result = run_on_pty(cli, "demo", "--no-app", "--people", "300")
    assert result.code == 0, result.terminal
    adding = result.progress("demo: adding people")
    assert adding and adding[-1] == 100, result.drawn
    assert result.progress("demo: syncing: merging"), result.drawn
    assert result.screen == []
    assert counts_of(demo_paths(result.out.decode())[0])["person"] > 300


def test_keep_reuses_the_demo_and_says_people_were_not_added(
    make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    cli = make_cli(tmp_path / "data")
    first = cli("demo", "--no-app", "--people", "120")
    assert first.code == 0, first.err
    data, _ = demo_paths(first.text)
    before = counts_of(data)
    again = cli("demo", "--no-app", "--keep", "--people", "500")
    assert again.code == 0
    assert again.err.startswith("digikunta: warning: --people is ignored with --keep")
    assert counts_of(data) == before
    fresh = cli("demo", "--no-app", "--people", "0")
    assert fresh.code == 0, fresh.err
    assert counts_of(data)["person"] == before["person"] - 120


def test_a_bad_number_of_people_is_refused_and_creates_nothing(
    make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    cli = make_cli(tmp_path / "data")
    for bad in ("-1", "many", "2000000"):
        result = cli("demo", "--no-app", "--people", bad)
        assert result.code == 2
        assert "Traceback" not in result.err
        assert "--people" in result.err.strip().splitlines()[-1]
    assert not (tmp_path / "data").exists()


def test_an_interrupted_demo_is_removed_not_left_half_made(
    make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    cli = make_cli(tmp_path / "data")
    sent: list[bool] = []

    def interrupt(terminal: str, proc: subprocess.Popen[bytes]) -> None:
        if not sent and "demo: adding people" in terminal:
            sent.append(True)
            proc.send_signal(signal.SIGINT)

    result = run_on_pty(cli, "demo", "--no-app", "--people", "5000", on_output=interrupt)
    assert sent, result.terminal
    assert result.code == 130, result.terminal
    assert result.screen == ["digikunta: error: interrupted"]
    assert not (tmp_path / "data" / "demo").exists()
    keep = cli("demo", "--no-app", "--keep")  # --keep finds nothing half made to reuse
    assert keep.code == 0, keep.err
    assert (
        counts_of(demo_paths(keep.text)[0])["person"]
        == Counter(kind for kind, _, _ in demo_records())["person"]
    )
