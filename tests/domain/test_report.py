"""The impact report: its HTML parsed (html5lib) and checked against the domain's figures.

The totals equal the domain's ``impact`` on the demo data (and after more stories are added),
every indicator chart has one dot per measurement, the page loads nothing from anywhere, and
text from records (``<script>``, ``[b]``) arrives escaped, in pygal's charts too.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import pytest

from digikunta_tui.domain.finnish import NBSP, format_money, parse_decimal
from digikunta_tui.domain.report import make_report, report_html, resolve_scope
from digikunta_tui.domain.repository import Repository
from digikunta_tui.errors import UserError

H = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script>"


@pytest.fixture
def demo(repo: Repository) -> Repository:
    """The demo data set."""
    repo.load_demo()
    return repo


def parse(html: str) -> Element:
    """The document as html5lib's element tree (namespaced tags, as a browser builds it)."""
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=True)


def text_of(element: Element) -> str:
    return "".join(element.itertext()).strip()


def totals(doc: Element) -> dict[str, Decimal]:
    """The totals table's figures as shown, read back as numbers."""
    cells = doc.iter(f"{H}td")
    return {
        c.get("data-figure", ""): parse_decimal(text_of(c)) for c in cells if c.get("data-figure")
    }


def organisation_rows(doc: Element) -> dict[str, list[str]]:
    """The first table under "By organisation": organisation → its cells' text."""
    tables = [t for t in doc.iter(f"{H}table") if "figures" in (t.get("class") or "")]
    rows = {}
    for tr in tables[0].iter(f"{H}tr"):
        cells = [text_of(td) for td in tr.iter(f"{H}td")]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def loads(doc: Element) -> list[str]:
    """Every reference the page would make a browser fetch (the attributes that load)."""
    found = []
    for element in doc.iter():
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local in ("src", "href", "srcset", "data", "poster", "action", "background"):
                found.append(value)
        if element.tag in (f"{H}style", f"{SVG}style"):
            found += re.findall(r"url\(([^)]*)\)|@import\s+([^;]+)", element.text or "")  # type: ignore[arg-type]
    return [str(v) for v in found]


