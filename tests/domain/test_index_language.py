"""The index holds no language: f2 rebuilds nothing, lists follow the language, both are found."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from digikunta_tui.domain import index as index_module
from digikunta_tui.domain.index_rows import TEXT_KINDS
from digikunta_tui.domain.repository import Repository
from digikunta_tui.i18n import set_language
from sync import FileRemote, sync


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every new index file built from here on (the real build, counted)."""
    made: list[Path] = []
    build_file = index_module.build_file

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(args[0])
        return build_file(*args, **kwargs)

    monkeypatch.setattr(index_module, "build_file", counted)
    return made


@pytest.fixture
def world(tmp_path: Path, builds: list[Path]) -> Iterator[dict[str, Any]]:
    set_language("en")
    repo = Repository.open(tmp_path / "data")
    org = repo.create("organization", {"name": "Kuopio", "type": "municipality"})
    story = repo.create(
        "story", {"title": "Etäkokous", "organization": org, "stage": "running", "themes": []}
    )
    webinar = repo.create(
        "webinar",
        {"title": "Webinaari", "starts_at": "2017-11-07T10:00:00Z", "status": "planned"},
    )
    person = repo.create("person", {"given_name": "Ville", "family_name": "Virtanen"})
    repo.add_consent(person, "newsletter", "granted")
    yield {"repo": repo, "org": org, "story": story, "webinar": webinar, "person": person}
    repo.close()


def _subtitles(repo: Repository) -> dict[str, str]:
    found = {kind: repo.page(kind)[0].subtitle for kind in ("organization", "story", "webinar")}
    found["consent"] = repo.page("consent")[0].subtitle
    return found


def test_switching_the_language_rebuilds_nothing_and_subtitles_follow(
    world: dict[str, Any], builds: list[Path]
) -> None:
    repo: Repository = world["repo"]
    built = len(builds)
    assert _subtitles(repo) == {
        "organization": "Municipality",
        "story": "Kuopio · Running",
        "webinar": "2017-11-07 12:00",
        "consent": "Newsletter: Granted",
    }

    set_language("fi")

    assert repo.refresh() == 0 and not repo.index_needs_work
    assert _subtitles(repo) == {
        "organization": "Kunta",
        "story": "Kuopio · Käynnissä",
        "webinar": "7.11.2017 klo 12.00",
        "consent": "Uutiskirje: Annettu",
    }
    assert repo.search("kuopio")[0].subtitle == "Kunta"
    set_language("en")
    assert repo.refresh() == 0 and repo.search("kuopio")[0].subtitle == "Municipality"
    assert len(builds) == built


@pytest.mark.parametrize("language", ["fi", "en"])
def test_choice_values_are_found_by_either_languages_word(
    world: dict[str, Any], language: str
) -> None:
    repo: Repository = world["repo"]
    set_language(language)
    for word in ("kunta", "municipality", "Kunta"):
        assert [row.id for row in repo.page("organization", query=word)] == [world["org"]]
    for word in ("käynnissä", "kaynnissa", "running"):
        assert [hit.id for hit in repo.search(word, kinds=["story"])] == [world["story"]]
    assert repo.count("organization", query="funder") == 0


def test_registrations_and_consents_have_no_text_rows(world: dict[str, Any]) -> None:
    # Their title is their person's name; they are listed through the person, never typed for.
    repo: Repository = world["repo"]
    set_language("fi")
    conn = sqlite3.connect(repo.index_path)
    try:
        texts = dict(conn.execute("SELECT kind, COUNT(*) FROM fts GROUP BY kind").fetchall())
        items = dict(conn.execute("SELECT kind, COUNT(*) FROM items GROUP BY kind").fetchall())
    finally:
        conn.close()
    assert items["consent"] == 1 and "consent" not in texts
    assert texts == {kind: n for kind, n in items.items() if kind in TEXT_KINDS}
    assert [row.subtitle for row in repo.page("consent")] == ["Uutiskirje: Annettu"]
    for kind in ("consent", "registration"):
        with pytest.raises(ValueError, match="no text to match"):
            repo.page(kind, query="uutiskirje")
        with pytest.raises(ValueError, match="no text to match"):
            repo.count(kind, query="annettu")
        assert repo.count(kind, query="  ") == repo.count(kind)  # no words: no text filter
    assert repo.search("uutiskirje", kinds=["consent"]) == []


def test_a_sync_after_switching_the_language_rebuilds_nothing(
    world: dict[str, Any], builds: list[Path], tmp_path: Path
) -> None:
    repo: Repository = world["repo"]
    remote = FileRemote(tmp_path / "shared.json")
    sync(repo.replica, remote)
    with Repository.open(tmp_path / "other") as other:
        sync(other.replica, remote)
        other.refresh()
        other.update("organization", world["org"], {"name": "Kuopion kaupunki"})
        sync(other.replica, remote)
    built = len(builds)
    set_language("fi")

    sync(repo.replica, remote)
    assert repo.refresh() == 1

    assert len(builds) == built
    assert repo.page("story")[0].subtitle == "Kuopion kaupunki · Käynnissä"


def test_an_index_made_in_one_language_opens_in_the_other_as_it_is(
    world: dict[str, Any], builds: list[Path], tmp_path: Path
) -> None:
    world["repo"].close()
    built = len(builds)
    set_language("fi")
    with Repository.open(tmp_path / "data") as again:
        assert not again.index_needs_work
        assert again.page("organization")[0].subtitle == "Kunta"
    assert len(builds) == built


def test_odd_values_are_shown_degraded_in_the_language_of_the_read(repo: Repository) -> None:
    repo.replica.put("webinar", "w1", {"title": "W", "starts_at": "9999-12-31T23:59:59Z"})
    repo.replica.put("person", "p1", {"given_name": {"x": 1}, "family_name": "Smith"})
    repo.refresh()
    set_language("en")
    assert repo.page("webinar")[0].subtitle == "invalid date: 9999-12-31T23:59:59Z"
    assert repo.page("person")[0].title == 'invalid value: {"x": 1} Smith'
    set_language("fi")
    assert repo.page("webinar")[0].subtitle == "virheellinen päivämäärä: 9999-12-31T23:59:59Z"
    assert repo.page("person")[0].title == 'virheellinen arvo: {"x": 1} Smith'
    assert repo.index.title_of("p1") == 'virheellinen arvo: {"x": 1} Smith'
    assert [row.id for row in repo.page("person", query="smith")] == ["p1"]
