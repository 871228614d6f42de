"""Deterministic synthetic data of any size, for tests and benchmarks (e.g. 50 000 people).

Records are streamed: ids are derived from (seed, kind, index), so nothing but a few small
lists is kept in memory however many people are generated. All addresses are under
``example.fi`` and all phone numbers are random; the municipality names and Statistics Finland
codes are real, everything else is made up.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain.finnish import fold

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Progress, Repository

__all__ = ["MUNICIPALITIES", "add_synthetic", "organizations_by_name", "synthetic_records"]

Record = tuple[str, str, dict[str, Any]]

_NAMESPACE = uuid.UUID("0b8f3a64-2f0e-4f55-8f7e-1d9e5c7a4b21")

#: (name, Statistics Finland municipality code, region code)
MUNICIPALITIES: tuple[tuple[str, str, str], ...] = (
    ("Kuopio", "297", "11"),
    ("Varkaus", "915", "11"),
    ("Iisalmi", "140", "11"),
    ("Sonkajärvi", "762", "11"),
    ("Tervo", "844", "11"),
    ("Siilinjärvi", "749", "11"),
    ("Leppävirta", "420", "11"),
    ("Hämeenkyrö", "108", "06"),
    ("Ikaalinen", "143", "06"),
    ("Ylöjärvi", "980", "06"),
    ("Pälkäne", "635", "06"),
    ("Mänttä-Vilppula", "508", "06"),
    ("Tampere", "837", "06"),
    ("Jyväskylä", "179", "13"),
    ("Äänekoski", "992", "13"),
    ("Jämsä", "182", "13"),
    ("Petäjävesi", "592", "13"),
    ("Kärsämäki", "317", "17"),
    ("Pyhäjärvi", "626", "17"),
    ("Oulu", "564", "17"),
    ("Ähtäri", "989", "14"),
    ("Seinäjoki", "743", "14"),
    ("Vöyri", "946", "15"),
    ("Närpiö", "545", "15"),
    ("Föglö", "062", "21"),
    ("Jomala", "170", "21"),
    ("Vårdö", "941", "21"),
    ("Säkylä", "783", "04"),
    ("Pöytyä", "636", "02"),
    ("Sysmä", "781", "07"),
    ("Enontekiö", "047", "19"),
    ("Rääkkylä", "707", "12"),
    ("Mäntyharju", "507", "10"),
    ("Helsinki", "091", "01"),
    ("Järvenpää", "186", "01"),
)

_GIVEN = (
    "Aino",
    "Eero",
    "Elina",
    "Väinö",
    "Jyrki",
    "Sanna",
    "Mikko",
    "Päivi",
    "Säde",
    "Tuula",
    "Åsa",
    "Åke",
    "Göran",
    "Björn",
    "Sölvi",
    "Jürgen",
    "Günther",
    "Anneli",
    "Ville",
    "Wilhelm",
    "Helmi",
    "Ilkka",
    "Kyösti",
    "Sinikka",
    "Tapani",
    "Ulla",
    "Yrjö",
    "Örjan",
    "Minna",
    "Lauri",
)
_FAMILY = (
    "Mäkelä",
    "Mäkinen",
    "Hämäläinen",
    "Väisänen",
    "Räsänen",
    "Jääskeläinen",
    "Pöllänen",
    "Höglund",
    "Åberg",
    "Öhman",
    "Östman",
    "Sjöberg",
    "Möttönen",
    "Kärkkäinen",
    "Pääkkönen",
    "Lönnqvist",
    "Müller",
    "Korhonen",
    "Virtanen",
    "Nieminen",
    "Heikkinen",
    "Koskinen",
    "Laine",
    "Wikström",
    "Westerlund",
    "Vainio",
    "Wallin",
    "Auvinen",
    "Utti",
    "Zitting",
)
_OTHER_ORG_PARTS = (
    ("Järvi", "Metsä", "Selkä", "Kivi", "Lähde", "Vaara", "Ylä", "Salo", "Ranta", "Mäki"),
    ("suon", "mäen", "rannan", "kylän", "lahden", "harjun", "joen", "niemen"),
    (" Palvelut Oy", " Hyvinvointi ry", " Tietotekniikka Oy", " kehittämisyhdistys ry"),
)
_OTHER_TYPES = {" Palvelut Oy": "company", " Tietotekniikka Oy": "company"}
_TITLES = (
    "kouluterveydenhoitaja",
    "ruokapalvelutyöntekijä",
    "luokanopettaja",
    "kaavoittaja",
    "kiinteistöhuoltaja",
    "varhaiskasvatuksen opettaja",
    "sosiaaliohjaaja",
    "lähihoitaja",
    "kirjastovirkailija",
    "palvelusihteeri",
)
_ROLE_SETS = (
    ["staff"],
    ["staff"],
    ["staff"],
    ["staff"],
    ["staff", "working_committee"],
    ["management"],
    ["management", "working_committee"],
    ["staff_representative"],
)
_MOBILE = ("40", "41", "44", "45", "46", "50")
_EPOCH = datetime(2017, 8, 1, 6, 0, tzinfo=UTC)
_CATEGORIES = (
    ("savings_eur", "Säästö", "€"),
    ("time_saved_h", "Säästetty työaika", "h"),
    ("customer_benefit", "Asiakastyytyväisyys", "pistettä"),
    ("joy_of_work", "Työnilo", "pistettä"),
)


def _id(seed: int, kind: str, index: int) -> str:
    return uuid.uuid5(_NAMESPACE, f"{seed}/{kind}/{index}").hex


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in fold(text)).strip("-")


def _organization(index: int) -> tuple[dict[str, Any], str]:
    """Fields and e-mail domain of organisation ``index``: municipalities first, then others."""
    if index < len(MUNICIPALITIES):
        name, code, region = MUNICIPALITIES[index]
        fields: dict[str, Any] = {"name": name, "type": "municipality", "municipality_code": code}
        fields |= {"region_code": region, "active": True}
        return fields, f"{_slug(name)}.example.fi"
    rest = index - len(MUNICIPALITIES)
    first, second, suffix = _OTHER_ORG_PARTS
    combos = len(first) * len(second) * len(suffix)
    a = rest % len(first)
    b = (rest // len(first)) % len(second)
    c = (rest // (len(first) * len(second))) % len(suffix)
    name = f"{first[a]}{second[b]}{suffix[c]}"
    if rest >= combos:
        name += f" {rest // combos + 1}"
    other: dict[str, Any] = {"name": name, "type": _OTHER_TYPES.get(suffix[c], "association")}
    other["active"] = True
    return other, f"{_slug(name)}.example.fi"


def synthetic_records(
    n_people: int,
    *,
    seed: int = 0,
    existing: Mapping[str, str] | None = None,
    n_stories: int | None = None,
    measurements: int = 1,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield a deterministic synthetic data set as ``(kind, id, fields)``.

    Proportions: one organisation per 50 people, one webinar per 500 people, about one
    registration per person, newsletter and webinar-invitation consents for most people, one
    story per 100 people with two indicators each. Every reference points to a record that was
    yielded earlier (or to one of ``existing``). E-mails are unique; phones are E.164.

    Args:
        n_people: Number of people to generate (≥ 0).
        seed: Same seed, same records.
        existing: organisation name → id of an organisation already stored: an organisation
            of that name is not yielded, its people and stories point to that id instead (so
            synthetic people join the demo's Kuopio rather than a second Kuopio).
        n_stories: stories to make (default: one per 100 people), e.g. one per 10 people for
            the report's benchmark.
        measurements: measurements per indicator, a month apart (default 1).
    """
    if n_people < 0:
        raise ValueError(f"n_people must not be negative: {n_people}")
    rng = random.Random(seed)
    n_orgs = max(1, -(-n_people // 50))
    n_webinars = max(1, -(-n_people // 500))
    n_stories = n_people // 100 if n_stories is None else n_stories

    domains: list[str] = []
    org_ids: list[str] = []
    for i in range(n_orgs):
        org_fields, domain = _organization(i)
        domains.append(domain)
        known = (existing or {}).get(org_fields["name"])
        org_ids.append(known or _id(seed, "organization", i))
        if known is None:
            yield ("organization", org_ids[-1], org_fields)

    webinar_ids = [_id(seed, "webinar", i) for i in range(n_webinars)]
    webinar_starts: list[datetime] = []
    for i, webinar_id in enumerate(webinar_ids):
        start = _EPOCH + timedelta(days=14 * i + 7, hours=4)
        webinar_starts.append(start)
        yield (
            "webinar",
            webinar_id,
            {
                "title": f"Digikokeileva kunta -webinaari {i + 1}",
                "theme": rng.choice(("Johtaminen", "Työnilo", "Vaikuttavuus", "Välineet")),
                "starts_at": _iso(start),
                "duration_minutes": rng.choice((60, 90, 120)),
                "join_link": f"https://example.fi/webinaari/{i + 1}",
                "status": "held" if i < n_webinars - 1 else "planned",
                "ical_uid": f"{webinar_id}@digikunta",
                "ical_sequence": 0,
            },
        )

    for i in range(n_people):
        org = i * n_orgs // n_people
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        person_id = _id(seed, "person", i)
        local = _slug(f"{given}.{family}").replace("-", ".")
        fields: dict[str, Any] = {
            "given_name": given,
            "family_name": family,
            "organization": org_ids[org],
            "roles": list(rng.choice(_ROLE_SETS)),
            "job_title": rng.choice(_TITLES),
            "email": f"{local}.{i}@{domains[org]}",
            "phone": f"+358{rng.choice(_MOBILE)}{rng.randrange(10**7):07d}",
        }
        yield ("person", person_id, fields)
        joined = _EPOCH + timedelta(minutes=rng.randrange(60 * 24 * 60))
        if rng.random() < 0.8:
            for purpose in ("newsletter", "webinar_invitations"):
                yield (
                    "consent",
                    _id(seed, f"consent/{purpose}", i),
                    {
                        "person": person_id,
                        "purpose": purpose,
                        "action": "granted",
                        "at": _iso(joined),
                        "source": "web_form",
                    },
                )
        if rng.random() < 0.9:
            w = rng.randrange(n_webinars)
            registration: dict[str, Any] = {
                "webinar": webinar_ids[w],
                "person": person_id,
                "registered_at": _iso(webinar_starts[w] - timedelta(days=rng.randint(1, 20))),
            }
            if w < n_webinars - 1:
                registration["attended_minutes"] = rng.choice((0, 45, 60, 90))
            yield ("registration", _id(seed, "registration", i), registration)

    for s in range(n_stories):
        author = rng.randrange(n_people)
        org = author * n_orgs // n_people
        story_id = _id(seed, "story", s)
        start = _EPOCH + timedelta(days=rng.randrange(300))
        yield (
            "story",
            story_id,
            {
                "title": f"Kokeilu {s + 1}: {rng.choice(_TITLES)} ja digiloikka",
                "organization": org_ids[org],
                "authors": [_id(seed, "person", author)],
                "problem": "Työssä kului aikaa toistuviin tehtäviin.",
                "what_was_done": "Kokeiltiin digitaalista välinettä kolmen kuukauden ajan.",
                "stage": rng.choice(("idea", "running", "ended", "established")),
                "start": start.date().isoformat(),
                "end": (start + timedelta(days=90)).date().isoformat(),
                "themes": ["synteettinen"],
                "publication_consent": rng.random() < 0.7,
            },
        )
        for k, (category, name, unit) in enumerate(rng.sample(_CATEGORIES, 2)):
            baseline = rng.randint(1, 50)
            indicator: dict[str, Any] = {
                "story": story_id,
                "level": "outcome",
                "category": category,
                "name": name,
                "unit": unit,
                "direction": "increase",
                "baseline": {"value": str(baseline), "date": start.date().isoformat()},
                "target": {"value": str(baseline * 2)},
                "measurements": [
                    {
                        "value": f"{baseline * rng.uniform(1, 2.2):.2f}",
                        "date": (start + timedelta(days=60 + 30 * m)).date().isoformat(),
                        "method": "measured" if m == 0 else rng.choice(_METHODS),
                    }
                    for m in range(measurements)
                ],
            }
            if category == "savings_eur":
                indicator["recurrence"] = "per_year"
                indicator["calculation"] = "Synteettinen arvio."
            yield ("indicator", _id(seed, f"indicator/{k}", s), indicator)


_METHODS = ("measured", "estimated", "survey", "self_reported")

CHUNK = 5000
"""Records per transaction when adding a synthetic data set."""


def organizations_by_name(repo: Repository) -> dict[str, str]:
    """The repository's organisations, name → id (for ``existing``: people join them)."""
    return {
        fields["name"]: rid
        for _, rid, fields in repo.replica.records("organization")
        if isinstance(fields.get("name"), str)
    }


def add_synthetic(
    repo: Repository,
    n_people: int,
    *,
    seed: int = 0,
    existing: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> int:
    """Validate and store :func:`synthetic_records` in the repository's replica.

    Streams ``CHUNK`` records per transaction, so memory stays small at any size; the search
    index is left for the caller to bring up to date. ``progress(people done, n_people)`` is
    told after each chunk. Returns the number of records stored.

    Raises:
        ValueError: a generated record does not validate (a bug in this module).
    """
    from digikunta_tui.domain.validation import validate_record

    records = synthetic_records(n_people, seed=seed, existing=existing)
    stored = people = 0
    if progress is not None:
        progress(0, n_people)
    while chunk := list(islice(records, CHUNK)):
        items = []
        for kind, rid, fields in chunk:
            result = validate_record(kind, fields)
            if not result.ok:
                raise ValueError(f"invalid synthetic {kind} {rid}: {result.errors}")
            items.append((kind, rid, result.fields))
            people += kind == "person"
        stored += repo.replica.put_many(items)
        if progress is not None:
            progress(people, n_people)
    return stored