def test_the_report_shows_the_domains_figures_loads_nothing_and_escapes_record_text(
    demo: Repository,
) -> None:
    impact = demo.impact()
    html = report_html(make_report(demo, today=date(2017, 12, 15)), lang="fi")
    doc = parse(html)

    # Totals: the domain's own figures, printed the Finnish way.
    shown = totals(doc)
    assert shown["total_savings_eur"] == impact.total_savings_eur == Decimal("15950.00")
    assert shown["savings_per_year_eur"] == impact.savings_per_year_eur
    assert shown["savings_one_off_eur"] == impact.savings_one_off_eur
    assert shown["total_hours_saved"] == impact.total_hours_saved
    assert shown["stories"] == demo.count("story")
    assert f"15{NBSP}950,00{NBSP}€" in html
    # Per organisation: each row's first-year savings and hours are the domain's.
    rows = organisation_rows(doc)
    for _org, name, savings, hours in impact.per_organization:
        assert parse_decimal(rows[name][3]) == savings
        assert parse_decimal(rows[name][4]) == hours

    # One chart per indicator with a measurement or a baseline; one dot per measurement.
    figures = [f for f in doc.iter(f"{H}figure") if f.get("data-indicator")]
    assert len(figures) == demo.count("indicator")
    for figure in figures:
        stored = demo.require("indicator", figure.get("data-indicator", ""))
        dots = [c for c in figure.iter(f"{SVG}circle") if c.get("class") == "measurement"]
        assert len(dots) == len(stored.get("measurements") or [])
        if stored.get("target"):
            assert [ln for ln in figure.iter(f"{SVG}line") if ln.get("class") == "target"]
    # The logic chain names every level, input first.
    chain = next(ol for ol in doc.iter(f"{H}ol") if ol.get("class") == "chain")
    levels = [text_of(span) for span in chain.iter(f"{H}span") if span.get("class") == "level"]
    assert levels == ["Panos", "Tuotos", "Tulos", "Vaikutus"]
    # Provenance: the € calculation and the method are footnoted.
    assert "Hävikin väheneminen 25 kg/päivä" in html and "arvioitu" in html

    # Nothing is loaded: no script, no stylesheet link, no external reference; a CSP says so.
    assert not list(doc.iter(f"{H}script")) and not list(doc.iter(f"{SVG}script"))
    assert not list(doc.iter(f"{H}link"))
    assert all(v.startswith("#") for v in loads(doc)), loads(doc)
    csp = [m.get("content") or "" for m in doc.iter(f"{H}meta") if m.get("http-equiv")]
    assert csp and "default-src 'none'" in csp[0]

    # Untrusted text in a story, an organisation and an indicator arrives as text.
    org = demo.create("organization", {"name": f"{EVIL} Oy", "type": "company"})
    story = demo.create(
        "story",
        {
            "title": f"{EVIL} [b]lihava[/b]",
            "stage": "running",
            "organization": org,
            "problem": "<img src=https://example.com/x.png> [@click=app.quit]",
            "themes": ["<b>teema</b>"],
            "publication_consent": True,
        },
    )
    demo.create(
        "indicator",
        {
            "story": story,
            "level": "input",
            "category": "savings_eur",
            "name": f"{EVIL} mittari",
            "direction": "increase",
            "recurrence": "one_off",
            "calculation": "<a href='https://example.com'>laskelma</a>",
            "measurements": [
                {"value": "100", "date": "2017-10-01", "method": "survey"},
                {"value": "250.5", "date": "2017-11-01", "method": "measured"},
            ],
        },
    )
    hidden = demo.create(
        "story", {"title": "Salainen kokeilu", "stage": "idea", "publication_consent": False}
    )
    demo.create(
        "indicator",
        {
            "story": hidden,
            "level": "impact",
            "category": "time_saved_h",
            "name": "Salaiset tunnit",
            "direction": "increase",
            "measurements": [{"value": "99", "date": "2017-10-01"}],
        },
    )
    html = report_html(make_report(demo), lang="en")
    doc = parse(html)
    assert not list(doc.iter(f"{H}script")) and not list(doc.iter(f"{SVG}script"))
    assert not list(doc.iter(f"{H}img")) and not list(doc.iter(f"{H}b"))
    assert all(v.startswith("#") for v in loads(doc)), loads(doc)
    assert f"{EVIL} [b]lihava[/b]" in [text_of(h) for h in doc.iter(f"{H}h2")]
    svg_texts = [text_of(t) for t in doc.iter(f"{SVG}text")]
    assert f"{EVIL} Oy" in svg_texts  # pygal's label, escaped by its writer
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The story without consent is left out, its hours too, and the report says so.
    assert "Salainen kokeilu" not in html
    shown = totals(doc)
    assert shown["total_savings_eur"] == impact.total_savings_eur + Decimal("250.5")
    assert shown["savings_one_off_eur"] == Decimal("250.50")
    assert shown["total_hours_saved"] == impact.total_hours_saved
    notice = next(p for p in doc.iter(f"{H}p") if p.get("id") == "left-out")
    assert text_of(notice).startswith("1 experiment is left out")
    # Internal: it is in, with the hours, and the report warns on its first page.
    internal = report_html(make_report(demo, internal=True), lang="en")
    assert "Salainen kokeilu" in internal and "INTERNAL" in internal
    assert totals(parse(internal))["total_hours_saved"] == demo.impact().total_hours_saved


