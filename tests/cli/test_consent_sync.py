"""Consent across two laptops and a real shared file: a fast clock, and concurrent decisions.

Laptop A runs in its own process (``laptop.py``) when its wall clock must be wrong; laptop B is
a repository in this process. The CLI is run as a user would (``cli_helpers.Cli``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_helpers import REPO_ROOT

from digikunta_tui.domain.repository import Repository
from digikunta_tui.i18n import set_language
from sync import FileRemote, sync

LAPTOP = Path(__file__).with_name("laptop.py")
TEN_YEARS = 10 * 365.25 * 24 * 3600
EMAIL = "sanna.kokeilija@kuopio.fi"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    return folder / "digikunta.json"


@pytest.fixture
def open_repo(tmp_path: Path) -> Iterator[Callable[[str], Repository]]:
    opened: list[Repository] = []

    def make(name: str) -> Repository:
        repo = Repository.open(tmp_path / name, replica_name=name)
        opened.append(repo)
        return repo

    yield make
    for repo in opened:
        repo.close()


def synced(repo: Repository, shared: Path) -> Repository:
    sync(repo.replica, FileRemote(shared))
    repo.refresh()
    return repo


def laptop(data_dir: Path, shared: Path, *steps: str, offset: float = 0.0) -> list[str]:
    """Run laptop A's steps in its own process; returns the ids of the events it recorded."""
    proc = subprocess.run(
        [
            sys.executable,
            str(LAPTOP),
            "--clock-offset",
            str(offset),
            str(data_dir),
            str(shared),
            *steps,
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO_ROOT), "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["recorded"]


def stamp_millis(repo: Repository, rid: str) -> int:
    record = repo.replica.record(rid)
    assert record is not None
    return int(record["stamps"]["action"][:16])


def year_of(moment: str) -> int:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).year


def new_person(repo: Repository) -> str:
    fields = {"given_name": "Sanna", "family_name": "Kokeilija", "email": EMAIL}
    return repo.create("person", fields)


def withdraw(how: str, b: Repository, pid: str, make_cli, tmp_path: Path) -> str:
    """Record a withdrawal on laptop B: in the app, or by importing a CSV (no ``follows``)."""
    if how == "app":
        return b.add_consent(pid, "newsletter", "withdrawn")
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    csv = tmp_path / "withdrawn.csv"
    csv.write_text(f"person,purpose,action,at,source\n{pid},newsletter,withdrawn,{at},web_form\n")
    before = {rid for rid, _ in b.consents_of(pid)}
    result = make_cli(tmp_path / "b")("import", csv, "--kind", "consent")
    assert result.code == 0, result.err
    b.refresh()
    [new] = {rid for rid, _ in b.consents_of(pid)} - before
    assert "follows" not in b.get("consent", new)
    return new


@pytest.mark.parametrize("how", ["app", "import"])
def test_a_withdrawal_after_a_fast_clocked_grant_wins(
    how: str, tmp_path: Path, shared: Path, open_repo: Callable[[str], Repository], make_cli
) -> None:
    b = open_repo("b")
    pid = new_person(b)
    synced(b, shared)
    # Laptop A, its clock ten years fast, pulls the person, records a grant and pushes it.
    [grant] = laptop(
        tmp_path / "a",
        shared,
        "sync",
        "consent",
        pid,
        "newsletter",
        "granted",
        "sync",
        offset=TEN_YEARS,
    )
    synced(b, shared)
    now = datetime.now(UTC)
    assert year_of(b.get("consent", grant)["at"]) >= now.year + 9
    assert stamp_millis(b, grant) > (now.timestamp() + 9 * 365 * 86400) * 1000
    assert b.consent_state(pid) == {"newsletter": "granted"}
    assert [p["email"] for p in b.mailing_list()] == [EMAIL]

    # Laptop B (right clock) has seen the grant; the person withdraws.
    withdrawal = withdraw(how, b, pid, make_cli, tmp_path)
    assert b.get("consent", withdrawal)["at"] < b.get("consent", grant)["at"]  # "latest at" loses
    assert stamp_millis(b, withdrawal) >= stamp_millis(b, grant)
    if how == "app":
        assert b.get("consent", withdrawal)["follows"] == [grant]
    assert b.consent_state(pid) == {"newsletter": "withdrawn"}
    assert b.mailing_list() == []
    synced(b, shared)

    # Laptop A pulls the withdrawal: it agrees, and its mailing list is empty too.
    laptop(tmp_path / "a", shared, "sync", offset=TEN_YEARS)
    result = make_cli(tmp_path / "a")("mailing-list")
    assert result.code == 0, result.err
    assert EMAIL not in result.text and result.err == ""
    a = open_repo("a")
    assert a.consent_state(pid) == {"newsletter": "withdrawn"}
    assert a.replica.conflicts() == [] and b.replica.conflicts() == []


