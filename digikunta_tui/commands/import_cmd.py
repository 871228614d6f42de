"""``digikunta import``: create and update records from a CSV or JSON file, all or nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import CommandError
from .context import CommandContext
from .export_cmd import delimiter_arg
from .lookup import resolve_kind
from .progress import MIN_ROWS


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``import`` command."""
    p = sub.add_parser(
        "import",
        help="import records of one kind from CSV or JSON (all or nothing)",
        description="Read records from a CSV file (UTF-8, with or without BOM; delimiter ',' "
        "or ';' detected from the header) or a JSON list (by extension or content), as "
        "`digikunta export` writes them. A row whose id names an existing record updates it "
        "(blank cells clear fields); a row with an unknown id creates the record with that id; "
        "a row without id creates a new record. Every row is checked first; if any fails, "
        "nothing is written and each problem is listed as 'row N: field: message' (rows are "
        "numbered as a spreadsheet shows them: the header is row 1).",
        epilog="examples:\n"
        "  digikunta import jasenet.csv --kind people\n"
        "  digikunta import jasenet.csv --kind henkilöt --delimiter ';' --dry-run\n"
        "  digikunta import webinaarit.json --kind webinar",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="CSV or JSON file")
    p.add_argument("--kind", required=True, help="record kind, e.g. people, webinars, stories")
    p.add_argument(
        "--delimiter", type=delimiter_arg, metavar="CHAR", help="CSV delimiter (default: detect)"
    )
    p.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    p.set_defaults(func=run)


def _read(path: Path) -> bytes:
    from ..i18n import t

    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise CommandError(t("cli.read_folder", path=str(path))) from None
    except OSError as exc:
        raise CommandError(
            t("cli.read_failed", path=str(path), error=exc.strerror or str(exc))
        ) from None


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Check every row; write all of them in one transaction, or none."""
    from ..domain.transfer import apply_import, plan_import, problems_text, read_rows
    from ..i18n import counted, detect_language, set_language, t

    set_language(detect_language(ctx.config.ui.language))
    kind = resolve_kind(args.kind)
    path = Path(args.file).expanduser()
    rows = read_rows(_read(path), str(path), kind, args.delimiter)
    repo = ctx.repository()
    line = ctx.progress
    checking = line.reporter(t("cli.msg.importing_checking"), min_total=MIN_ROWS)
    plan = plan_import(repo, kind, rows, progress=checking)
    line.clear()
    if len(plan.problems) == 1:  # one problem: one line
        raise CommandError(t("cli.import_one_problem", path=str(path), problem=plan.problems[0]))
    if plan.problems:
        for problem in problems_text(plan.problems):
            print(f"{path}: {problem}", file=sys.stderr)
        failed = len({p.split(":", 1)[0] for p in plan.problems})
        raise CommandError(t("cli.import_problems", path=str(path), failed=failed, rows=len(rows)))
    what = counted(kind, len(plan.items))
    summary = t("cli.import_summary", what=what, new=plan.new, updated=plan.updated)
    if plan.unchanged:
        summary += t("cli.import_unchanged", count=plan.unchanged)
    if args.dry_run:
        print(t("cli.import_dry_run", summary=summary))
        return 0
    apply_import(
        repo,
        plan,
        progress=line.reporter(t("cli.msg.importing_writing"), min_total=MIN_ROWS),
        index_progress=line.reporter(t("cli.msg.importing_indexing")),
    )
    line.clear()
    print(t("cli.imported", summary=summary))
    return 0
