"""The ``digikunta`` command line.

Every user-facing failure is one line on stderr and a non-zero exit code, never a traceback;
bad input changes nothing. Help and errors are in Finnish or English: ``--lang``, else the
config's ``[ui] language``, else the locale environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType

from .commands.progress import ProgressLine

COMMANDS: dict[str, str] = {
    "demo": "app_cmd",
    "sync": "sync_cmd",
    "export": "export_cmd",
    "import": "import_cmd",
    "ics": "ics_cmd",
    "newsletter": "newsletter_cmd",
    "report": "report_cmd",
    "mailing-list": "mailing_cmd",
    "gdpr": "gdpr_cmd",
}
"""Each command → the module of ``digikunta_tui.commands`` that registers it, in the order
``digikunta --help`` lists them. A module is imported only when its command may run or help
lists it, so that ``digikunta sync`` does not load the other commands."""

_TOP_FLAGS = ("-q", "--quiet")
_TOP_VALUE_OPTIONS = ("--config", "--lang", "--data-dir", "--remote")

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_OFFLINE = 3
EXIT_AUTH = 4
EXIT_INTERRUPTED = 130


ARGPARSE_TEXTS: dict[str, str] = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positionals",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "expected one argument": "cli.argparse.expected_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "not allowed with argument %s": "cli.argparse.not_allowed_with",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "ignored explicit argument %r": "cli.argparse.ignored_explicit",
}
"""argparse's own messages (``argparse`` asks ``gettext`` for them) → catalogue keys."""


def _argparse_text(message: str) -> str:
    """argparse's text in the current language (English when it is not in the catalogue)."""
    from .i18n import t

    key = ARGPARSE_TEXTS.get(message)
    return t(key) if key else message


@contextmanager
def argparse_in_language() -> Iterator[None]:
    """While inside, argparse's own words (usage, options, its errors) follow :func:`t`.

    argparse looks them up through ``gettext`` at the moment it prints them; this swaps its
    lookup for the catalogue's and restores it afterwards.
    """
    saved: Callable[[str], str] = argparse._  # type: ignore[attr-defined]
    argparse._ = _argparse_text  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = saved  # type: ignore[attr-defined]


_HELP_WIDTH = 78


class _Parser(argparse.ArgumentParser):
    """argparse's parser, measuring the terminal as ``shutil`` does without importing it.

    argparse makes a help formatter at every ``add_argument`` and the formatter asks
    ``shutil`` for the width: importing ``shutil`` (and with it ``bz2``, ``lzma``) took about
    2 ms of every command, a tenth of starting Python, though only help needs the width.
    """

    wrap_description = False
    """Wrap the description to 78 columns when help is printed (the raw formatter keeps the
    epilog's examples as written); wrapping there spares ``textwrap`` to the commands."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse's formatters take ``width``; typeshed's ``_FormatterClass`` names only ``prog``
        formatter: Callable[..., argparse.HelpFormatter] = self.formatter_class
        return formatter(prog=self.prog, width=_terminal_columns() - 2)

    def format_help(self) -> str:
        if self.wrap_description and self.description:
            import textwrap

            self.description = textwrap.fill(self.description, width=_HELP_WIDTH)
            self.wrap_description = False
        return super().format_help()


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: ``$COLUMNS``, else stdout's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _help_key(path: str, name: str) -> str:
    return f"cli.{path}.{name}" if path else f"cli.{name}"


def localize_parser(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Replace the help texts of ``parser`` and its subcommands by the catalogue's.

    Keys: ``cli.description``/``cli.epilog`` and ``cli.opt.DEST`` for the top level,
    ``cli.COMMAND.description``/``.epilog``/``.help`` and ``cli.COMMAND.opt.DEST`` for a
    command (``cli.gdpr.export.…`` one level deeper). A text missing from the catalogue keeps
    the module's own (English) words; a test checks that none is missing.
    """
    from .i18n import get_language, has_text, t

    def has_text_here(key: str) -> bool:  # the current language's files only
        return has_text(key, get_language())

    key = _help_key(path, "description")
    if has_text_here(key):
        parser.description = t(key)
        if isinstance(parser, _Parser):
            parser.wrap_description = True
    key = _help_key(path, "epilog")
    if has_text_here(key):
        parser.epilog = t(key)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice for choice in action._choices_actions}
            for name, child in action.choices.items():
                child_path = f"{path}.{name}" if path else name
                key = f"cli.{child_path}.help"
                if name in helps and has_text_here(key):
                    helps[name].help = t(key)
                localize_parser(child, child_path)
            key = _help_key(path, "commands")
            if has_text_here(key):
                action.help = t(key)
            continue
        if isinstance(action, argparse._HelpAction):
            action.help = t("cli.argparse.help")
            continue
        key = _help_key(path, f"opt.{action.dest}")
        if has_text_here(key):
            action.help = t(key)


def choose_language(argv: Sequence[str], environ: os._Environ[str] | dict[str, str]) -> str:
    """The language of help and messages: ``--lang``, else the config's, else the locale.

    A config file that cannot be read does not stop this: its error is reported later (in the
    language the environment gives).
    """
    from .config import load_config
    from .errors import ConfigError
    from .i18n import SUPPORTED_LANGUAGES, detect_language

    early = _Parser(add_help=False, allow_abbrev=False)
    early.add_argument("--lang")
    early.add_argument("--config")
    try:
        known, _rest = early.parse_known_args(list(argv))
    except SystemExit:  # e.g. "--lang" with no value: the real parser says so
        known = argparse.Namespace(lang=None, config=None)
    if known.lang in SUPPORTED_LANGUAGES:
        return str(known.lang)
    configured = None
    try:
        from pathlib import Path

        path = Path(known.config).expanduser() if known.config else None
        configured = load_config(path, environ).ui.language
    except ConfigError:
        pass
    return detect_language(configured, environ)


