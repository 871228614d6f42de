"""``digikunta report``: an impact report for decision makers, as HTML or PDF."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from .context import CommandContext
from .export_cmd import write_output


def _day(text: str) -> date:
    """argparse type of ``--from``/``--to``: ``7.11.2017`` or ``2017-11-07``."""
    from ..domain.finnish import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``report`` command."""
    p = sub.add_parser(
        "report",
        help="write an impact report (HTML or PDF) for decision makers",
        description="Write an impact report of the whole network, one organisation or one "
        "theme, as one self-contained HTML file or a PDF of it.",
        epilog="examples:\n"
        "  digikunta report -o raportti.html\n"
        "  digikunta report --scope Kuopio --format pdf -o kuopio.pdf",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--scope", metavar="SCOPE", help="network, an organisation or a theme")
    p.add_argument("--from", dest="start", type=_day, metavar="DATE", help="first day")
    p.add_argument("--to", dest="end", type=_day, metavar="DATE", help="last day")
    p.add_argument("--lang", choices=("fi", "en"), help="language of the report")
    p.add_argument("--format", choices=("html", "pdf"), help="html or pdf")
    p.add_argument("-o", "--output", metavar="FILE", help="write here")
    p.add_argument("--internal", action="store_true", help="include stories without consent")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Gather the report, render it, write it (a PDF printed by Chromium)."""
    from ..domain.report import make_report, report_html, resolve_scope
    from ..errors import CommandError
    from ..i18n import detect_language, t

    output = args.output if args.output and args.output != "-" else None
    kind = args.format or ("pdf" if output and output.lower().endswith(".pdf") else "html")
    if kind == "pdf" and output is None:
        raise CommandError(t("report.pdf_needs_output"))
    if args.start and args.end and args.end < args.start:
        raise CommandError(t("report.bad_period", start=args.start, end=args.end))
    if kind == "pdf":
        from ..domain.report.browser import find_browser

        if find_browser() is None:  # said before any work, and nothing is written
            raise CommandError(t("report.no_browser"))
    repo = ctx.repository()
    scope = resolve_scope(repo, args.scope)
    lang = args.lang or detect_language(ctx.config.ui.language)
    steps = 3 if kind == "pdf" else 2
    line = ctx.progress  # drawn only on a terminal: seconds at 50 000 people, a PDF longer
    line.show(t("report.progress_gathering"), 0, steps)
    report = make_report(repo, scope=scope, start=args.start, end=args.end, internal=args.internal)
    line.show(t("report.progress_writing"), 1, steps)
    html = report_html(report, lang=lang)
    if kind == "pdf":
        from ..domain.report.browser import print_html

        assert output is not None
        line.show(t("report.progress_printing"), 2, steps)
        print_html(html, Path(output).expanduser())
        line.clear()
    else:
        line.clear()
        write_output(html, output)
    if output:
        print(t("report.written", path=output))
    return 0
