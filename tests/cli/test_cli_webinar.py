"""``digikunta ics``, ``digikunta newsletter`` and record lookup, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import Cli, one_line_error, records_of

WEBINAR_1 = "Digikokeileva kunta -webinaari 1"


def webinar_id(cli: Cli, title: str) -> str:
    result = cli("export", "webinars", "--format", "json")
    assert result.code == 0, result.err
    return next(w["id"] for w in json.loads(result.out) if w["title"] == title)


def event_lines(ics: str) -> dict[str, str]:
    lines = ics.replace("\r\n ", "").split("\r\n")
    return {line.split(":", 1)[0]: line.split(":", 1)[1] for line in lines if ":" in line}


def test_ics_by_title_prefix_and_id_is_the_same_event(cli: Cli, tmp_path: Path) -> None:
    wid = webinar_id(cli, WEBINAR_1)
    target = tmp_path / "w.ics"
    by_title = cli("ics", WEBINAR_1.lower(), "-o", target)
    assert by_title.code == 0, by_title.err
    ics = target.read_bytes().decode("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    fields = event_lines(ics)
    assert fields["UID"] == f"{wid}@digikunta"
    assert fields["SUMMARY"] == WEBINAR_1
    assert fields["DTSTART;TZID=Europe/Helsinki"] == "20171107T120000"
    for name in (wid, wid[:6]):
        again = cli("ics", name)
        assert again.code == 0, again.err
        assert event_lines(again.text)["UID"] == fields["UID"]
        assert event_lines(again.text)["SEQUENCE"] == "0"


def test_ics_sequence_grows_only_when_the_event_changed(cli: Cli) -> None:
    from digikunta_tui.domain.repository import Repository

    wid = webinar_id(cli, WEBINAR_1)
    assert event_lines(cli("ics", wid).text)["SEQUENCE"] == "0"
    assert event_lines(cli("ics", wid).text)["SEQUENCE"] == "0"
    repo = Repository.open(cli.data_dir)
    try:
        repo.update("webinar", wid, {"starts_at": "2017-11-07T11:00:00Z"})
    finally:
        repo.close()
    moved = cli("ics", wid)
    assert moved.code == 0, moved.err
    assert event_lines(moved.text)["SEQUENCE"] == "1"
    assert event_lines(moved.text)["DTSTART;TZID=Europe/Helsinki"] == "20171107T130000"
    assert event_lines(cli("ics", wid).text)["SEQUENCE"] == "1"
    stored = json.loads(cli("export", "webinars", "--format", "json").out)
    assert next(w for w in stored if w["id"] == wid)["ical_sequence"] == 1


def test_newsletter_has_the_webinar_and_its_stories(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "uutiskirje.md"
    result = cli("newsletter", WEBINAR_1, "-o", target, "--lang", "fi")
    assert result.code == 0, result.err
    text = target.read_text("utf-8")
    assert text.startswith("# Uutiskirje ")
    assert f"- Webinaari: {WEBINAR_1}" in text
    assert "7.11.2017" in text
    assert "## Kokeilut" in text
    stories = json.loads(cli("export", "stories", "--format", "json").out)
    newsletters = json.loads(cli("export", "newsletters", "--format", "json").out)
    featured = {s["id"]: s["title"] for s in stories if s["id"] in newsletters[0]["stories"]}
    assert featured
    assert all(f"### {title}" in text or title in text for title in featured.values())
    assert cli("newsletter", WEBINAR_1, "--lang", "fi").out == target.read_bytes()


def test_unknown_and_ambiguous_webinars_fail_in_one_line(cli: Cli) -> None:
    before = records_of(cli.data_dir)
    line = one_line_error(cli("ics", "Ei tällaista webinaaria"))
    assert "'Ei tällaista webinaaria' matches none of the webinars" in line
    line = one_line_error(cli("newsletter", "Digikokeileva kunta"))
    assert "matches 2 webinars" in line
    assert "Digikokeileva kunta -webinaari 1 (" in line and "-webinaari 2 (" in line
    assert records_of(cli.data_dir) == before
