"""Odd values through the real CLI: refused where they enter, degraded where they arrive."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cli_helpers import Cli, one_line_error, records_of

from sync import FileRemote, Replica, sync


def test_the_issue_repro_is_refused_in_one_line_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "w.csv"
    path.write_text("title,starts_at,status\nW,9999-12-31T23:00:00Z,planned\n", "utf-8")
    before = records_of(cli.data_dir)
    result = cli("import", path, "--kind", "webinar")
    assert result.code == 1
    line = one_line_error(result)
    assert "row 2: starts_at" in line and "1900" in line and "2200" in line
    assert "unexpected" not in line and "nothing imported" in line
    assert records_of(cli.data_dir) == before
    assert cli("export", "webinars").code == 0  # and everything still works


def _arrives_by_sync(cli: Cli, tmp_path: Path, records: list[tuple[str, str, dict]]) -> Path:
    """Another laptop syncs ``records`` to a shared file; the CLI's replica pulls them."""
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    other = Replica.open(tmp_path / "other" / "replica.sqlite", name="other")
    try:
        other.put_many(records)
        sync(other, FileRemote(shared))
    finally:
        other.close()
    result = cli("sync", "--remote", shared)
    assert result.code == 0, result.err
    return shared


def test_records_with_odd_values_from_a_sync_are_exported_and_refused_cleanly(
    cli: Cli, tmp_path: Path
) -> None:
    odd = [
        ("webinar", "a" * 32, {"title": "Outo aika", "starts_at": "9999-12-31T23:59:59Z",
                               "status": "planned", "duration_minutes": "lots"}),
        ("webinar", "b" * 32, {"title": "Numero aikana", "starts_at": 12345, "status": "held"}),
        ("newsletter", "c" * 32, {"title": "Kirje", "number": "one", "webinar": "b" * 32,
                                  "status": "draft", "stories": {}}),
        ("story", "d" * 32, {"title": "Tarina", "stage": "idea", "authors": {}}),
    ]  # fmt: skip
    shared = _arrives_by_sync(cli, tmp_path, odd)
    exported = cli("export", "webinars", "--format", "csv")
    assert exported.code == 0, exported.err
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(exported.text))}
    assert rows["a" * 32]["starts_at"] == "9999-12-31T23:59:59Z"  # kept as data
    assert rows["a" * 32]["duration_minutes"] == "lots"
    assert rows["b" * 32]["starts_at"] == "12345"
    stories = cli("export", "stories", "--format", "csv")
    story = next(r for r in csv.DictReader(io.StringIO(stories.text)) if r["id"] == "d" * 32)
    assert story["authors"] == "{}"  # the JSON text of a value that is no list
    as_json = json.loads(cli("export", "newsletters", "--format", "json").text)
    assert {"id": "c" * 32, "number": "one"}.items() <= next(
        item for item in as_json if item["id"] == "c" * 32
    ).items()
    line = one_line_error(cli("ics", "a" * 32))
    assert "start time is invalid" in line and "9999-12-31T23:59:59Z" in line
    assert "unexpected" not in one_line_error(cli("ics", "b" * 32))
    letter = cli("newsletter", "b" * 32)
    assert letter.code == 0, letter.err
    assert "invalid date: 12345" in letter.text and "invalid number: one" in letter.text
    for args in (("mailing-list",), ("export", "people"), ("sync", "--remote", shared)):
        assert cli(*args).code == 0
