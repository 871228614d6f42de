"""The parser registers only the command that runs when nothing else can be shown, and the
whole tree otherwise; both parse a command line the same way."""

from __future__ import annotations

import argparse

import pytest

from digikunta_tui.cli import COMMANDS, build_parser, command_module, named_command


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def test_the_whole_parser_has_every_command_in_the_listed_order() -> None:
    assert _commands(build_parser()) == list(COMMANDS)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_module_registers_its_command(command: str) -> None:
    assert _commands(build_parser(command)) == [command]
    assert callable(command_module(command).register)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["sync"], "sync"),
        (["--quiet", "sync", "--remote", "x.json"], "sync"),
        (["-q", "--config", "c.toml", "--lang", "fi", "import", "a.csv"], "import"),
        (["--config=c.toml", "--data-dir=/tmp/d", "export", "people"], "export"),
        (["--remote", "sync", "sync"], "sync"),  # the first "sync" is the value of --remote
        (["--data-dir", "d", "mailing-list"], "mailing-list"),
        ([], None),
        (["--quiet"], None),  # the app
        (["-h", "sync"], None),  # top-level help lists every command
        (["--help", "sync"], None),
        (["-qh", "sync"], None),
        (["--conf", "c.toml", "sync"], None),  # an abbreviation: argparse decides
        (["--config"], None),
        (["--remote", "--quiet", "sync"], None),  # --remote lacks its value: argparse says so
        (["--", "sync"], None),
        (["nosuch"], None),
        (["--nosuch", "sync"], None),
    ],
)
def test_named_command(argv: list[str], command: str | None) -> None:
    assert named_command(argv) == command


@pytest.mark.parametrize(
    "argv",
    [
        ["--quiet", "sync", "--remote", "x.json"],
        ["--lang", "fi", "--data-dir", "d", "import", "a.csv", "--kind", "people"],
        ["--config=c.toml", "export", "people", "--format", "csv"],
        ["gdpr", "export", "someone"],
    ],
)
def test_one_command_parses_as_the_whole_tree(argv: list[str]) -> None:
    command = named_command(argv)
    assert command is not None
    whole = vars(build_parser().parse_args(argv))
    alone = vars(build_parser(command).parse_args(argv))
    assert whole == alone
