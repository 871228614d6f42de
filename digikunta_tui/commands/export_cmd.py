"""``digikunta export``: one kind of records as CSV (for spreadsheets) or JSON."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .context import CommandContext
from .lookup import resolve_kind
from .progress import MIN_ROWS


def write_output(text: str, target: str | None) -> None:
    """Write UTF-8 text to ``target`` (atomically) or, without one, to stdout (byte-exact)."""
    data = text.encode("utf-8")
    if not target or target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(target).expanduser()
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:  # Ctrl-C: no half-written file is left behind
        tmp.unlink(missing_ok=True)
        raise


def delimiter_arg(text: str) -> str:
    """argparse type of ``--delimiter``: one character (``\\t`` and ``tab`` mean tab)."""
    text = {"\\t": "\t", "tab": "\t"}.get(text, text)
    if len(text) != 1 or text in '"\r\n':
        from ..i18n import t

        raise argparse.ArgumentTypeError(t("cli.msg.one_character"))
    return text


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``export`` command."""
    p = sub.add_parser(
        "export",
        help="export one kind of records as CSV or JSON",
        description="Write every record of one kind, sorted in Finnish alphabetical order, as "
        "CSV (header row: id and the field names; lists joined with '; '; indicator values as "
        "JSON text; cells that a spreadsheet would run as formulas get a leading ') or as a "
        "JSON list of {id, fields}. KIND is a record kind, plural or Finnish: organization, "
        "person (people, henkilöt), consent, webinar, registration, newsletter, story, "
        "indicator.",
        epilog="examples:\n"
        "  digikunta export people --format csv -o jasenet.csv\n"
        "  digikunta export henkilöt --format csv --excel -o jasenet.csv   # for Excel\n"
        "  digikunta export webinars --format json\n"
        "  digikunta export story --format csv --delimiter ';' > kokeilut.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("kind", metavar="KIND", help="record kind, e.g. people, webinars, stories")
    p.add_argument(
        "--format",
        choices=("csv", "spreadsheet", "json"),
        default="csv",
        help="csv (default), spreadsheet or json",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    p.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: UTF-8 with BOM, ';' between cells, CRLF line ends",
    )
    p.add_argument(
        "--delimiter", type=delimiter_arg, metavar="CHAR", help="CSV delimiter (default: ',')"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Export and write the records."""
    from ..domain.transfer import export_csv, export_json, export_records
    from ..i18n import counted, t

    kind = resolve_kind(args.kind)
    line = ctx.progress
    reading = line.reporter(t("cli.msg.exporting_reading"), min_total=MIN_ROWS)
    records = export_records(ctx.repository(), kind, progress=reading)
    writing = line.reporter(t("cli.msg.exporting_writing"), min_total=MIN_ROWS)
    if args.format == "json":
        text = export_json(kind, records, progress=writing)
    elif args.format == "spreadsheet":
        from ..domain.transfer_sheet import export_sheet
        from ..i18n import get_language

        text = export_sheet(ctx.repository(), kind, records, lang=get_language(), progress=writing)
    else:
        delimiter = args.delimiter or (";" if args.excel else ",")
        text = export_csv(kind, records, delimiter=delimiter, excel=args.excel, progress=writing)
    line.clear()
    write_output(text, args.output)
    if args.output:
        print(t("cli.exported", what=counted(kind, len(records)), path=args.output))
    return 0
