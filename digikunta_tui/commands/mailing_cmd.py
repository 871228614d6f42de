"""``digikunta mailing-list``: the people whose latest newsletter consent is ``granted``."""

from __future__ import annotations

import argparse
import csv
import io

from .context import CommandContext
from .export_cmd import write_output


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``mailing-list`` command."""
    p = sub.add_parser(
        "mailing-list",
        help="export the newsletter mailing list (granted consent only)",
        description="List the people whose latest newsletter consent is 'granted' and who "
        "have an email address; nobody else is ever exported. CSV has the columns email, "
        "given_name, family_name, organization; txt has one address per line.",
        epilog="examples:\n"
        "  digikunta mailing-list -o postituslista.csv\n"
        "  digikunta mailing-list --format txt | wl-copy",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    p.add_argument("--format", choices=("csv", "txt"), default="csv", help="default: csv")
    p.set_defaults(func=run)


def _organization_name(ctx: CommandContext, value: object) -> str:
    """The organisation's name (``mailing_list`` may give its name or its id)."""
    if not isinstance(value, str) or not value:
        return ""
    org = ctx.repository().get("organization", value)
    return str(org.get("name") or "") if org else value


def _entries(ctx: CommandContext) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for person in ctx.repository().mailing_list():
        if not person.get("email"):
            continue
        out.append(
            {
                "email": str(person["email"]),
                "given_name": str(person.get("given_name") or ""),
                "family_name": str(person.get("family_name") or ""),
                "organization": _organization_name(ctx, person.get("organization")),
            }
        )
    return out


def render(entries: list[dict[str, str]], fmt: str) -> str:
    """The list as CSV (formula cells neutralised) or one address per line."""
    from ..domain.transfer import neutralise

    if fmt == "txt":
        return "".join(e["email"] + "\n" for e in entries)
    buffer = io.StringIO()
    columns = ["email", "given_name", "family_name", "organization"]
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for entry in entries:
        writer.writerow([neutralise(entry[c]) for c in columns])
    return buffer.getvalue()


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Write the mailing list."""
    entries = _entries(ctx)
    write_output(render(entries, args.format), args.output)
    if args.output:
        print(f"{len(entries)} addresses written to {args.output}")
    return 0
