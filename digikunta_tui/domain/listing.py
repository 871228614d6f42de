"""How a record is listed, in no language in particular: what the search index stores.

A list shows a title and a subtitle per record. Some parts of them depend on the UI language:
the label of a choice value ("Kunta" / "Municipality"), a date ("7.11.2017 klo 12.00" /
"2017-11-07 12:00"), the degraded form of a value that cannot be read ("virheellinen
päivämäärä: …" / "invalid date: …"). The index stores such parts as *tokens* inside the text,

- ``\\x0ec<group>\\x10<value>\\x0f`` — a choice value (catalogue key ``choice.<group>.<value>``),
- ``\\x0em<instant>\\x0f`` — an instant as stored (``2017-11-07T10:00:00Z``),
- ``\\x0ei<what>\\x10<raw text>\\x0f`` — a value the domain cannot read (``what``: ``date``,
  ``number`` or ``value``),

and :func:`render` turns such a text into one language when a list reads it: changing the UI
language rebuilds nothing. Stored values never hold these control characters (the replica
removes C0 controls from every value it stores), and :func:`_plain` drops them from raw text put
into a token, so data cannot forge one.

Pure functions: ``name_of(record_id)`` gives the (language-neutral) title of a record this one
points to (a person's organisation, a registration's person …). Fast paths for values of the
expected type keep a build of the index over 177 000 records short; anything else goes through
the lenient readers of :mod:`stored`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from digikunta_tui.domain.finnish import format_datetime, sort_key
from digikunta_tui.domain.stored import (
    ID_PATTERN,
    Invalid,
    raw_text,
    read_id,
    read_int,
    read_moment,
    read_text,
    searchable,
    shorten,
)
from digikunta_tui.i18n import SUPPORTED_LANGUAGES, t_in

NameLookup = Callable[[str], str | None]
"""Returns the title of a record id, or None when there is no such live record."""

SORT_SEPARATOR = "\x01"
"""Between the parts of a composite sort key (family name, given name): sorts before any text."""

# Control characters that are no white space (str.strip would eat \x1c-\x1f from a title).
TOKEN_START, TOKEN_SEPARATOR, TOKEN_END = "\x0e", "\x10", "\x0f"

TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "organization": ("municipality_code", "business_id"),
    "person": ("job_title", "email", "phone", "notes"),
    "consent": ("purpose", "action", "wording"),
    "webinar": ("theme", "platform", "instructions", "presenters"),
    "registration": (),
    "newsletter": ("body",),
    "story": (
        "unit",
        "profession",
        "problem",
        "goal",
        "what_was_done",
        "digital_tools",
        "themes",
        "lessons",
        "next_steps",
    ),
    "indicator": ("unit", "calculation"),
}
"""Per kind, the fields whose text is searchable besides the title and subtitle."""

_TOKEN = re.compile("\x0e([cmi])([^\x0e\x0f]*)\x0f")
_NO_TOKENS = str.maketrans("", "", TOKEN_START + TOKEN_SEPARATOR + TOKEN_END)


class Listing(NamedTuple):
    """What a list shows and sorts by for one record, language-neutral (see the module)."""

    title: str
    subtitle: str
    sort_key: str
    text: str
    """Searchable text besides title and subtitle (notes, descriptions …), as stored."""


# --- tokens -----------------------------------------------------------------------------------


def _plain(text: str) -> str:
    return text.translate(_NO_TOKENS) if TOKEN_START in text or TOKEN_END in text else text


def invalid_token(value: Invalid) -> str:
    """A value the domain cannot read, as a token (shown "invalid date: …" in each language)."""
    shown = _plain(shorten(value.text)).replace(TOKEN_SEPARATOR, "")
    return f"{TOKEN_START}i{value.what}{TOKEN_SEPARATOR}{shown}{TOKEN_END}"


def choice_token(group: str, value: Any) -> str:
    """A choice value as a token ("" when unset; a value that is no word degraded)."""
    if value is None or value == "":
        return ""
    if type(value) is not str:
        return invalid_token(Invalid(value))
    return f"{TOKEN_START}c{group}{TOKEN_SEPARATOR}{_plain(value)}{TOKEN_END}"


def moment_token(value: Any) -> str:
    """A stored instant as a token ("" when unset, degraded when unreadable)."""
    moment = read_moment(value)
    if moment is None:
        return ""
    if isinstance(moment, Invalid):
        return invalid_token(moment)
    return f"{TOKEN_START}m{moment.strftime('%Y-%m-%dT%H:%M:%SZ')}{TOKEN_END}"


@lru_cache(maxsize=4096)
def _shown(tag: str, payload: str, lang: str) -> str:
    if tag == "c":
        group, _, value = payload.partition(TOKEN_SEPARATOR)
        key = f"choice.{group}.{value}"
        label = t_in(lang, key)
        return value if label == key else label
    if tag == "m":
        moment = read_moment(payload)
        if isinstance(moment, Invalid) or moment is None:
            return t_in(lang, "stored.invalid_date", value=payload)
        return format_datetime(moment, lang)
    what, _, text = payload.partition(TOKEN_SEPARATOR)
    return t_in(lang, f"stored.invalid_{what}", value=text)


def render(text: str, lang: str) -> str:
    """A stored (language-neutral) text as shown in ``lang``: every token replaced."""
    if TOKEN_START not in text:
        return text
    return _TOKEN.sub(lambda m: _shown(m.group(1), m.group(2), lang), text)


def render_all(text: str) -> str:
    """A stored text in every language at once (for the search index), each rendering once."""
    if TOKEN_START not in text:
        return text
    return " ".join(dict.fromkeys(render(text, lang) for lang in SUPPORTED_LANGUAGES))


# --- lenient readers that give neutral text ---------------------------------------------------


def text(value: Any) -> str:
    """A stored text field: the text, "" when blank, a token when it is no text."""
    if type(value) is str:
        return value if value and not value.isspace() else ""
    found = read_text(value)
    if found is None:
        return ""
    return invalid_token(found) if isinstance(found, Invalid) else found


def _ref(value: Any, name_of: NameLookup) -> str:
    """The title of the record ``value`` points to ("" if none, a token when unreadable)."""
    if type(value) is str and ID_PATTERN.fullmatch(value):
        return name_of(value) or ""
    target = read_id(value)
    if target is None:
        return ""
    if isinstance(target, Invalid):
        return invalid_token(target)
    return name_of(target) or ""


def _number(value: Any) -> str:
    number = read_int(value)
    if number is None:
        return ""
    return invalid_token(number) if isinstance(number, Invalid) else f"#{number}"


def _extra(fields: Mapping[str, Any], names: tuple[str, ...]) -> str:
    parts = []
    for name in names:
        value = fields.get(name)
        if value is None:
            continue
        part = value if type(value) is str else searchable(value)
        if part:
            parts.append(part)
    return " ".join(parts)


@lru_cache(maxsize=1 << 16)
def primary_key(part: str) -> str:
    """The Finnish sort key of one text (cached: names repeat, a person's name in each of
    their registrations)."""
    return sort_key(part)[0]


def composite_key(*parts: str) -> str:
    """A Finnish sort key of several parts compared in order (stored as TEXT, binary order).

    Records whose keys are equal (names differing only in case) are ordered by id.
    """
    if len(parts) == 1:
        return primary_key(parts[0])
    return SORT_SEPARATOR.join(map(primary_key, parts))


def person_title(fields: Mapping[str, Any]) -> str:
    """A person's name, "Given Family", language-neutral (a part that is no text a token)."""
    return f"{text(fields.get('given_name'))} {text(fields.get('family_name'))}".strip()


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


