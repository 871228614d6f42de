"""``digikunta newsletter``: a webinar documented as a Markdown newsletter."""

from __future__ import annotations

import argparse

from .context import CommandContext
from .export_cmd import write_output
from .lookup import resolve_record


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``newsletter`` command."""
    p = sub.add_parser(
        "newsletter",
        help="write a webinar's newsletter as Markdown",
        description="Write the Markdown newsletter of one webinar: its facts, the newsletter's "
        "summary and the experiment stories it features with their results. WEBINAR is an id, "
        "the first 6+ characters of one, or the title.",
        epilog="examples:\n"
        "  digikunta newsletter 'Digikokeileva kunta -verkoston aloitus' -o uutiskirje.md\n"
        "  digikunta newsletter 3f9a1c --lang en",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("webinar", metavar="WEBINAR", help="id, id prefix or title")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    p.add_argument("--lang", choices=("fi", "en"), help="labels and dates (default: the UI's)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Gather the webinar, its newsletter and stories, and render them."""
    from ..i18n import detect_language

    repo = ctx.repository()
    wid, _webinar = resolve_record(repo, "webinar", args.webinar)
    lang = args.lang or detect_language(ctx.config.ui.language)
    text = repo.newsletter_markdown(wid, lang=lang)
    write_output(text, args.output)
    return 0
