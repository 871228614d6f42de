"""The grep test: after ``gdpr erase`` and syncs, no byte of the person is left in any file.

Two laptops (data folders made by the real Repository, as the app makes them) share one
folder. The person is everywhere a coordinator's work puts them: their record (name, e-mail,
phone, notes), consents with their wording, registrations, a story and a webinar they appear
in, a conflict entry about them on both laptops, an absorbed cloud conflict copy, the shared
file's ``.bak`` and the temporary file of a writer killed mid-write. Then the real CLI erases
them on one laptop and syncs both, and every byte of every file under the test's folder —
both data folders, the shared folder (hidden files, ``-wal``/``-shm``, ``.bak``, ``.lock``,
absorbed copies) and the CLI's home — is searched for each of their strings in UTF-8,
UTF-16-LE, JSON-escaped and folded forms (see ``tests/traces.py``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import REPO_ROOT, Cli, Result
from traces import find_traces

from digikunta_tui.domain.repository import Repository

GIVEN, FAMILY = "Zyxwänä", "Qörkkelävyx"
NAME = f"{GIVEN} {FAMILY}"
EMAIL = "zyxwana.qorkkelavyx@tervo.example.fi"
PHONE = "+358409871234"
NOTES = "Flumbergast wibbleqvark sähkötyxpö"
WORDING = "Hyväksyn plorgnatin uutiskirjeen"
TITLES = ("Snorfwidget-päällikkö", "Dromblevik-koordinaattori")
SECRETS = (
    NAME,
    GIVEN,
    FAMILY,
    EMAIL,
    PHONE,
    "409871234",
    NOTES,
    *NOTES.split(),
    WORDING,
    "plorgnatin",
    *TITLES,
)
STALLED_WRITER = REPO_ROOT / "tests" / "sync" / "procs" / "stalled_writer.py"
COPY_NAME = "digikunta (Ville Virtasen conflicted copy 2024-05-01).json"


@dataclass
class World:
    """The two laptops, the shared folder and the ids of what the test checks afterwards."""

    root: Path
    a: Cli
    b: Cli
    shared: Path
    person: str
    other: str
    story: str


def _ok(result: Result) -> str:
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result.text


def _edit(data_dir: Path, person: str, fields: dict[str, str]) -> None:
    with Repository.open(data_dir) as repo:
        repo.update("person", person, fields)


def _kill_a_writer_mid_write(shared: Path) -> Path:
    """A real writer of the shared file, killed (SIGKILL) with its temporary file half written."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, str(STALLED_WRITER), str(shared)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None and proc.stdin is not None
    line = proc.stdout.readline().decode()
    assert line.startswith("writing "), proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        stream.close()
    return shared.parent / line.split()[1]


