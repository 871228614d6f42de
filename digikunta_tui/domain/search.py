"""Search text in, and what a user types turned into a safe FTS5 ``MATCH`` expression.

Every word typed is folded (case and diacritics, :func:`finnish.fold`), reduced to letters and
digits, quoted, and given a prefix star, so that typing ``"hämeenk"`` matches "Hämeenkyrö" and no
input can reach FTS5's own syntax (``AND``, ``NEAR``, column filters, quotes, parentheses …). All
words must match (FTS5 joins quoted terms with an implicit AND).

The index's tokenizer (``unicode61 remove_diacritics 2``) folds case and most diacritics in C,
exactly as :func:`finnish.fold` does for the characters in :data:`FOLDED_ALIKE`; text made only
of those goes into the index as it is, anything else is folded here first (``ø``, ``æ``, ``ß``,
ligatures …), so a folded query finds it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from digikunta_tui.domain.finnish import fold
from digikunta_tui.domain.listing import TOKEN_START, render_all

_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 12
"""More words than this are ignored: a longer query would only slow typing down."""

TOKENIZER = "unicode61 remove_diacritics 2"
"""The FTS5 tokenizer of the search index."""

FOLDED_ALIKE = "".join(
    ch
    for ch in map(chr, [*range(0xA0, 0x180), *range(0x2000, 0x2070), 0x20AC])
    if ch not in "ª²³¹º¼½¾ÆÐØÞßæðøþĐđĦħıĲĳĿŀŁłŉŊŋŒœŦŧ"
)
"""Non-ASCII characters that :data:`TOKENIZER` folds to the same words as :func:`fold` does
(Latin-1 and Latin Extended-A letters but those with a stroke or ligatures, punctuation, €);
a test checks every one of them against SQLite."""

_ALIKE = re.compile(f"[\\x00-\\x7f{re.escape(FOLDED_ALIKE)}]*")


def index_text(text: str) -> str:
    """One text as the full-text index takes it: tokens in every language, folded if needed."""
    if TOKEN_START in text:
        return _tokens_text(text)
    if text.isascii() or _ALIKE.fullmatch(text):
        return text
    return fold(text)


@lru_cache(maxsize=1024)
def _tokens_text(text: str) -> str:
    # Texts with tokens repeat (a consent's "purpose: action", a story's stage): cached.
    text = render_all(text)
    return text if text.isascii() or _ALIKE.fullmatch(text) else fold(text)


def search_text(*parts: str) -> str:
    """Return the text stored in the full-text index for some display texts."""
    return index_text(" ".join(part for part in parts if part))


def query_terms(query: str) -> list[str]:
    """Return the folded words of a query (letters and digits only), at most ``MAX_TERMS``."""
    return _WORD.findall(fold(query))[:MAX_TERMS]


def match_expression(query: str) -> str | None:
    """Return an FTS5 MATCH expression for what the user typed, or None if it has no words.

    ``"Kuo vir"`` → ``'"kuo"* "vir"*'``. Words are made of letters and digits only and each is
    quoted, so the result never contains FTS5 operators from the input.
    """
    terms = query_terms(query)
    if not terms:
        return None
    return " ".join(f'"{term}"*' for term in terms)