# --- per kind ---------------------------------------------------------------------------------


def _person(fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    given, family = text(fields.get("given_name")), text(fields.get("family_name"))
    return Listing(
        f"{given} {family}".strip(),
        _ref(fields.get("organization"), name_of),
        composite_key(family, given),
        _extra(fields, TEXT_FIELDS["person"]),
    )


def _organization(fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    title = text(fields.get("name"))
    subtitle = choice_token("organization_type", fields.get("type"))
    return Listing(
        title, subtitle, composite_key(title), _extra(fields, TEXT_FIELDS["organization"])
    )


def _webinar(fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    title = text(fields.get("title"))
    subtitle = moment_token(fields.get("starts_at"))
    return Listing(title, subtitle, composite_key(title), _extra(fields, TEXT_FIELDS["webinar"]))


def _story(fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    title = text(fields.get("title"))
    subtitle = _joined(
        _ref(fields.get("organization"), name_of),
        choice_token("story_stage", fields.get("stage")),
    )
    return Listing(title, subtitle, composite_key(title), _extra(fields, TEXT_FIELDS["story"]))


def _registration(fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    title = _ref(fields.get("person"), name_of)
    return Listing(title, _ref(fields.get("webinar"), name_of), composite_key(title), "")


def _consent(fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    title = _ref(fields.get("person"), name_of)
    purpose = choice_token("consent_purpose", fields.get("purpose"))
    action = choice_token("consent_action", fields.get("action"))
    at = fields.get("at") or ""
    at_key = sort_key(at if type(at) is str else raw_text(at))[0]  # unique: not cached
    return Listing(
        title, f"{purpose}: {action}", f"{primary_key(title)}{SORT_SEPARATOR}{at_key}", ""
    )


def _indicator(fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    title = text(fields.get("name"))
    return Listing(
        title,
        _ref(fields.get("story"), name_of),
        composite_key(title),
        _extra(fields, TEXT_FIELDS["indicator"]),
    )


def _newsletter(fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    title = text(fields.get("title"))
    subtitle = _joined(_number(fields.get("number")), _ref(fields.get("webinar"), name_of))
    return Listing(title, subtitle, composite_key(title), _extra(fields, TEXT_FIELDS["newsletter"]))


_BY_KIND: dict[str, Callable[[Mapping[str, Any], NameLookup], Listing]] = {
    "person": _person,
    "organization": _organization,
    "webinar": _webinar,
    "story": _story,
    "registration": _registration,
    "consent": _consent,
    "indicator": _indicator,
    "newsletter": _newsletter,
}


def listing(kind: str, fields: Mapping[str, Any], name_of: NameLookup) -> Listing:
    """The language-neutral title, subtitle, sort key and searchable text of one record.

    Args:
        kind: the record kind.
        fields: the record's stored fields (any JSON values: odd ones become tokens).
        name_of: title of a referenced record id (None if there is none).

    Returns:
        A ``Listing``; unknown kinds get their best effort (a ``name`` or ``title``).
    """
    describe_kind = _BY_KIND.get(kind)
    if describe_kind is not None:
        return describe_kind(fields, name_of)
    title = text(fields.get("name") or fields.get("title"))
    return Listing(title, "", composite_key(title), "")
