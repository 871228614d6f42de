"""The CLI speaks Finnish or English (--lang, the config, the locale); a bad --config is named."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import Cli, Result, one_line_error

from digikunta_tui.i18n import catalogue_keys


def run(cli: Cli, *args: str | Path, lang: str = "C.UTF-8") -> Result:
    """The CLI as a process with ``LANG`` set to ``lang``."""
    proc = subprocess.run(
        [sys.executable, "-m", "digikunta_tui.cli", *map(str, args)],
        capture_output=True,
        env={**cli.env(), "LANG": lang},
        cwd=cli.home,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))


def test_a_config_file_named_with_config_that_does_not_exist_is_a_clear_error(
    cli: Cli, tmp_path: Path
) -> None:
    missing = tmp_path / "nonexistent.toml"
    result = cli("--config", missing, "export", "people", "--format", "json")
    line = one_line_error(result)
    assert str(missing) in line and "no such config file" in line
    assert result.out == b""  # the command did not run on the defaults

    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    assert "is a folder" in one_line_error(cli("--config", folder, "sync"))


def test_a_missing_config_is_named_in_finnish_too(cli: Cli, tmp_path: Path) -> None:
    result = run(cli, "--config", tmp_path / "ei.toml", "sync", lang="fi_FI.UTF-8")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.strip() == (
        f"digikunta: virhe: {tmp_path / 'ei.toml'}: asetustiedostoa ei ole (annettu valitsimella "
        "--config); luo se (ks. config.example.toml) tai jätä --config pois"
    )


def test_help_is_in_the_language_of_lang_the_config_or_the_environment(cli: Cli) -> None:
    english = run(cli, "--help")
    assert english.code == 0
    assert english.text.startswith("usage: digikunta") and "\noptions:\n" in english.text
    assert "show this help message and exit" in english.text

    finnish = run(cli, "--help", lang="fi_FI.UTF-8")
    assert finnish.text.startswith("käyttö: digikunta") and "\nvalitsimet:\n" in finnish.text
    assert "näytä tämä ohje ja lopeta" in finnish.text
    assert "vie yhden lajin tietueet CSV- tai JSON-muodossa" in finnish.text
    assert run(cli, "--lang", "fi", "--help").text == finnish.text
    assert run(cli, "--lang", "en", "--help", lang="fi_FI.UTF-8").text == english.text

    cli.config.write_text('[ui]\nlanguage = "fi"\n', "utf-8")
    assert run(cli, "--help").text == finnish.text  # the config beats the environment
    assert run(cli, "--lang", "en", "--help").text == english.text  # --lang beats both

    command = run(cli, "import", "-h")
    assert command.text.startswith("käyttö: digikunta import")
    assert "tarkista jokainen rivi, älä kirjoita mitään" in command.text


def test_usage_errors_are_in_the_chosen_language(cli: Cli) -> None:
    result = run(cli, "--lang", "fi", "export", "people", "--format", "xlsx")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.splitlines()[-1] == (
        "digikunta export: virhe: argumentti --format: virheellinen valinta: 'xlsx' "
        "(vaihtoehdot: 'csv', 'spreadsheet', 'json')"
    )
    english = run(cli, "export")
    assert english.err.splitlines()[-1] == (
        "digikunta export: error: the following arguments are required: KIND"
    )


def test_command_messages_follow_the_language(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "jarjestot.csv"
    result = run(cli, "--lang", "fi", "export", "organisaatiot", "-o", target)
    assert result.code == 0, result.err
    assert result.text == f"tiedostoon {target} vietiin 8 organisaatiota\n"
    result = run(cli, "--lang", "fi", "import", target, "--kind", "org", "--dry-run")
    assert result.text == (
        "kokeiluajo: tuotaisiin 8 organisaatiota: uusia 0, päivitettyjä 0, ennallaan 8 "
        "(mitään ei kirjoitettu)\n"
    )


def _parsers(
    parser: argparse.ArgumentParser, path: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, f"{path}.{name}" if path else name)


def test_every_help_text_of_every_command_is_in_both_languages() -> None:
    from digikunta_tui.cli import build_parser

    needed: set[str] = set()
    for path, parser in _parsers(build_parser()):
        prefix = f"cli.{path}." if path else "cli."
        needed |= {prefix + "description", prefix + "epilog"}
        if path:
            needed.add(prefix + "help")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                needed.add(prefix + "commands")
            elif not isinstance(action, argparse._HelpAction):
                needed.add(f"{prefix}opt.{action.dest}")
    for lang in ("fi", "en"):
        missing = sorted(needed - catalogue_keys(lang))
        assert not missing, f"{lang}: {missing}"


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_argparse_is_left_as_it_was_after_a_run(lang: str) -> None:
    from digikunta_tui import i18n
    from digikunta_tui.cli import main

    before = argparse._  # type: ignore[attr-defined]
    try:
        with pytest.raises(SystemExit):
            main(["--lang", lang, "--help"])
    finally:
        i18n.set_language("en")
    assert argparse._ is before  # type: ignore[attr-defined]
