"""Resolve command-line arguments: a record kind (with aliases) and a record (id, prefix, name)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import CommandError

if TYPE_CHECKING:
    from ..domain.repository import Repository

MIN_PREFIX = 6
"""An id prefix must have at least this many characters."""

PLURALS: dict[str, str] = {
    # Every record kind (docs/records.md), in the order of ``KIND_FIELDS``.
    "organization": "organizations",
    "person": "people",
    "consent": "consents",
    "webinar": "webinars",
    "registration": "registrations",
    "newsletter": "newsletters",
    "story": "stories",
    "indicator": "indicators",
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "organization": (
        "organisation",
        "organisations",
        "org",
        "orgs",
        "organisaatio",
        "organisaatiot",
        "järjestö",
        "järjestöt",
        "jäsen",
        "jäsenet",
    ),
    "person": ("persons", "henkilö", "henkilöt", "ihminen", "ihmiset"),
    "consent": ("suostumus", "suostumukset"),
    "webinar": ("webinaari", "webinaarit"),
    "registration": ("ilmoittautuminen", "ilmoittautumiset"),
    "newsletter": ("uutiskirje", "uutiskirjeet"),
    "story": ("kokeilu", "kokeilut", "tarina", "tarinat", "kokeilutarina", "kokeilutarinat"),
    "indicator": ("mittari", "mittarit", "indikaattori", "indikaattorit"),
}


def fold(text: str) -> str:
    """:func:`digikunta_tui.domain.finnish.fold`, imported when first needed (the CLI loads
    this module for its help, ``digikunta sync`` included)."""
    from ..domain.finnish import fold as _fold

    return _fold(text)


@cache
def kind_names() -> dict[str, str]:
    """Folded name or alias → record kind (``people``, ``henkilöt``, ``henkilot`` → ``person``)."""
    return {fold(name): kind for kind in PLURALS for name in (kind, PLURALS[kind], *_ALIASES[kind])}


def resolve_kind(text: str) -> str:
    """The record kind a user named.

    Raises:
        CommandError: an unknown kind (the message lists the known ones).
    """
    kind = kind_names().get(fold(text.strip()))
    if kind is None:
        from ..i18n import t

        known = ", ".join(f"{k} ({t(f'cli.kinds.{k}')})" for k in PLURALS)
        raise CommandError(t("cli.msg.unknown_kind", text=repr(text), known=known))
    return kind


def resolve_record(repo: Repository, kind: str, text: str) -> tuple[str, dict[str, Any]]:
    """Find the one live record of ``kind`` that ``text`` names.

    ``text`` is an id, an id prefix of at least six characters, or a name (title): an exact
    name wins (case and diacritics ignored), then the one name that contains ``text``, else
    the search must find exactly one record.

    Raises:
        CommandError: nothing matches, or several records do (they are listed).
    """
    from ..i18n import counted, t

    kinds = t(f"cli.kinds.{kind}")
    text = text.strip()
    if not text:
        raise CommandError(t("cli.msg.name_a_record", kinds=kinds))
    fields = repo.get(kind, text)
    if fields is not None:
        return text, fields
    if len(text) >= MIN_PREFIX:
        ids = repo.ids_starting(kind, text.lower())
        if len(ids) == 1:
            return ids[0], repo.require(kind, ids[0])
        if len(ids) > 1:
            raise CommandError(
                t(
                    "cli.msg.prefix_matches",
                    text=repr(text),
                    what=counted(kind, len(ids)),
                    ids=", ".join(i[:12] for i in ids[:10]),
                )
            )
    hits = repo.search(text, kinds=[kind], limit=20)
    wanted = fold(text)
    exact = [h for h in hits if fold(h.title) == wanted]
    within = [h for h in hits if wanted in fold(h.title)]
    chosen = exact or (within if len(within) == 1 else hits)
    if len(chosen) == 1:
        return chosen[0].id, repo.require(kind, chosen[0].id)
    if not chosen:
        raise CommandError(t("cli.msg.no_match", kinds=kinds, text=repr(text)))
    shown = "; ".join(f"{h.title} ({h.id[:8]})" for h in chosen[:10])
    more = t("cli.and_more", count=len(chosen) - 10) if len(chosen) > 10 else ""
    raise CommandError(
        t(
            "cli.msg.many_match",
            text=repr(text),
            what=counted(kind, len(chosen)),
            shown=shown,
            more=more,
        )
    )
