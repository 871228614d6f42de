"""``digikunta newsletter``: a webinar documented as a Markdown newsletter."""

from __future__ import annotations

import argparse
from typing import Any

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


def _names(ctx: CommandContext, ids: set[str]) -> dict[str, str]:
    from ..domain.display import person_name
    from ..domain.stored import text_of

    repo = ctx.repository()
    names: dict[str, str] = {}
    for rid in ids:
        person = repo.get("person", rid)
        if person is not None:
            names[rid] = person_name(person)
            continue
        org = repo.get("organization", rid)
        if org is not None:
            names[rid] = text_of(org.get("name"))
    return names


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Gather the webinar, its newsletter and stories, and render them."""
    from ..domain.newsletter import render_newsletter
    from ..domain.stored import ids_in, items_of
    from ..i18n import detect_language

    repo = ctx.repository()
    wid, webinar = resolve_record(repo, "webinar", args.webinar)
    found = repo.newsletter_of(wid)
    newsletter = found[1] if found else None
    stories: list[dict[str, Any]] = []
    for sid in ids_in((newsletter or {}).get("stories")):
        story = repo.get("story", sid)
        if story is not None:
            indicators = [fields for _, fields in repo.indicators_of(sid)]
            stories.append({**story, "indicators": indicators})
    ids = set(items_of(webinar.get("presenters")))
    for story in stories:
        ids.update(ids_in(story.get("organization")))
        ids.update(ids_in(story.get("authors")))
    lang = args.lang or detect_language(ctx.config.ui.language)
    text = render_newsletter(newsletter, webinar, stories, lang=lang, names=_names(ctx, ids))
    write_output(text, args.output)
    return 0
