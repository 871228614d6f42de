"""Search: forgiving about case and diacritics, prefixes as you type, ranked, injection-proof."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from digikunta_tui.domain.finnish import fold
from digikunta_tui.domain.repository import Repository
from digikunta_tui.domain.search import (
    FOLDED_ALIKE,
    TOKENIZER,
    index_text,
    match_expression,
    query_terms,
)
from digikunta_tui.i18n import set_language


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    set_language("en")
    repository = Repository.open(tmp_path / "data")
    hameenkyro = repository.create("organization", {"name": "Hämeenkyrö", "type": "municipality"})
    saimaa = repository.create("organization", {"name": "Järvi-Saimaan palvelut", "type": "other"})
    kuopio = repository.create("organization", {"name": "Kuopio", "type": "municipality"})
    for given, family, org, notes in (
        ("Ville", "Virtanen", kuopio, None),
        ("Väinö", "Öhman", hameenkyro, None),
        ("Anna", "Ahonen", saimaa, "Palaveri: Virtanen, Kuopio"),
        ("Kuopion", "Kupari", None, None),
    ):
        fields = {"given_name": given, "family_name": family, "organization": org, "notes": notes}
        repository.create("person", {k: v for k, v in fields.items() if v})
    yield repository
    repository.close()


def _titles(repo: Repository, query: str, kind: str = "person") -> list[str]:
    return [row.title for row in repo.page(kind, query=query)]


def test_query_terms_are_folded_words() -> None:
    assert query_terms("Hämeen-KYRÖ  x_y") == ["hameen", "kyro", "x", "y"]
    assert match_expression("kuo vir") == '"kuo"* "vir"*'
    assert match_expression('") OR * NEAR(') == '"or"* "near"*'
    assert match_expression("!!! ??? ---") is None


def test_diacritics_and_case_are_forgiven(repo: Repository) -> None:
    assert _titles(repo, "hameenkyro", "organization") == ["Hämeenkyrö"]
    assert _titles(repo, "HÄMEENKYRÖ", "organization") == ["Hämeenkyrö"]
    assert _titles(repo, "jarvi", "organization") == ["Järvi-Saimaan palvelut"]
    assert _titles(repo, "saimaan", "organization") == ["Järvi-Saimaan palvelut"]
    assert _titles(repo, "vaino ohman") == ["Väinö Öhman"]


def test_prefixes_match_as_you_type(repo: Repository) -> None:
    assert _titles(repo, "kuo", "organization") == ["Kuopio"]
    # Anna Ahonen's notes mention Virtanen.
    assert _titles(repo, "v") == ["Anna Ahonen", "Ville Virtanen", "Väinö Öhman"]
    assert _titles(repo, "vil") == ["Ville Virtanen"]


def test_all_words_must_match(repo: Repository) -> None:
    assert _titles(repo, "ville virt") == ["Ville Virtanen"]
    assert _titles(repo, "ville ahonen") == []
    assert repo.count("person", query="ville ahonen") == 0


def test_subtitles_are_searchable(repo: Repository) -> None:
    # A person is found by the name of their organisation.
    assert _titles(repo, "hameenkyro") == ["Väinö Öhman"]


def test_title_match_ranks_above_a_mention_in_notes(repo: Repository) -> None:
    hits = repo.search("virtanen")
    assert [h.title for h in hits][:2] == ["Ville Virtanen", "Anna Ahonen"]
    assert hits[0].rank < hits[1].rank
    hits = repo.search("kuopio")
    assert hits[0].title == "Kuopio" and hits[0].kind == "organization"


def test_search_can_be_limited_to_kinds(repo: Repository) -> None:
    assert {h.kind for h in repo.search("kuopio", kinds=["person"])} == {"person"}
    assert repo.search("kuopio", kinds=["webinar"]) == []
    assert len(repo.search("k", limit=2)) == 2


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "*",
        "(",
        ")",
        "NEAR(",
        "AND",
        "OR NOT",
        "title:x",
        "^",
        "-",
        '"a" OR "b',
        "{a b}:c",
    ],
)
def test_fts_syntax_in_input_never_raises(repo: Repository, query: str) -> None:
    repo.page("person", query=query)
    repo.count("person", query=query)
    repo.search(query)


def test_punctuation_only_query_lists_everything_and_finds_nothing(repo: Repository) -> None:
    assert len(repo.page("person", query="?!... --")) == 4
    assert repo.count("person", query="*") == 4
    assert repo.search('"*()') == []


def test_operators_in_input_are_plain_words(repo: Repository) -> None:
    # "OR" would widen the query if it reached FTS5 as an operator.
    assert _titles(repo, "ville OR anna") == []


def _tokens(conn: sqlite3.Connection, text: str) -> list[str]:
    conn.execute("DELETE FROM f")
    conn.execute("INSERT INTO f (rowid, t) VALUES (1, ?)", (text,))
    return [term for (term,) in conn.execute("SELECT term FROM v ORDER BY offset")]


def test_characters_the_tokenizer_folds_like_fold_go_in_as_they_are() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE f USING fts5(t, tokenize = '{TOKENIZER}')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance')")
    assert len(FOLDED_ALIKE) > 300
    for ch in FOLDED_ALIKE:
        sample = f"q{ch}q X{ch} {ch}y"
        assert _tokens(conn, sample) == _tokens(conn, fold(sample)), repr(ch)
        assert index_text(sample) == sample
    for other in ("Søren", "Æbeltoft", "Straße", "Łódź", "ﬁnland", "½"):
        assert index_text(other) == fold(other)
        assert _tokens(conn, other) != _tokens(conn, fold(other)), other  # why it is folded


def test_letters_the_tokenizer_would_keep_are_folded_so_a_folded_query_finds_them(
    repo: Repository,
) -> None:
    pid = repo.create("person", {"given_name": "Søren", "family_name": "Łukasz-Ærø"})
    for query in ("soren", "Søren", "lukasz aero", "ÆRØ"):
        assert [row.id for row in repo.page("person", query=query)] == [pid], query