def test_a_fast_laptops_concurrent_grant_is_a_conflict_not_a_silent_win(
    tmp_path: Path, shared: Path, open_repo: Callable[[str], Repository]
) -> None:
    b = open_repo("b")
    pid = new_person(b)
    synced(b, shared)
    laptop(tmp_path / "a", shared, "sync", offset=TEN_YEARS)
    # Neither laptop syncs before recording: B's withdrawal did not know of A's grant.
    withdrawal = b.add_consent(pid, "newsletter", "withdrawn")
    [grant] = laptop(
        tmp_path / "a",
        shared,
        "consent",
        pid,
        "newsletter",
        "granted",
        "sync",
        offset=TEN_YEARS,
    )
    synced(b, shared)
    laptop(tmp_path / "a", shared, "sync", offset=TEN_YEARS)
    a = open_repo("a")
    for repo in (a, b):
        state = repo.consent_status(pid)["newsletter"]
        assert state.conflict and sorted(state.head_ids) == sorted([grant, withdrawal])
        assert repo.mailing_list() == []


@pytest.mark.parametrize("first", ["a", "b"])
def test_concurrent_grant_and_withdrawal_show_as_a_conflict_until_settled(
    first: str, shared: Path, open_repo: Callable[[str], Repository], make_cli, tmp_path: Path
) -> None:
    a, b = open_repo("a"), open_repo("b")
    pid = new_person(a)
    start = a.add_consent(pid, "newsletter", "granted")
    synced(a, shared)
    synced(b, shared)
    # Both laptops record a decision before syncing: the person unsubscribed by e-mail (A) and
    # signed up again on the web form (B).
    withdrawal = a.add_consent(pid, "newsletter", "withdrawn")
    regrant = b.add_consent(pid, "newsletter", "granted")
    assert (
        a.get("consent", withdrawal)["follows"] == b.get("consent", regrant)["follows"] == [start]
    )
    order = [a, b] if first == "a" else [b, a]
    for repo in (*order, order[0]):
        synced(repo, shared)

    for repo in (a, b):
        state = repo.consent_status(pid)["newsletter"]
        assert state.conflict, repo.replica.name
        assert sorted(state.head_ids) == sorted([withdrawal, regrant])
        assert repo.consent_state(pid) == {"newsletter": "conflict"}
        assert repo.mailing_list() == []
        assert [p["id"] for p in repo.mailing_list_conflicts()] == [pid]
        assert repo.replica.conflicts() == []  # a consent conflict, not a field conflict
        export = repo.gdpr_export(pid)
        assert export["consent_state"]["newsletter"]["state"] == "conflict"
        assert {c["id"] for c in export["consents"]} == {start, withdrawal, regrant}

    result = make_cli(tmp_path / "b")("mailing-list")
    assert result.code == 0, result.err
    assert EMAIL not in result.text
    warning = result.err.strip().splitlines()
    assert len(warning) == 1 and "Traceback" not in result.err
    assert warning[0].startswith("digikunta: warning: 1 person was left out")
    assert "newsletter consent is in conflict: Sanna Kokeilija" in warning[0]

    # B settles it: the person does want the newsletter. The new event follows both.
    settled = b.add_consent(pid, "newsletter", "granted")
    assert sorted(b.get("consent", settled)["follows"]) == sorted([withdrawal, regrant])
    synced(b, shared)
    synced(a, shared)
    for repo in (a, b):
        assert repo.consent_state(pid) == {"newsletter": "granted"}
        assert [p["email"] for p in repo.mailing_list()] == [EMAIL]
    result = make_cli(tmp_path / "a")("mailing-list", "--format", "txt")
    assert result.code == 0 and result.text == EMAIL + "\n" and result.err == ""
