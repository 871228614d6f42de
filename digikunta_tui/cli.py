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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def _fail(message: str, code: int = EXIT_ERROR) -> int:
    print(f"digikunta: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.func = app_cmd.run_default
    from sync.errors import AuthError, RemoteOffline, SyncError

    from .commands.context import CommandContext
    from .config import ConfigError
    from .domain.repository import NotFound, ValidationFailed
    from .errors import UserError

    ctx = None
    try:
        ctx = CommandContext.from_args(args.config, args.data_dir)
        return int(args.func(args, ctx) or 0)
    except RemoteOffline as exc:
        return _fail(f"offline: {exc} (local changes stay pending)", EXIT_OFFLINE)
    except AuthError as exc:
        return _fail(str(exc), EXIT_AUTH)
    except (SyncError, ConfigError, UserError, NotFound) as exc:
        return _fail(str(exc))
    except ValidationFailed as exc:  # a write the rules refused: nothing was written
        return _fail(f"refused, nothing written: {exc}")
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("DIGIKUNTA_DEBUG"):
            raise
        name = type(exc).__name__
        if isinstance(exc, OSError):
            where = f"{exc.filename}: " if exc.filename else ""
            return _fail(f"{where}{exc.strerror or exc}")
        return _fail(f"unexpected {name}: {exc}")
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