def _world(tmp_path: Path, make_cli: Callable[[Path], Cli]) -> World:
    """Both laptops hold the person, everywhere the work puts them; then a writer is killed."""
    shared = tmp_path / "cloud" / "digikunta.json"
    shared.parent.mkdir()
    a, b = make_cli(tmp_path / "a"), make_cli(tmp_path / "b")
    a.config.write_text(f'[sync]\nremote = "{shared}"\n', "utf-8")
    with Repository.open(a.data_dir, replica_name="A") as repo:
        org = repo.create("organization", {"name": "Tervo", "type": "municipality"})
        person = repo.create(
            "person",
            {
                "given_name": GIVEN,
                "family_name": FAMILY,
                "organization": org,
                "email": EMAIL,
                "phone": PHONE,
                "notes": NOTES,
                "roles": ["working_committee"],
            },
        )
        other = repo.create("person", {"given_name": "Olli", "family_name": "Muu"})
        webinar = repo.create(
            "webinar",
            {
                "title": "Työnilo",
                "starts_at": "2017-11-07T10:00:00Z",
                "status": "held",
                "prepared_by": [person, other],
                "presenters": [person],
            },
        )
        repo.register(webinar, [person, other])
        repo.add_consent(person, "newsletter", "granted", wording=WORDING)
        repo.add_consent(person, "photo", "declined")
        story_fields = {"title": "Sähköinen kalenteri", "stage": "running"}
        story = repo.create("story", {**story_fields, "authors": [person, other]})
    _ok(a("sync"))
    _ok(b("sync"))
    _edit(a.data_dir, person, {"job_title": TITLES[0]})
    _edit(b.data_dir, person, {"job_title": TITLES[1]})
    _ok(a("sync"))
    assert "new conflicts 1" in _ok(b("sync"))
    assert "open conflicts 1" in _ok(a("sync"))
    shutil.copy(shared, shared.parent / COPY_NAME)  # a cloud client's conflict copy
    assert f"absorbed conflict copy: {COPY_NAME}" in _ok(b("sync"))
    _edit(a.data_dir, other, {"job_title": "Suunnittelija"})
    _ok(a("sync"))  # one more write: NAME.bak now holds a version with the person in it
    tmp = _kill_a_writer_mid_write(shared)
    world = World(tmp_path, a, b, shared, person, other, story)

    places = {Path(path).relative_to(tmp_path).as_posix() for path, _ in _traces(world)}
    for expected in (
        "a/replica.sqlite",
        "a/index.sqlite",
        "b/replica.sqlite",
        "b/index.sqlite",
        "cloud/digikunta.json",
        "cloud/digikunta.json.bak",
        f"cloud/.digikunta-absorbed/{COPY_NAME}",
        f"cloud/{tmp.name}",
    ):
        assert expected in places, f"the set-up should put the person in {expected}"
    return world


def _traces(world: World) -> list[tuple[str, str]]:
    return find_traces([world.root], SECRETS)


def _erase(cli: Cli) -> None:
    text = _ok(cli("gdpr", "erase", NAME, "--yes"))
    assert "erased" in text and "consents: 2" in text and "registrations: 1" in text


def _check_after(world: World) -> None:
    """Nothing of the person anywhere; everything else intact on both laptops."""
    assert _traces(world) == []
    assert not [n for n in os.listdir(world.shared.parent) if n.endswith(".tmp")]
    for cli in (world.a, world.b):
        with Repository.open(cli.data_dir) as repo:
            assert repo.get("person", world.person) is None
            assert repo.replica.record(world.person)["erased"] is True
            assert repo.require("person", world.other)["job_title"] == "Suunnittelija"
            assert repo.require("story", world.story)["authors"] == [world.other]
            assert repo.replica.conflicts(include_resolved=True) == []
            assert repo.count("registration") == 1 and repo.count("consent") == 0
    assert _traces(world) == []  # opening and closing both again leaves nothing either


@pytest.mark.slow
def test_an_erasure_on_a_leaves_nothing_anywhere(
    tmp_path: Path, make_cli: Callable[[Path], Cli]
) -> None:
    world = _world(tmp_path, make_cli)
    _erase(world.a)
    _ok(world.a("sync"))
    _ok(world.b("sync"))
    _check_after(world)


@pytest.mark.slow
def test_an_erasure_on_b_arriving_at_a_leaves_nothing_anywhere(
    tmp_path: Path, make_cli: Callable[[Path], Cli]
) -> None:
    world = _world(tmp_path, make_cli)
    _erase(world.b)
    _ok(world.b("sync"))
    _ok(world.a("sync"))
    _check_after(world)


@pytest.mark.slow
def test_an_erasure_arriving_while_the_app_has_the_index_open_leaves_nothing(
    tmp_path: Path, make_cli: Callable[[Path], Cli]
) -> None:
    world = _world(tmp_path, make_cli)
    app = Repository.open(world.a.data_dir)  # the app on laptop A, open all along
    try:
        assert [row.id for row in app.page("person", query=FAMILY)] == [world.person]
        assert app.search(GIVEN)[0].id == world.person
        _erase(world.b)
        _ok(world.b("sync"))
        _ok(world.a("sync"))

        assert _traces(world) == []  # while the app still has both files open

        app.refresh()
        assert app.page("person", query=FAMILY) == [] and app.search(GIVEN) == []
        assert app.get("person", world.person) is None
        assert _traces(world) == []
    finally:
        app.close()
    _check_after(world)
