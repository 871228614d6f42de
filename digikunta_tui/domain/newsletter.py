"""A webinar documented as a Markdown newsletter.

All text taken from records is untrusted: it is escaped so that it reads literally and cannot
add links, images, HTML or headings. The newsletter ``body`` is Markdown by contract and keeps
its formatting, but raw HTML in it is neutralised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from digikunta_tui.domain.finnish import format_date, format_number, format_time_range
from digikunta_tui.domain.indicators import Figure, read_indicator
from digikunta_tui.domain.stored import (
    Invalid,
    items_of,
    read_int,
    read_moment,
    text_of,
)

__all__ = ["escape_markdown", "render_newsletter"]

_LABELS: dict[str, dict[str, str]] = {
    "fi": {
        "newsletter": "Uutiskirje",
        "webinar": "Webinaari",
        "when": "Aika",
        "theme": "Teema",
        "presenters": "Esittäjät",
        "recording": "Tallenne",
        "status": "Tila",
        "cancelled": "peruttu",
        "summary": "Yhteenveto",
        "stories": "Kokeilut",
        "organization": "Organisaatio",
        "unit": "Yksikkö",
        "problem": "Ongelma",
        "goal": "Tavoite",
        "done": "Mitä tehtiin",
        "results": "Tulokset",
        "lessons": "Opit",
        "baseline": "lähtötaso",
        "target": "tavoite",
        "progress": "edistyminen",
        "no_results": "Ei vielä mittaustuloksia.",
    },
    "en": {
        "newsletter": "Newsletter",
        "webinar": "Webinar",
        "when": "When",
        "theme": "Theme",
        "presenters": "Presenters",
        "recording": "Recording",
        "status": "Status",
        "cancelled": "cancelled",
        "summary": "Summary",
        "stories": "Experiments",
        "organization": "Organisation",
        "unit": "Unit",
        "problem": "Problem",
        "goal": "Goal",
        "done": "What was done",
        "results": "Results",
        "lessons": "Lessons",
        "baseline": "baseline",
        "target": "target",
        "progress": "progress",
        "no_results": "No measurements yet.",
    },
}

# Every ASCII character that can start Markdown or HTML syntax inline.
# Parentheses and "!" need no escape: without an unescaped "[" they cannot form a link/image.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
# Line starts that would make a list item, block quote, heading rule or setext underline.
_LINE_START = re.compile(r"^(\s*)(?:([-=+])|([0-9]+)([.)]))", re.MULTILINE)
_RECORD_ID = re.compile(r"^[0-9a-f]{32}$")
_SAFE_URL = re.compile(r"^https://[^\s<>\"`\\]+$")


def escape_markdown(text: str) -> str:
    """Escape untrusted text so Markdown shows it literally (no links, HTML, code or lists)."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match[str]) -> str:
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


def _one_line(text: Any) -> str:
    """Escape and flatten to one line (for headings and list items); non-text is degraded."""
    return " ".join(escape_markdown(text_of(text)).split())


def _paragraphs(text: Any) -> str:
    """Escape multi-line text, keeping paragraph breaks and hard line breaks."""
    lines = escape_markdown(text_of(text)).strip().split("\n")
    return "  \n".join(line.rstrip() for line in lines).replace("  \n  \n", "\n\n")


def _link(url: Any) -> str:
    """An https URL as an autolink; anything else as escaped literal text."""
    url = text_of(url).strip()
    if _SAFE_URL.match(url):
        return f"<{url}>"
    return escape_markdown(url)


def _neutralise_html(body: str) -> str:
    return body.replace("<", "&lt;").replace(">", "&gt;")


def _name(value: Any, names: Mapping[str, str]) -> str | None:
    """Resolve a record id to a display name; drop unresolved ids, keep free text."""
    text = text_of(value)
    if text in names:
        return names[text]
    return None if _RECORD_ID.match(text) else text


def _figure(value: Figure, lang: str) -> str | None:
    if isinstance(value, Invalid):
        return escape_markdown(value.label())
    return None if value is None else format_number(value, lang=lang)


def _indicator_line(ind: Mapping[str, Any], lang: str) -> str:
    lab = _LABELS[lang]
    figures = read_indicator(ind)
    unit = f" {_one_line(ind['unit'])}" if ind.get("unit") else ""
    parts = [f"**{_one_line(ind.get('name', ''))}**"]
    latest = _figure(figures.latest, lang)
    if latest is not None:
        parts.append(f": {latest}{unit if isinstance(figures.latest, Decimal) else ''}")
    extras = []
    baseline, target = _figure(figures.baseline, lang), _figure(figures.target, lang)
    if baseline is not None:
        extras.append(f"{lab['baseline']} {baseline}")
    if target is not None:
        extras.append(f"{lab['target']} {target}")
    if figures.progress is not None:
        extras.append(f"{lab['progress']} {format_number(figures.progress * 100, 0, lang)} %")
    if extras:
        parts.append(f" ({', '.join(extras)})")
    return "- " + "".join(parts)


