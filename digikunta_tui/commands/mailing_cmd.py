"""``digikunta mailing-list``: the people whose newsletter consent is ``granted``.

People whose newsletter consent is in conflict (granted and withdrawn on two laptops that did
not know of each other) are left out, and a warning on stderr names them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .context import CommandContext
from .export_cmd import write_output


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``mailing-list`` command."""
    p = sub.add_parser(
        "mailing-list",
        help="export the newsletter mailing list (granted consent only)",
        description="List the people whose newsletter consent is 'granted' and who have an "
        "email address; nobody else is ever exported. People whose newsletter consent is in "
        "conflict (recorded on two laptops that did not know of each other) are left out and "
        "named on stderr: record their consent again to settle it. CSV has the columns email, "
        "given_name, family_name, organization; txt has one address per line.",
        epilog="examples:\n"
        "  digikunta mailing-list -o postituslista.csv\n"
        "  digikunta mailing-list --format txt | wl-copy",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    p.add_argument("--format", choices=("csv", "txt"), default="csv", help="default: csv")
    p.set_defaults(func=run)


def render(entries: list[dict[str, Any]], fmt: str) -> str:
    """The list as CSV (the domain's one writer, as the app writes it) or one address a line."""
    from ..domain.spreadsheet import mailing_list_csv

    if fmt == "txt":
        return "".join(str(e["email"]) + "\n" for e in entries)
    return mailing_list_csv(entries)


MAX_NAMED = 20
"""How many people left out for a consent conflict the warning names."""


def conflict_warning(people: list[dict[str, Any]]) -> str | None:
    """One line naming the people left out because their newsletter consent is in conflict."""
    if not people:
        return None
    from ..i18n import counted, t
    from ..ui.text import literal

    names = [
        literal(f"{p.get('given_name') or ''} {p.get('family_name') or ''}".strip() or p["id"])
        for p in people[:MAX_NAMED]
    ]
    more = t("cli.and_more", count=len(people) - MAX_NAMED) if len(people) > MAX_NAMED else ""
    form = "one" if len(people) == 1 else "other"
    text = t(
        f"cli.msg.mailing_left_out.{form}",
        who=counted("person", len(people)),
        names=", ".join(names),
        more=more,
    )
    return t("cli.warning", message=text)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Write the mailing list; warn about people left out for a consent conflict."""
    entries = ctx.repository().mailing_list()  # every item has an e-mail address
    write_output(render(entries, args.format), args.output)
    warning = conflict_warning(ctx.repository().mailing_list_conflicts())
    if warning:
        print(warning, file=sys.stderr)
    if args.output:
        from ..i18n import counted, t

        print(t("cli.msg.mailing_written", what=counted("address", len(entries)), path=args.output))
    return 0