def test_scope_and_period_choose_stories_and_measurements(demo: Repository) -> None:
    # Up to 15.10.2017 no saving had been measured; 8 of the hours had.
    early = make_report(demo, end=date(2017, 10, 15))
    assert early.impact.total_savings_eur == 0
    assert early.impact.total_hours_saved == Decimal(8)
    assert all(
        p.when <= date(2017, 10, 15) for s in early.stories for x in s.series for p in x.points
    )
    # A period after a story ended leaves it out (Kaavaluonnos ended 31.10.2017).
    late = make_report(demo, start=date(2017, 11, 1))
    assert "Kaavaluonnoksen kommentointi verkkokartalla" not in [s.title for s in late.stories]
    held = make_report(demo).webinars
    assert [w.title for w in held] == [f"Digikokeileva kunta -webinaari {n}" for n in (1, 2)]
    for part in held:
        wid = next(r.id for r in demo.page("webinar") if r.fields["title"] == part.title)
        regs = [f for _rid, f, _person in demo.registrations_of(wid)]
        came = [f["attended_minutes"] for f in regs if f.get("attended_minutes", 0) > 0]
        assert (part.registered, part.attended) == (len(regs), len(came))
        assert part.attended_hours == Decimal(sum(came)) / 60
    assert any(part.attended for part in held)
    autumn = make_report(demo, start=date(2017, 11, 1), end=date(2017, 11, 30)).webinars
    assert [w.title for w in autumn] == ["Digikokeileva kunta -webinaari 1"]

    tervo = resolve_scope(demo, "tervo")
    assert (tervo.kind, tervo.label) == ("organization", "Tervo")
    report = make_report(demo, scope=tervo)
    assert {s.organization for s in report.stories} == {"Tervo"}
    assert report.impact.total_savings_eur == Decimal("3450.00")
    theme = resolve_scope(demo, "TUOTTAVUUS")
    assert (theme.kind, theme.label) == ("theme", "tuottavuus")
    report = make_report(demo, scope=theme)
    assert report.impact.total_savings_eur == Decimal("15950.00")
    assert report.per_theme[0].label == "esimerkki (kuvitteellinen)"
    # Tables in Finnish order: ü as y, then z, å, ä, ö.
    for theme in ("äes", "Zoo", "über", "ylä", "Åland", "öljy"):
        demo.create(
            "story",
            {"title": theme, "stage": "idea", "themes": [theme], "publication_consent": True},
        )
    twice = {"title": "Kahdesti", "stage": "idea", "themes": ["TYÖNILO", "työnilo"]}
    demo.create("story", {**twice, "publication_consent": True})
    rows = make_report(demo).per_theme
    assert [g.stories for g in rows if g.label.lower() == "työnilo"] == [2]  # one row, once each
    labels = [g.label for g in rows]
    assert [x for x in labels if x in {"äes", "Zoo", "über", "ylä", "Åland", "öljy"}] == [
        "über",
        "ylä",
        "Zoo",
        "Åland",
        "äes",
        "öljy",
    ]
    with pytest.raises(UserError, match="ei-olemassa"):
        resolve_scope(demo, "ei-olemassa")
    assert resolve_scope(demo, "network").kind == resolve_scope(demo, None).kind == "network"


def test_a_report_of_odd_synced_values_counts_what_it_can(demo: Repository, tmp_path: Path) -> None:
    story = demo.create("story", {"title": "Outo", "stage": "idea", "publication_consent": True})
    odd: dict[str, Any] = {
        "story": story,
        "level": "nonsense",
        "category": "savings_eur",
        "name": "Outo mittari",
        "direction": "increase",
        "measurements": [
            {"value": "x", "date": "2017-13-45"},
            {"value": "5", "date": "2017-01-01"},
        ],
        "baseline": "nine",
    }
    demo.replica.put("indicator", "odd-indicator-1", odd)  # as a sync could bring it
    demo.refresh()
    report = make_report(demo)
    assert report.impact.total_savings_eur == demo.impact().total_savings_eur
    assert report.unreadable == 1
    html = report_html(report, lang="fi")
    assert "Outo mittari" in html and format_money(report.impact.total_savings_eur, "fi") in html
