"""The ``digikunta`` command line.

Every user-facing failure is one line on stderr and a non-zero exit code, never a traceback;
bad input changes nothing. Help and errors are in Finnish or English: ``--lang``, else the
config's ``[ui] language``, else the locale environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from .commands import (
    app_cmd,
    export_cmd,
    gdpr_cmd,
    ics_cmd,
    import_cmd,
    mailing_cmd,
    newsletter_cmd,
    report_cmd,
    sync_cmd,
)
from .commands.progress import ProgressLine

# Commands register themselves in this order (``digikunta --help`` lists them so).
COMMANDS = [
    app_cmd,
    sync_cmd,
    export_cmd,
    import_cmd,
    ics_cmd,
    newsletter_cmd,
    report_cmd,
    mailing_cmd,
    gdpr_cmd,
]

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


def _help_key(path: str, name: str) -> str:
    return f"cli.{path}.{name}" if path else f"cli.{name}"


def localize_parser(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Replace the help texts of ``parser`` and its subcommands by the catalogue's.

    Keys: ``cli.description``/``cli.epilog`` and ``cli.opt.DEST`` for the top level,
    ``cli.COMMAND.description``/``.epilog``/``.help`` and ``cli.COMMAND.opt.DEST`` for a
    command (``cli.gdpr.export.…`` one level deeper). A text missing from the catalogue keeps
    the module's own (English) words; a test checks that none is missing.
    """
    from .i18n import catalogue_keys, t

    known = catalogue_keys("en")
    key = _help_key(path, "description")
    if key in known:  # wrapped here: the raw formatter keeps the epilog's examples as written
        parser.description = textwrap.fill(t(key), width=_HELP_WIDTH)
    key = _help_key(path, "epilog")
    if key in known:
        parser.epilog = t(key)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice for choice in action._choices_actions}
            for name, child in action.choices.items():
                child_path = f"{path}.{name}" if path else name
                key = f"cli.{child_path}.help"
                if name in helps and key in known:
                    helps[name].help = t(key)
                localize_parser(child, child_path)
            key = _help_key(path, "commands")
            if key in known:
                action.help = t(key)
            continue
        if isinstance(action, argparse._HelpAction):
            action.help = t("cli.argparse.help")
            continue
        key = _help_key(path, f"opt.{action.dest}")
        if key in known:
            action.help = t(key)


def choose_language(argv: Sequence[str], environ: os._Environ[str] | dict[str, str]) -> str:
    """The language of help and messages: ``--lang``, else the config's, else the locale.

    A config file that cannot be read does not stop this: its error is reported later (in the
    language the environment gives).
    """
    from .config import ConfigError, load_config
    from .i18n import SUPPORTED_LANGUAGES, detect_language

    early = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand, its help in the current language."""
    parser = argparse.ArgumentParser(
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
    for module in COMMANDS:
        module.register(sub)
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
        set_language(choose_language(argv, os.environ))
        with argparse_in_language():
            args = build_parser().parse_args(argv)
        if args.command is None:
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
    from .config import ConfigError
    from .errors import UserError
    from .i18n import get_language, t

    ctx = None
    try:
        ctx = CommandContext.from_args(args.config, args.data_dir, progress=progress)
        if args.ui_lang:  # the commands that pick the language from the config follow it
            ctx.config.ui.language = args.ui_lang
        elif ctx.config.ui.language == "auto":
            ctx.config.ui.language = get_language()
        return int(args.func(args, ctx) or 0)
    except RemoteOffline as exc:
        return _fail(progress, t("cli.offline", error=str(exc)), EXIT_OFFLINE)
    except AuthError as exc:
        return _fail(progress, str(exc), EXIT_AUTH)
    except (SyncError, ConfigError, UserError) as exc:
        return _fail(progress, str(exc))
    except Exception as exc:  # the last line of defence: one line, never a traceback
        # The domain's errors, when a command loaded it (``digikunta sync`` may not).
        domain = sys.modules.get("digikunta_tui.domain.repository")
        if domain is not None and isinstance(exc, domain.NotFound):
            return _fail(progress, str(exc))
        if domain is not None and isinstance(exc, domain.ValidationFailed):
            return _fail(progress, t("cli.refused", error=str(exc)))  # nothing was written
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
