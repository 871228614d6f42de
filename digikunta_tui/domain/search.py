"""Turning what a user types into a safe FTS5 ``MATCH`` expression.

Every word is folded (case and diacritics, :func:`finnish.fold`), reduced to letters and digits,
quoted, and given a prefix star, so that typing ``"hämeenk"`` matches "Hämeenkyrö" and no input
can reach FTS5's own syntax (``AND``, ``NEAR``, column filters, quotes, parentheses …). All words
must match (FTS5 joins quoted terms with an implicit AND).
"""

from __future__ import annotations

import re

from digikunta_tui.domain.finnish import fold

_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 12
"""More words than this are ignored: a longer query would only slow typing down."""


def search_text(*parts: str) -> str:
    """Return the text stored in the full-text index for some display texts (folded)."""
    return fold(" ".join(part for part in parts if part))


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
