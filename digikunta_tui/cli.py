"""The ``digikunta`` command line.

Every user-facing failure is one line on stderr and a non-zero exit code, never a traceback;
bad input changes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .commands import (
    app_cmd,
    export_cmd,
    gdpr_cmd,
    ics_cmd,
    import_cmd,
    mailing_cmd,
    newsletter_cmd,
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
    mailing_cmd,
    gdpr_cmd,
]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_OFFLINE = 3
EXIT_AUTH = 4
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
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
        help="config file (default: $DIGIKUNTA_CONFIG or the platform config folder)",
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
    return parser


def _fail(progress: ProgressLine, message: str, code: int = EXIT_ERROR) -> int:
    progress.clear()
    print(f"digikunta: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    progress = ProgressLine(sys.stderr, enabled=False)
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            args.func = app_cmd.run_default
        progress = ProgressLine.for_stderr(quiet=args.quiet)
        return _run(args, progress)
    except KeyboardInterrupt:  # Ctrl-C: every write is one transaction, nothing is half done
        return _fail(progress, "interrupted", EXIT_INTERRUPTED)
    finally:
        progress.clear()


def _run(args: argparse.Namespace, progress: ProgressLine) -> int:
    """Run the chosen command; every failure but Ctrl-C becomes one line and an exit code."""
    from sync.errors import AuthError, RemoteOffline, SyncError

    from .commands.context import CommandContext
    from .config import ConfigError
    from .errors import UserError

    ctx = None
    try:
        ctx = CommandContext.from_args(args.config, args.data_dir, progress=progress)
        return int(args.func(args, ctx) or 0)
    except RemoteOffline as exc:
        return _fail(progress, f"offline: {exc} (local changes stay pending)", EXIT_OFFLINE)
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
            return _fail(progress, f"refused, nothing written: {exc}")  # nothing was written
        if os.environ.get("DIGIKUNTA_DEBUG"):
            raise
        name = type(exc).__name__
        if isinstance(exc, OSError):
            where = f"{exc.filename}: " if exc.filename else ""
            return _fail(progress, f"{where}{exc.strerror or exc}")
        return _fail(progress, f"unexpected {name}: {exc}")
    finally:
        if ctx is not None:  # a Ctrl-C in here still ends as the one line of ``main``
            ctx.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
