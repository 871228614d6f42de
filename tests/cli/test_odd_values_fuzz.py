"""Arbitrary JSON in any field of any kind, arriving by sync, breaks no command (hypothesis).

Another laptop writes the base records of :mod:`odd_records` with some fields replaced by
arbitrary JSON values and syncs them to a real shared file; the replica under test pulls them
with ``digikunta sync``. Then every command runs in-process and either works or fails with one
clean ``digikunta: error:`` line (never "unexpected", never a traceback), and the Repository's
lists, search, details and impact still answer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from odd_records import (
    INDICATOR,
    NEWSLETTER,
    ODD,
    ORG,
    PERSON,
    STORY,
    WEBINAR,
    everywhere,
    sync_from_another_laptop,
)

from digikunta_tui.cli import main
from digikunta_tui.domain.index_rows import TEXT_KINDS
from digikunta_tui.domain.kinds import KINDS
from digikunta_tui.domain.repository import Repository
from digikunta_tui.i18n import set_language


def _run(capsys: pytest.CaptureFixture[str], args: list[str], *, must_work: bool) -> int:
    """Run one command; it works, or fails with one clean line (never "unexpected").

    Only ``import`` lists its rows' problems first, one line each, naming the file.
    """
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "unexpected" not in captured.err, (args, captured)
    if code == 0:
        return code
    assert not must_work, (args, captured.err)
    *problems, last = captured.err.strip().splitlines()
    assert last.startswith("digikunta: error: "), (args, captured.err)
    if "import" in args:
        assert all(line.startswith(args[-3]) for line in problems), captured.err
    else:
        assert problems == [], (args, captured.err)
    return code


def _repository_answers(data: Path) -> None:
    """Lists, search, details and impact of the Repository work on the odd records."""
    with Repository.open(data) as repo:
        for kind in KINDS:
            rows = repo.page(kind, limit=50)
            assert repo.count(kind) == len(rows)
            if kind in TEXT_KINDS:
                repo.page(kind, query="maija kuopio")
            for row in rows:
                assert repo.get(kind, row.id) is not None
        repo.page("webinar", filters={"upcoming": "1"})
        repo.page("webinar", filters={"upcoming": "0"})
        repo.search("Tekoäly")
        repo.search("9999")
        repo.registrations_of(WEBINAR)
        repo.registrations_of_person(PERSON)
        repo.indicators_of(STORY)
        repo.people_of(ORG)
        repo.stories_of(ORG)
        repo.newsletter_of(WEBINAR)
        repo.next_webinar()
        repo.recent_changes()
        repo.counts()
        impact = repo.impact()
        assert impact.total_savings_eur.is_finite()
        assert repo.get("indicator", INDICATOR) is not None or repo.count("indicator") == 0
        assert repo.get("newsletter", NEWSLETTER) is not None or repo.count("newsletter") == 0


def check_every_command(odd: list[tuple[tuple[str, str], Any]], capsys: Any) -> None:
    """The whole scenario for one set of odd values, in a fresh folder."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shared = folder / "shared" / "digikunta.json"
        shared.parent.mkdir()
        sync_from_another_laptop(folder / "other", shared, odd)
        data = folder / "data"
        config = folder / "empty-config.toml"  # no settings: the defaults (it must exist)
        config.write_text("", "utf-8")
        base = ["--data-dir", str(data), "--config", str(config)]
        out = folder / "out"
        out.mkdir()
        try:
            _run(capsys, [*base, "sync", "--remote", str(shared)], must_work=True)
            _repository_answers(data)
            for kind in KINDS:
                for fmt in ("csv", "json"):
                    target = out / f"{kind}.{fmt}"
                    args = [*base, "export", kind, "--format", fmt, "-o", str(target)]
                    _run(capsys, args, must_work=True)
                # The export read back: the odd values are refused cleanly (CSV for every
                # kind, whose cells are parsed; JSON for two).
                for fmt in ("csv", "json") if kind in ("webinar", "indicator") else ("csv",):
                    args = [*base, "import", str(out / f"{kind}.{fmt}"), "--kind", kind]
                    _run(capsys, args, must_work=False)
            _run(capsys, [*base, "ics", WEBINAR, "-o", str(out / "w.ics")], must_work=False)
            args = [*base, "newsletter", WEBINAR, "-o", str(out / "n.md")]
            _run(capsys, args, must_work=False)
            _run(capsys, [*base, "mailing-list", "-o", str(out / "m.csv")], must_work=False)
            args = [*base, "gdpr", "export", PERSON, "-o", str(out / "g.json")]
            _run(capsys, args, must_work=False)
            _run(capsys, [*base, "gdpr", "erase", PERSON, "--yes"], must_work=False)
            _run(capsys, [*base, "sync", "--remote", str(shared)], must_work=True)
            _repository_answers(data)
        finally:
            set_language("en")


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(odd=ODD)
@example(odd=everywhere("9999-12-31T23:59:59Z"))
@example(odd=everywhere({"value": "lots", "x": [1, "[/"]}))
@example(odd=everywhere(10**30))
@example(odd=everywhere(["[b]", 12345, None]))
def test_every_command_works_on_a_replica_holding_odd_values(
    odd: list[tuple[tuple[str, str], Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    check_every_command(odd, capsys)