def _story_section(story: Mapping[str, Any], names: Mapping[str, str], lang: str) -> list[str]:
    lab = _LABELS[lang]
    out = [f"### {_one_line(story.get('title', ''))}", ""]
    facts = []
    org = _name(story["organization"], names) if story.get("organization") else None
    if org:
        facts.append(f"- {lab['organization']}: {_one_line(org)}")
    if story.get("unit"):
        facts.append(f"- {lab['unit']}: {_one_line(story['unit'])}")
    if facts:
        out += [*facts, ""]
    for key, label in (("problem", "problem"), ("goal", "goal"), ("what_was_done", "done")):
        if story.get(key):
            out += [f"**{lab[label]}**", "", _paragraphs(story[key]), ""]
    out += [f"**{lab['results']}**", ""]
    indicators = [ind for ind in story.get("indicators") or [] if isinstance(ind, Mapping)]
    if indicators:
        ordered = sorted(
            indicators, key=lambda i: (text_of(i.get("level")), text_of(i.get("name")))
        )
        out += [_indicator_line(ind, lang) for ind in ordered]
    else:
        out.append(lab["no_results"])
    out.append("")
    if story.get("lessons"):
        out += [f"**{lab['lessons']}**", "", _paragraphs(story["lessons"]), ""]
    return out


def _when(webinar: Mapping[str, Any], lang: str) -> str:
    """ "12.12.2017 klo 12–14" of a webinar ("" when unset; degraded when unreadable)."""
    start = read_moment(webinar.get("starts_at"))
    if start is None:
        return ""
    if isinstance(start, Invalid):
        return escape_markdown(start.label())
    when = format_date(start, lang)
    minutes = read_int(webinar.get("duration_minutes"), minimum=1, maximum=24 * 60)
    if isinstance(minutes, int):
        when += " " + format_time_range(start, minutes, lang)
    return when


def render_newsletter(
    newsletter_or_none: Mapping[str, Any] | None,
    webinar: Mapping[str, Any],
    stories: Sequence[Mapping[str, Any]],
    *,
    lang: str = "fi",
    names: Mapping[str, str] | None = None,
) -> str:
    """Render a webinar and its featured stories as a deterministic Markdown newsletter.

    Args:
        newsletter_or_none: The newsletter's fields (number, title, body …) or ``None`` to
            document the webinar without a newsletter record.
        webinar: The webinar's fields.
        stories: Story fields in the order to show them; a story may carry an extra key
            ``"indicators"`` with a list of its indicator records' fields (the results).
        lang: ``"fi"`` or ``"en"`` for labels and date formats.
        names: Record id → display name, used for presenters and organisations; ids with no
            name are left out, free-text presenter names are shown as they are.

    Returns:
        Markdown text ending with a newline; the same input always gives the same output.
    """
    lab = _LABELS.get(lang, _LABELS["fi"])
    lang = lang if lang in _LABELS else "fi"
    names = names or {}
    newsletter = newsletter_or_none or {}
    title = newsletter.get("title") or webinar.get("title") or lab["webinar"]
    heading = _one_line(title)
    number = read_int(newsletter.get("number"))
    if number is not None:
        shown = escape_markdown(number.label()) if isinstance(number, Invalid) else str(number)
        heading = f"{lab['newsletter']} {shown}: {heading}"
    out = [f"# {heading}", ""]

    facts = [f"- {lab['webinar']}: {_one_line(webinar.get('title', ''))}"]
    when = _when(webinar, lang)
    if when:
        facts.append(f"- {lab['when']}: {when}")
    if webinar.get("status") == "cancelled":
        facts.append(f"- {lab['status']}: {lab['cancelled']}")
    if webinar.get("theme"):
        facts.append(f"- {lab['theme']}: {_one_line(webinar['theme'])}")
    presenters = [n for p in items_of(webinar.get("presenters")) if (n := _name(p, names))]
    if presenters:
        facts.append(f"- {lab['presenters']}: {', '.join(_one_line(p) for p in presenters)}")
    if webinar.get("recording_link"):
        facts.append(f"- {lab['recording']}: {_link(webinar['recording_link'])}")
    out += [*facts, ""]

    body = text_of(newsletter.get("body")).strip()
    if body:
        out += [f"## {lab['summary']}", "", _neutralise_html(body), ""]
    if stories:
        out += [f"## {lab['stories']}", ""]
        for story in stories:
            out += _story_section(story, names, lang)
    return "\n".join(out).rstrip("\n") + "\n"