def command_module(command: str) -> ModuleType:
    """The module (in ``digikunta_tui.commands``) that registers and runs ``command``."""
    return import_module(f"{__package__}.commands.{COMMANDS[command]}")


def named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs, when nothing before it needs the other commands' parsers.

    None when there is no command, when the top-level options before it are anything but
    ``--quiet`` and the exact ``--config``/``--lang``/``--data-dir``/``--remote`` with a value
    (help, abbreviations, a missing value…): then every command is registered, as argparse's
    help and errors need them.
    """
    args = iter(argv)
    for arg in args:
        if arg in COMMANDS:
            return arg
        name, equals, _value = arg.partition("=")
        if arg in _TOP_FLAGS:
            continue
        if name not in _TOP_VALUE_OPTIONS:
            return None
        if not equals and next(args, "-").startswith("-"):
            return None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, its help in the current language.

    Args:
        command: register only this command (see :func:`named_command`); None: every one.
    """
    parser = _Parser(  # its subcommands' parsers are of the same class
        prog="digikunta",
        description="Members, webinars and experiment stories of the Digikokeileva kunta "
        "network, offline, with sync through a shared JSON file or an HTTP URL.",
        epilog="examples:\n"
        "  digikunta                 open the app on your replica\n"
        "  digikunta --data-dir /tmp/toinen --remote ~/Jaettu/digikunta.json\n"
        "                            the app on another replica, syncing with that file\n"
        "  digikunta demo            try the app on fresh demo data\n"
        "  digikunta sync            sync with the configured shared file\n"
        "  digikunta --quiet import jasenet.csv --kind people\n"
        "                            no progress line on stderr (also DIGIKUNTA_QUIET=1)\n"
        "  digikunta <command> -h    help for one command",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: $DIGIKUNTA_CONFIG or the platform config folder); "
        "it must exist",
    )
    parser.add_argument(
        "--lang",
        dest="ui_lang",
        choices=("fi", "en"),
        help="language of the app, help and messages (default: the config's [ui] language, "
        "else LC_ALL / LC_MESSAGES / LANG)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder of the local replica (default: $DIGIKUNTA_DATA_DIR, the config's "
        "[replica] data_dir, or the platform data folder)",
    )
    parser.add_argument(
        "--remote",
        dest="app_remote",
        metavar="PATH_OR_URL",
        help="with no command: the shared file or URL the app syncs with (overrides the config)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress line on stderr during long work (also DIGIKUNTA_QUIET=1); the "
        "line is drawn only when stderr is a terminal",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if command is None else (command,):
        command_module(name).register(sub)
    localize_parser(parser)
    return parser


def _fail(progress: ProgressLine, message: str, code: int = EXIT_ERROR) -> int:
    from .i18n import t

    progress.clear()
    print(t("cli.error", message=message), file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    from .i18n import set_language

    argv = sys.argv[1:] if argv is None else list(argv)
    progress = ProgressLine(sys.stderr, enabled=False)
    try:
        with argparse_in_language():  # also while choosing: gettext would search for catalogues
            set_language(choose_language(argv, os.environ))
            args = build_parser(named_command(argv)).parse_args(argv)
        if args.command is None:
            from .commands import app_cmd

            args.func = app_cmd.run_default
        progress = ProgressLine.for_stderr(quiet=args.quiet)
        return _run(args, progress)
    except KeyboardInterrupt:  # Ctrl-C: every write is one transaction, nothing is half done
        from .i18n import t

        return _fail(progress, t("cli.interrupted"), EXIT_INTERRUPTED)
    finally:
        progress.clear()


def _run(args: argparse.Namespace, progress: ProgressLine) -> int:
    """Run the chosen command; every failure but Ctrl-C becomes one line and an exit code."""
    from sync.errors import AuthError, RemoteOffline, SyncError

    from .commands.context import CommandContext
    from .config import is_language
    from .errors import UserError, ValidationFailed
    from .i18n import get_language, t
    from .sync_messages import sync_error_text

    ctx = None
    try:
        ctx = CommandContext.from_args(args.config, args.data_dir, progress=progress)
        # The commands that pick the language from the config follow ``--lang`` (else the
        # language chosen for the messages when the config says "auto").
        chosen = args.ui_lang or (get_language() if ctx.config.ui.language == "auto" else "")
        if is_language(chosen):
            ctx.config = ctx.config._replace(ui=ctx.config.ui._replace(language=chosen))
        return int(args.func(args, ctx) or 0)
    except RemoteOffline as exc:
        return _fail(progress, t("cli.offline", error=sync_error_text(exc)), EXIT_OFFLINE)
    except AuthError as exc:
        return _fail(progress, sync_error_text(exc), EXIT_AUTH)
    except SyncError as exc:  # said in the user's language when its code is known
        return _fail(progress, sync_error_text(exc))
    except ValidationFailed as exc:  # nothing was written
        return _fail(progress, t("cli.refused", error=exc.message))
    except UserError as exc:  # the config's, the domain's and the commands' (``errors``)
        return _fail(progress, exc.message)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("DIGIKUNTA_DEBUG"):
            raise
        name = type(exc).__name__
        if isinstance(exc, OSError):
            where = f"{exc.filename}: " if exc.filename else ""
            return _fail(progress, f"{where}{exc.strerror or exc}")
        return _fail(progress, t("cli.unexpected", name=name, error=str(exc)))
    finally:
        if ctx is not None:  # a Ctrl-C in here still ends as the one line of ``main``
            ctx.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
