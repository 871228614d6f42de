"""Markdown newsletter of a webinar: content, determinism and escaping of untrusted text."""

from __future__ import annotations

from markdown_it import MarkdownIt

from digikunta_tui.domain.newsletter import escape_markdown, render_newsletter

WEBINAR = {
    "title": "Digikokeileva kunta -webinaari 1",
    "theme": "Miten digikokeiluja johdetaan?",
    "starts_at": "2017-11-07T10:00:00Z",
    "duration_minutes": 120,
    "presenters": ["a" * 32, "Vieraileva puhuja", "f" * 32],
    "status": "held",
    "recording_link": "https://example.fi/tallenne-1",
}
NEWSLETTER = {
    "number": 1,
    "title": "Kokeilut käyntiin",
    "body": "Webinaarissa **kuultiin**.",
    "status": "sent",
}
STORY = {
    "title": "Kouluterveydenhoitajan chat",
    "organization": "b" * 32,
    "unit": "Kouluterveydenhuolto",
    "problem": "Jonot olivat pitkiä.",
    "what_was_done": "Otettiin käyttöön chat.\n\nKokeiltiin kolme kuukautta.",
    "lessons": "Pieni kokeilu riitti.",
    "indicators": [
        {
            "name": "Säästö",
            "level": "outcome",
            "unit": "€",
            "baseline": {"value": "0", "date": "2017-09-01"},
            "target": {"value": "10000", "date": "2018-06-01"},
            "measurements": [
                {"value": "2500", "date": "2017-12-01", "method": "estimated"},
                {"value": "5000.5", "date": "2018-03-01", "method": "measured"},
            ],
        }
    ],
}
NAMES = {"a" * 32: "Toni Auvinen", "b" * 32: "Kuopio"}


def tokens(markdown: str) -> list[str]:
    """All token types (block and inline) markdown-it produces for the text."""
    md = MarkdownIt("commonmark", {"linkify": False})
    out: list[str] = []
    for tok in md.parse(markdown):
        out.append(tok.type)
        out += [child.type for child in tok.children or []]
    return out


def test_contains_webinar_facts_in_finnish_format() -> None:
    text = render_newsletter(NEWSLETTER, WEBINAR, [STORY], names=NAMES)
    assert text.startswith("# Uutiskirje 1: Kokeilut käyntiin\n")
    assert "7.11.2017 klo 12–14" in text
    assert "Miten digikokeiluja johdetaan?" in text
    assert "Esittäjät: Toni Auvinen, Vieraileva puhuja\n" in text  # unknown id "fff…" left out
    assert "<https://example.fi/tallenne-1>" in text
    assert "Webinaarissa **kuultiin**." in text  # the body is Markdown and keeps it
    assert "### Kouluterveydenhoitajan chat" in text
    assert "Organisaatio: Kuopio" in text
    assert "Jonot olivat pitkiä." in text
    assert "Otettiin käyttöön chat.\n\nKokeiltiin kolme kuukautta." in text
    assert "**Säästö**: 5\u00a0000,5 € (lähtötaso 0, tavoite 10\u00a0000, edistyminen 50 %)" in text
    assert "Pieni kokeilu riitti." in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_english_labels_and_formats() -> None:
    text = render_newsletter(NEWSLETTER, WEBINAR, [STORY], lang="en", names=NAMES)
    assert text.startswith("# Newsletter 1: Kokeilut käyntiin\n")
    assert "2017-11-07 12:00–14:00" in text
    assert "Presenters: Toni Auvinen" in text
    assert "(baseline 0, target 10,000, progress 50 %)" in text


def test_deterministic() -> None:
    a = render_newsletter(NEWSLETTER, WEBINAR, [STORY, STORY], names=NAMES)
    b = render_newsletter(dict(NEWSLETTER), dict(WEBINAR), [dict(STORY), dict(STORY)], names=NAMES)
    assert a == b


def test_without_newsletter_record_and_without_results() -> None:
    story = {"title": "Idea", "stage": "idea"}
    text = render_newsletter(None, WEBINAR, [story])
    assert text.startswith("# Digikokeileva kunta -webinaari 1\n")
    assert "Yhteenveto" not in text
    assert "Ei vielä mittaustuloksia." in text
    assert "a" * 32 not in text  # unresolved ids are never printed


def test_untrusted_text_cannot_inject_links_html_or_code() -> None:
    evil = "[klikkaa](https://evil.example) <script>alert(1)</script> `koodi` ![kuva](x.png)"
    story = {
        "title": evil,
        "problem": evil + "\n# Otsikko\n- lista\n1. numero\n> lainaus",
        "what_was_done": "<img src=x onerror=alert(1)>",
        "indicators": [{"name": evil, "unit": "<b>"}],
    }
    webinar = {**WEBINAR, "title": evil, "theme": evil, "presenters": [evil]}
    webinar["recording_link"] = "javascript:alert(1)"
    newsletter = {
        "number": 2,
        "title": evil,
        "body": "Hei <script>x</script> [linkki](https://ok.example)",
    }
    text = render_newsletter(newsletter, webinar, [story])
    types = set(tokens(text))
    assert "html_inline" not in types
    assert "html_block" not in types
    assert "code_inline" not in types
    assert "image" not in types
    assert "blockquote_open" not in types
    assert "ordered_list_open" not in types
    # the only link allowed is the one written in the Markdown body itself
    md = MarkdownIt("commonmark")
    hrefs = [
        child.attrs.get("href")
        for tok in md.parse(text)
        for child in tok.children or []
        if child.type == "link_open"
    ]
    assert hrefs == ["https://ok.example"]
    # one level-1 heading (the title), story heading only as level 3
    heading_levels = [tok.tag for tok in md.parse(text) if tok.type == "heading_open"]
    assert heading_levels.count("h1") == 1
    assert "javascript:alert(1)" not in [h for h in hrefs]


def test_escape_markdown_renders_literally() -> None:
    raw = "a [b](c) <d> `e` *f* _g_ \\ #h"
    html = MarkdownIt("commonmark").render(escape_markdown(raw))
    assert html == "<p>a [b](c) &lt;d&gt; `e` *f* _g_ \\ #h</p>\n"
    assert escape_markdown("- x\n1. y\n2) z\n+ w") == "\\- x\n1\\. y\n2\\) z\n\\+ w"
