"""Exports go where people choose: a path prompt with the export folder, a notice naming the
file, and the members spreadsheet imports back (export → import of the app's own CSV)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from forms_testing import settle
from notices import notices_of
from textual.widgets import Input

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.dialogs.save_path import SavePathDialog

SIZE = (120, 36)
REPO_ROOT = Path(__file__).resolve().parents[2]


async def _prompt(pilot) -> SavePathDialog:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SavePathDialog), type(screen).__name__
    return screen


async def test_the_members_export_asks_where_with_the_export_folder_and_names_the_file(
    make_app, tmp_path: Path, monkeypatch
) -> None:
    started_in = tmp_path / "started-here"
    started_in.mkdir()
    monkeypatch.chdir(started_in)  # never written to
    folder = tmp_path / "Asiakirjat"
    folder.mkdir()
    app = make_app(language="fi", export_folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_export_members()
        dialog = await _prompt(pilot)
        box = dialog.query_one("#save-path", Input)
        assert box.value == str(folder / "digikunta-jasenet-20171201.csv")
        await pilot.press("enter")
        await settle(pilot)
        written = folder / "digikunta-jasenet-20171201.csv"
        assert written.is_file() and not any(started_in.iterdir())
        notices = [n.message for n in notices_of(app)]
        assert any(str(written) in text and "henkilöitä: 16" in text for text in notices)

        # The same name again: the prompt warns first and replaces only on a second Enter.
        written.write_text("vanha", "utf-8")
        app.action_export_members()
        dialog = await _prompt(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and written.read_text("utf-8") == "vanha"
        await pilot.press("enter")
        await settle(pilot)
        assert written.read_bytes().startswith(b"\xef\xbb\xbfTunniste;Etunimi;Sukunimi")

        # A folder that does not exist is refused in the prompt; Esc writes nothing.
        app.action_export_members()
        dialog = await _prompt(pilot)
        dialog.query_one("#save-path", Input).value = str(tmp_path / "ei-ole" / "x.csv")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen is dialog
        assert "ei-ole" in str(dialog.query_one("#save-path-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not (tmp_path / "ei-ole").exists()


def _cli(data_dir: Path, home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGIKUNTA_", "LC_"))}
    env.update(
        HOME=str(home),
        DIGIKUNTA_DATA_DIR=str(data_dir),
        DIGIKUNTA_CONFIG=str(home / "config.toml"),
        LANG="C.UTF-8",
        PYTHONPATH=str(REPO_ROOT),
        PYTHONIOENCODING="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "digikunta_tui.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        check=False,
    )


async def test_the_apps_members_spreadsheet_imports_back_cleanly(
    make_app, repo: Repository, tmp_path: Path
) -> None:
    app = make_app(language="fi", export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_export_members()
        await _prompt(pilot)
        await pilot.press("enter")
        await settle(pilot)
    sheet = tmp_path / "digikunta-jasenet-20171201.csv"
    text = sheet.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Tunniste", "Etunimi", "Sukunimi", "Organisaatio"]
    organisations = {row[header.index("Organisaatio")] for row in rows[1:]}
    assert "Kuopio" in organisations  # names, not ids
    assert any("Työvaliokunta" in row[header.index("Roolit")] for row in rows[1:])

    data = tmp_path / "data"  # the repo fixture's folder
    unchanged = _cli(data, tmp_path, "import", sheet, "--kind", "henkilöt")
    assert unchanged.returncode == 0, unchanged.stderr
    assert unchanged.stdout == "imported 16 people: 0 new, 0 updated, 16 unchanged\n"

    # Edited in a spreadsheet: a job title changed, a new row naming its organisation.
    first = rows[1]
    first[header.index("Tehtävänimike")] = "uusi nimike"
    new = [""] * len(header)
    new[header.index("Etunimi")] = "Uusi"
    new[header.index("Sukunimi")] = "Jäsen"
    new[header.index("Organisaatio")] = "Varkaus"
    new[header.index("Roolit")] = "henkilöstö; Työvaliokunta"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([*rows, new])
    sheet.write_text("\ufeff" + out.getvalue(), "utf-8", newline="")
    changed = _cli(data, tmp_path, "import", sheet, "--kind", "people")
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout == "imported 17 people: 1 new, 1 updated, 15 unchanged\n"
    repo.refresh()
    assert repo.get("person", first[0])["job_title"] == "uusi nimike"
    found = [row for row in repo.page("person", query="Uusi Jäsen") if row.title == "Uusi Jäsen"]
    person = repo.get("person", found[0].id)
    varkaus = [row.id for row in repo.page("organization", query="Varkaus")]
    assert person["organization"] in varkaus and person["roles"] == ["staff", "working_committee"]
