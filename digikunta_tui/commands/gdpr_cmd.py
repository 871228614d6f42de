"""``digikunta gdpr``: a person's right of access (export) and right to erasure (erase)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import CommandError
from ..i18n import t
from .context import CommandContext
from .export_cmd import write_output
from .lookup import resolve_record


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``gdpr`` command with its ``export`` and ``erase`` subcommands."""
    p = sub.add_parser(
        "gdpr",
        help="export or erase everything about one person (GDPR)",
        description="Serve a person's data protection rights. PERSON is an id, the first 6+ "
        "characters of one, or the person's name.",
        epilog="examples:\n"
        "  digikunta gdpr export 'Maija Meikäläinen' -o maija.json\n"
        "  digikunta gdpr erase 'Maija Meikäläinen'\n"
        "  digikunta gdpr erase 5be0c2a1 --yes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="gdpr_action", metavar="ACTION", required=True)
    exp = actions.add_parser(
        "export",
        help="everything held about one person, as JSON",
        description="Write everything held about one person as JSON: the person, their "
        "consents, registrations and where they appear in stories and webinars.",
        epilog="example:\n  digikunta gdpr export 'Maija Meikäläinen' -o maija.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exp.add_argument("person", metavar="PERSON", help="id, id prefix or name")
    exp.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    exp.set_defaults(func=run_export)
    era = actions.add_parser(
        "erase",
        help="erase one person for good (syncs as a tombstone without personal data)",
        description="Erase a person, their consents and registrations for good and remove "
        "them from story authors and webinar presenters. Asks for confirmation unless --yes; "
        "when not run interactively, --yes is required.",
        epilog="examples:\n"
        "  digikunta gdpr erase 'Maija Meikäläinen'\n"
        "  digikunta gdpr erase 5be0c2a1 --yes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    era.add_argument("person", metavar="PERSON", help="id, id prefix or name")
    era.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    era.set_defaults(func=run_erase)


def run_export(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Write the person's data as JSON."""
    repo = ctx.repository()
    pid, _ = resolve_record(repo, "person", args.person)
    data = repo.gdpr_export(pid)
    write_output(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", args.output)
    if args.output:
        print(t("cli.msg.gdpr_exported", id=pid, path=args.output))
    return 0


def _shared_name(ctx: CommandContext) -> str | None:
    """The shared file's name, or None: no remote, or an HTTP(S) one (which keeps no ``.bak``)."""
    remote = ctx.config.sync.remote.strip()
    if not remote or remote.lower().startswith(("http://", "https://")):
        return None
    return remote.rstrip("/").rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or None


def _confirm(name: str, pid: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise CommandError(t("cli.msg.gdpr_needs_yes"))
    try:
        answer = input(t("cli.msg.gdpr_confirm", name=name, id=pid[:8]))
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes", "k", "kyllä", "kylla"):
        raise CommandError(t("cli.msg.gdpr_not_erased"))


def _removed_label(key: str) -> str:
    label = t(f"cli.msg.gdpr_removed.{key}")
    return key.replace("_", " ") if label.startswith("cli.") else label


def _removed_text(removed: dict[str, Any]) -> str:
    parts = [
        t("cli.msg.gdpr_removed_item", label=_removed_label(key), count=value)
        for key, value in removed.items()
    ]
    return ", ".join(parts) if parts else t("cli.msg.gdpr_removed_nothing")


def run_erase(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Confirm, erase, and say what was removed and when it reaches the shared document."""
    from ..domain.display import person_name

    repo = ctx.repository()
    pid, person = resolve_record(repo, "person", args.person)
    name = person_name(person) or pid
    _confirm(name, pid, args.yes)
    ctx.progress.show(t("cli.msg.gdpr_erasing"), 0, 0)  # seconds when large
    removed = repo.gdpr_erase(pid)
    ctx.progress.clear()
    print(t("cli.msg.gdpr_erased", name=name, id=pid[:8], removed=_removed_text(removed)))
    shared = _shared_name(ctx)
    if shared:
        print(t("cli.msg.gdpr_next_sync_backup", name=shared))
    else:
        print(t("cli.msg.gdpr_next_sync"))
    print(t("cli.msg.gdpr_elsewhere"))
    return 0
