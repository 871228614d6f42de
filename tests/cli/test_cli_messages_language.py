"""Every command's messages, and the sync library's errors, in Finnish and in English.

The CLI runs through its ``main()`` on real files (a copy of the demo data, real shared files,
a closed port on 127.0.0.1), once per language. Each check names a word of the language asked
for and the other language's word for the same thing, which must be absent.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import Cli

from digikunta_tui import i18n
from digikunta_tui.cli import EXIT_OFFLINE, main


@dataclass
class Run:
    """One finished ``main()``."""

    code: int
    out: str
    err: str


@pytest.fixture
def run(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., Run]]:
    """``run(lang, *args)``: the CLI's ``main()`` on the demo copy, in language ``lang``."""
    for name, value in cli.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cli.home)

    def call(lang: str, *args: str | Path) -> Run:
        capsys.readouterr()
        try:
            code = main(["--lang", lang, *map(str, args)])
        except SystemExit as exit_:  # argparse's usage errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    yield call
    i18n.set_language("en")


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def both(result: Run, present: str, absent: str) -> None:
    """``present`` is in the output (stdout and stderr), ``absent`` is not."""
    text = result.out + result.err
    assert present in text, text
    assert absent not in text, text


def test_every_command_speaks_the_language_asked_for(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    for lang in ("fi", "en"):
        fi = lang == "fi"
        folder = tmp_path / lang
        folder.mkdir()

        def say(result: Run, finnish: str, english: str) -> None:
            both(result, finnish if fi else english, english if fi else finnish)  # noqa: B023

        # sync: to a new shared file, then again with nothing to do
        shared = folder / "jaettu.json"
        first = run(lang, "sync", "--remote", shared)
        assert first.code == 0, first.err
        say(first, "synkronoitu (file)", "synced via file")
        say(first, "haettu 0, lähetetty", "pulled 0, pushed")
        again = run(lang, "sync", "--remote", shared)
        say(again, "(ei muutoksia)", "(nothing changed)")

        # conflict copies beside it that are not merged: said why, in the language
        theirs = folder / "muu" / "muu.json"
        theirs.parent.mkdir()
        assert run(lang, "--data-dir", folder / "muu", "sync", "--remote", theirs).code == 0
        other_set = folder / "jaettu (Villen conflicted copy 2017-11-07).json"
        other_set.write_bytes(theirs.read_bytes())
        garbled = folder / "jaettu (Villen conflicted copy 2017-11-08).json"
        garbled.write_bytes(b'{"format": "digikunta-sync",, "x": 1}\n')
        copies = run(lang, "sync", "--remote", shared)
        assert copies.code == 0, copies.err
        say(
            copies,
            f"  jätetty ennalleen: {other_set.name}: kuuluu toiseen tietoaineistoon\n",
            f"  left alone: {other_set.name}: belongs to another data set\n",
        )
        say(
            copies,
            f"  jätetty ennalleen: {garbled.name}: {garbled.name}: ei kelvollista JSONia",
            f"  left alone: {garbled.name}: {garbled.name}: not valid JSON",
        )
        assert other_set.exists() and garbled.exists()  # left where they were

        # export and import: counts that read right (1 and 2+)
        exported = run(lang, "export", "organisaatiot", "-o", folder / "orgs.csv")
        say(exported, "vietiin 8 organisaatiota", "exported 8 organizations")
        one = folder / "one.csv"
        one.write_text("given_name,family_name\nYksi,Henkilö\n", "utf-8")
        dry = run(lang, "import", one, "--kind", "henkilöt", "--dry-run")
        assert dry.code == 0, dry.err
        say(dry, "tuotaisiin 1 henkilö: uusia 1", "would import 1 person: 1 new")
        stories = run(lang, "export", "kokeilutarinat", "--format", "json")
        assert stories.code == 0 and json.loads(stories.out), stories.err  # the Finnish alias

        # import refused: a row's problem in the language
        bad = folder / "bad.csv"
        bad.write_text("id,given_name\n-bad-,Nimi\n", "utf-8")
        refused = run(lang, "import", bad, "--kind", "person")
        assert refused.code == 1
        say(refused, "rivi 2: id: ei kelvollinen tietueen tunniste", "row 2: id: not a valid")

        # mailing list
        mailing = run(lang, "mailing-list", "-o", folder / "lista.csv")
        assert mailing.code == 0, mailing.err
        say(mailing, "osoitetta kirjoitettiin tiedostoon", "addresses written to")

        # lookups that fail
        unknown = run(lang, "export", "kissat")
        say(unknown, "tuntematon tietuelaji 'kissat'", "unknown record kind 'kissat'")
        nobody = run(lang, "gdpr", "export", "Ei Ketään Tällaista")
        say(nobody, "ei osumia (henkilöt)", "matches none of the people")
        webinar = run(lang, "newsletter", "Ei tällaista webinaaria")
        say(webinar, "ei osumia (webinaarit)", "matches none of the webinars")

        # GDPR: export, a refused erase, an erase
        person = json.loads(run(lang, "export", "people", "--format", "json").out)[0]
        gdpr = run(lang, "gdpr", "export", person["id"], "-o", folder / "henkilo.json")
        say(gdpr, "tallennettu kirjoitettiin tiedostoon", "wrote everything held about")
        no_yes = run(lang, "gdpr", "erase", person["id"])
        assert no_yes.code == 1
        say(no_yes, "ei poisteta ilman valitsinta --yes", "refusing to erase without --yes")
        erased = run(lang, "gdpr", "erase", person["id"], "--yes")
        assert erased.code == 0, erased.err
        say(erased, "poistettu ", "erased ")
        say(erased, "suostumukset: ", "consents: ")
        say(erased, "Poisto ulottuu jaettuun asiakirjaan", "The erasure reaches")

        # the demo, built but not opened
        demo = run(lang, "--data-dir", folder / "demo", "demo", "--no-app")
        assert demo.code == 0, demo.err
        say(demo, "esittelyreplika: ", "demo replica: ")
        say(demo, "esittelyn jaettu tiedosto: ", "demo shared file: ")


def test_usage_errors_of_the_commands_own_types_are_in_the_language(
    run: Callable[..., Run],
) -> None:
    for lang, present, absent in (
        ("fi", "argumentti --delimiter: anna yksi merkki", "give one character"),
        ("en", "argument --delimiter: give one character", "anna yksi merkki"),
    ):
        result = run(lang, "export", "people", "--delimiter", "::")
        assert result.code == 2
        both(result, present, absent)
    for lang, present, absent in (
        ("fi", "ei kokonaisluku: 'monta'", "not a whole number"),
        ("en", "not a whole number: 'monta'", "ei kokonaisluku"),
    ):
        result = run(lang, "demo", "--people", "monta")
        assert result.code == 2
        both(result, present, absent)


def test_sync_errors_are_said_in_finnish_and_in_english(
    run: Callable[..., Run], cli: Cli, tmp_path: Path
) -> None:
    cli.config.write_text("[sync]\nretries = 0\ntimeout = 5\n", "utf-8")
    url = f"http://127.0.0.1:{closed_port()}/digikunta.json"
    offline_fi = run("fi", "sync", "--remote", url)
    assert offline_fi.code == EXIT_OFFLINE and offline_fi.out == ""
    assert offline_fi.err.startswith("digikunta: virhe: ei yhteyttä: ")
    assert f"{url} ei vastannut: " in offline_fi.err and "(yrityksiä: 1)" in offline_fi.err
    assert "could not be reached" not in offline_fi.err and "error:" not in offline_fi.err
    offline_en = run("en", "sync", "--remote", url)
    assert offline_en.code == EXIT_OFFLINE
    assert f"{url} could not be reached: " in offline_en.err and "virhe" not in offline_en.err

    broken = tmp_path / "[b]rikki.json"
    content = b'{"format": "digikunta-sync", "records": [1,, 2]}\n'
    broken.write_bytes(content)
    with pytest.raises(json.JSONDecodeError) as where:
        json.loads(content)
    at = (where.value.lineno, where.value.colno)
    not_json = run("fi", "sync", "--remote", broken)
    assert not_json.code == 1 and len(not_json.err.splitlines()) == 1
    assert not_json.err == (
        f"digikunta: virhe: {broken}: ei kelvollista JSONia (rivi {at[0]}, sarake {at[1]})\n"
    )  # the path as it is: no markup is read in it
    english = run("en", "sync", "--remote", broken)
    assert f"{broken}: not valid JSON (line {at[0]}, column {at[1]}" in english.err
    assert "kelvollista" not in english.err
    assert broken.read_bytes() == content  # refused: the shared file is left as it was

    other = tmp_path / "toinen.json"
    other.write_text('{"not": "ours"}\n', "utf-8")
    assert run("fi", "sync", "--remote", other).err == (
        f"digikunta: virhe: {other}: ei ole Digikuntan jaettu asiakirja\n"
    )


def test_refused_sync_settings_are_said_in_finnish(run: Callable[..., Run]) -> None:
    plain = run("fi", "sync", "--remote", "http://example.fi/digikunta.json")
    assert plain.code == 1 and len(plain.err.splitlines()) == 1
    assert plain.err.startswith("digikunta: virhe: salaamatonta http://-yhteyttä osoitteeseen ")
    assert "example.fi" in plain.err and "refusing" not in plain.err
    english = run("en", "sync", "--remote", "http://example.fi/digikunta.json")
    assert "refusing plain http://" in english.err and "salaamatonta" not in english.err
    none = run("fi", "sync")
    assert none.code == 1
    assert none.err.startswith("digikunta: virhe: jaettua tiedostoa tai osoitetta ei ole asetettu")
