"""The report's story pages, written by string joins (``story_pages``): record text escaped.

Every text a story or an indicator holds reaches the page escaped exactly as jinja2's
autoescape writes it, and a choice that arrived odd by sync shows as written instead of
stopping the report.
"""

from __future__ import annotations

from datetime import date

import markupsafe
import pytest

from digikunta_tui.domain.report.data import build_report, sources_of
from digikunta_tui.domain.report.formats import escaped
from digikunta_tui.domain.report.html import render_report

EVIL = "<script>alert('x') & \"y\"</script>"


@pytest.mark.parametrize("text", ["", "plain", EVIL, "a&b", "<", "'", '"', "&amp;", "ä € –"])
def test_escaped_writes_what_autoescape_writes(text: str) -> None:
    assert escaped(text) == str(markupsafe.escape(text))


def test_every_text_of_a_story_page_is_escaped() -> None:
    story = {
        key: f"{key} {EVIL}"
        for key in ("title", "unit", "problem", "goal", "what_was_done", "lessons", "stage")
    }
    story |= {"themes": [EVIL], "publication_consent": True, "organization": "o1"}
    indicator = {
        "story": "s1",
        "name": EVIL,
        "unit": EVIL,
        "calculation": EVIL,
        "category": "savings_eur",
        "direction": "increase",
        "level": "outcome",
        "baseline": {"value": "1", "date": "2020-01-01"},
        "target": {"value": "3", "date": "2020-06-01"},
        "measurements": [{"date": "2020-03-01", "value": "2", "method": "measured"}],
    }
    sources = sources_of(
        [
            ("organization", "o1", {"name": EVIL}),
            ("story", "s1", story),
            ("indicator", "i1", indicator),
        ]
    )
    html = render_report(build_report(sources, made_on=date(2020, 7, 1)), lang="fi")
    assert "<script>" not in html
    assert html.count(escaped(EVIL)) >= 10
    assert "stage &lt;script&gt;" in html  # an odd stage shows as written, escaped
