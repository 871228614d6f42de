"""Demo data set for the Digikokeileva kunta network (texts in Finnish).

Facts come from the network's own page (``seed/digikokeileva-kunta.txt``): the network lead
Pohjois-Savon liitto and its digital director Toni Auvinen, Jaana Utti and Ville Mäkelä of
Tamora Oy, the funder Kunteko, the five founding municipalities, and the first webinar on
7.11.2017 klo 12–14. Everything else is illustrative and says so: fictional people carry a
note and ``@example.fi`` addresses, stories carry the theme ``esimerkki (kuvitteellinen)``, and
the second webinar's date and both webinars' themes and links are marked as examples. No
business ids are given (the page states none). Consents and registrations are recorded only
for fictional people.
"""

from __future__ import annotations

import uuid
from typing import Any

__all__ = ["ILLUSTRATIVE_NOTE", "ILLUSTRATIVE_THEME", "demo_id", "demo_records"]

Record = tuple[str, str, dict[str, Any]]

_NAMESPACE = uuid.UUID("6f1d0c2e-6c59-4b53-9b52-6a4c3f1e2d10")

ILLUSTRATIVE_NOTE = "Kuvitteellinen henkilö (esimerkkiaineisto)."
ILLUSTRATIVE_THEME = "esimerkki (kuvitteellinen)"


def demo_id(kind: str, key: str) -> str:
    """Return the stable id (uuid5 hex) of a demo record."""
    return uuid.uuid5(_NAMESPACE, f"digikunta-demo/{kind}/{key}").hex


def _org(key: str) -> str:
    return demo_id("organization", key)


def _person(key: str) -> str:
    return demo_id("person", key)


def _organizations() -> list[Record]:
    rows: list[tuple[str, str, str, str | None]] = [
        ("pohjois-savon-liitto", "Pohjois-Savon liitto", "regional_council", None),
        ("tamora", "Tamora Oy", "consultancy", None),
        ("kunteko", "Kunteko", "funder", None),
        ("kuopio", "Kuopio", "municipality", "297"),
        ("varkaus", "Varkaus", "municipality", "915"),
        ("iisalmi", "Iisalmi", "municipality", "140"),
        ("sonkajarvi", "Sonkajärvi", "municipality", "762"),
        ("tervo", "Tervo", "municipality", "844"),
    ]
    records: list[Record] = []
    for key, name, org_type, code in rows:
        fields: dict[str, Any] = {"name": name, "type": org_type, "active": True}
        if code is not None or org_type == "regional_council":
            fields["region_code"] = "11"
        if code is not None:
            fields["municipality_code"] = code
        records.append(("organization", _org(key), fields))
    return records


# key, given, family, organisation key, roles, job title, email, phone, notes
_REAL_PEOPLE: list[
    tuple[str, str, str, str, list[str], str | None, str | None, str | None, str]
] = [
    (
        "toni-auvinen",
        "Toni",
        "Auvinen",
        "pohjois-savon-liitto",
        ["network_lead"],
        "digijohtaja",
        None,
        None,
        "Verkoston keulakuva ja johtaja.",
    ),
    (
        "jaana-utti",
        "Jaana",
        "Utti",
        "tamora",
        ["facilitator"],
        None,
        "jaana.utti@tamora.fi",
        "+358400574451",
        "Sparraa verkostoa Toni Auvisen työparina.",
    ),
    (
        "ville-makela",
        "Ville",
        "Mäkelä",
        "tamora",
        ["facilitator"],
        None,
        "ville.makela@tamora.fi",
        "+358443733638",
        "Verkoston digitaaliset ratkaisut ja viestintä; ilmoittautumiset verkostoon.",
    ),
]

# key, given, family, organisation key, roles, job title (all fictional)
_FICTIONAL_PEOPLE: list[tuple[str, str, str, str, list[str], str]] = [
    (
        "maija",
        "Maija",
        "Meikäläinen",
        "kuopio",
        ["management", "working_committee"],
        "sivistysjohtaja",
    ),
    (
        "pekka",
        "Pekka",
        "Esimerkki",
        "kuopio",
        ["staff_representative", "working_committee"],
        "pääluottamusmies",
    ),
    ("sanna", "Sanna", "Kokeilija", "kuopio", ["staff"], "kouluterveydenhoitaja"),
    ("matti", "Matti", "Meikäläinen", "varkaus", ["management"], "palvelujohtaja"),
    ("liisa", "Liisa", "Luottamus", "varkaus", ["staff_representative"], "luottamusmies"),
    ("riikka", "Riikka", "Ruokala", "varkaus", ["staff"], "ruokapalvelutyöntekijä"),
    (
        "helena",
        "Helena",
        "Hallinto",
        "iisalmi",
        ["management", "working_committee"],
        "henkilöstöjohtaja",
    ),
    ("olli", "Olli", "Opettaja", "iisalmi", ["staff"], "luokanopettaja"),
    ("tiina", "Tiina", "Toimisto", "sonkajarvi", ["management"], "kunnanjohtaja (kuvitteellinen)"),
    ("kalle", "Kalle", "Kaavoittaja", "sonkajarvi", ["staff"], "kaavoittaja"),
    (
        "heikki",
        "Heikki",
        "Huoltaja",
        "tervo",
        ["staff", "staff_representative"],
        "kiinteistöhuoltaja",
    ),
    ("paivi", "Päivi", "Päiväkoti", "tervo", ["staff"], "varhaiskasvatuksen opettaja"),
    ("kaisa", "Kaisa", "Kehittäjä", "kunteko", ["funder_contact"], "kehittämisasiantuntija"),
]


def _email(given: str, family: str) -> str:
    table = str.maketrans("äöåÄÖÅ", "aoaAOA")
    return f"{given}.{family}".translate(table).lower() + "@example.fi"


def _people() -> list[Record]:
    records: list[Record] = []
    for key, given, family, org, roles, title, email, phone, notes in _REAL_PEOPLE:
        fields: dict[str, Any] = {
            "given_name": given,
            "family_name": family,
            "organization": _org(org),
            "roles": roles,
            "notes": notes,
        }
        for name, value in (("job_title", title), ("email", email), ("phone", phone)):
            if value is not None:
                fields[name] = value
        records.append(("person", _person(key), fields))
    for key, given, family, org, roles, title in _FICTIONAL_PEOPLE:
        fields = {
            "given_name": given,
            "family_name": family,
            "organization": _org(org),
            "roles": roles,
            "job_title": title,
            "email": _email(given, family),
            "notes": ILLUSTRATIVE_NOTE,
        }
        records.append(("person", _person(key), fields))
    return records


def _webinars() -> list[Record]:
    committee = [_person(k) for k in ("maija", "pekka", "helena")]
    first = demo_id("webinar", "2017-11-07")
    second = demo_id("webinar", "2017-12-12")
    return [
        (
            "webinar",
            first,
            {
                "title": "Digikokeileva kunta -webinaari 1",
                "theme": "Miten digikokeiluja johdetaan? (teema esimerkki)",
                "starts_at": "2017-11-07T10:00:00Z",
                "duration_minutes": 120,
                "platform": "verkkokokous (esimerkki)",
                "join_link": "https://example.fi/digikokeileva-kunta/webinaari-1",
                "instructions": (
                    "Liittymisohjeet päivitetty 7.11. Avaa linkki selaimella hieman ennen "
                    "alkua ja testaa ääni. (Teema, esittäjät, valmistelijat, linkki ja "
                    "ohjeteksti ovat esimerkkejä.)"
                ),
                "prepared_by": committee,
                "presenters": [_person("toni-auvinen"), _person("jaana-utti")],
                "status": "held",
                "recording_link": "https://example.fi/digikokeileva-kunta/tallenne-1",
                "ical_uid": f"{first}@digikunta",
                "ical_sequence": 0,
            },
        ),
        (
            "webinar",
            second,
            {
                "title": "Digikokeileva kunta -webinaari 2",
                "theme": "Miten kokeilujen vaikuttavuus näkyy? (ajankohta ja teema esimerkki)",
                "starts_at": "2017-12-12T10:00:00Z",
                "duration_minutes": 120,
                "platform": "verkkokokous (esimerkki)",
                "join_link": "https://example.fi/digikokeileva-kunta/webinaari-2",
                "instructions": (
                    "Avaa linkki selaimella. (Ajankohta, teema, esittäjät ja ohjeteksti ovat "
                    "esimerkkejä.)"
                ),
                "prepared_by": committee,
                "presenters": [_person("toni-auvinen"), _person("ville-makela")],
                "status": "held",
                "ical_uid": f"{second}@digikunta",
                "ical_sequence": 0,
            },
        ),
    ]


def _registrations() -> list[Record]:
    first = demo_id("webinar", "2017-11-07")
    second = demo_id("webinar", "2017-12-12")
    plan = [
        (first, "maija", "2017-10-20T07:12:00Z", 120),
        (first, "pekka", "2017-10-23T11:40:00Z", 115),
        (first, "sanna", "2017-10-24T09:05:00Z", 120),
        (first, "matti", "2017-10-25T12:30:00Z", 90),
        (first, "liisa", "2017-10-26T06:55:00Z", 120),
        (first, "helena", "2017-10-30T13:15:00Z", 120),
        (first, "olli", "2017-11-01T15:20:00Z", 60),
        (first, "kalle", "2017-11-02T08:00:00Z", 0),
        (first, "heikki", "2017-11-06T10:45:00Z", 110),
        (second, "maija", "2017-11-28T08:30:00Z", 120),
        (second, "riikka", "2017-11-29T09:10:00Z", 120),
        (second, "tiina", "2017-12-01T10:00:00Z", 75),
        (second, "paivi", "2017-12-04T12:00:00Z", 120),
        (second, "kaisa", "2017-12-05T14:25:00Z", 120),
    ]
    return [
        (
            "registration",
            demo_id("registration", f"{webinar}/{person}"),
            {
                "webinar": webinar,
                "person": _person(person),
                "registered_at": at,
                "attended_minutes": minutes,
            },
        )
        for webinar, person, at, minutes in plan
    ]


_WORDING = {
    "newsletter": "Haluan Digikokeileva kunta -uutiskirjeen sähköpostiini.",
    "webinar_invitations": "Minulle saa lähettää kutsuja verkoston webinaareihin.",
    "story_publication": "Kokeilukertomukseni saa julkaista verkoston uutiskirjeessä.",
    "photo": "Kuvani saa julkaista verkoston viestinnässä.",
}


def _consents() -> list[Record]:
    plan: list[tuple[str, str, str, str, str]] = []
    for key, *_ in _FICTIONAL_PEOPLE:
        plan.append((key, "newsletter", "granted", "2017-10-20T08:00:00Z", "web_form"))
        plan.append((key, "webinar_invitations", "granted", "2017-10-20T08:00:00Z", "registration"))
    plan += [
        ("olli", "newsletter", "withdrawn", "2017-12-15T09:30:00Z", "manual"),
        ("kalle", "photo", "declined", "2017-11-02T08:00:00Z", "registration"),
        ("sanna", "photo", "granted", "2017-11-02T08:00:00Z", "manual"),
    ]
    for author in ("sanna", "riikka", "olli", "kalle", "heikki", "paivi"):
        plan.append((author, "story_publication", "granted", "2017-11-03T10:00:00Z", "manual"))
    return [
        (
            "consent",
            demo_id("consent", f"{key}/{purpose}/{action}/{at}"),
            {
                "person": _person(key),
                "purpose": purpose,
                "action": action,
                "at": at,
                "source": source,
                "wording": _WORDING[purpose],
            },
        )
        for key, purpose, action, at, source in plan
    ]


def _newsletter() -> Record:
    body = (
        "*Esimerkkiteksti (kuvitteellinen).*\n\n"
        "Ensimmäisessä webinaarissa 7.11.2017 pohdittiin, miten digikokeiluja johdetaan ja "
        "miten henkilöstölähtöinen kehittäminen saa luvan ja tuen sekä johdolta että "
        "henkilöstöjärjestöiltä.\n\n"
        "Kolme kokeilua kertoi, mitä pienillä ja rohkeilla kokeiluilla on saatu aikaan."
    )
    return (
        "newsletter",
        demo_id("newsletter", "1"),
        {
            "number": 1,
            "title": "Kokeilut käyntiin",
            "webinar": demo_id("webinar", "2017-11-07"),
            "stories": [
                demo_id("story", k)
                for k in ("kouluterveydenhoitaja", "ruokapalvelu", "kiinteistohuolto")
            ],
            "body": body,
            "status": "sent",
            "published_on": "2017-11-14",
        },
    )


def _indicator(story_key: str, key: str, **fields: Any) -> Record:
    return (
        "indicator",
        demo_id("indicator", f"{story_key}/{key}"),
        {"story": demo_id("story", story_key), **fields},
    )


def _m(value: str, day: str, method: str) -> dict[str, str]:
    return {"value": value, "date": day, "method": method}


def _story(key: str, org: str, authors: list[str], **fields: Any) -> Record:
    themes = [*fields.pop("themes", []), ILLUSTRATIVE_THEME]
    return (
        "story",
        demo_id("story", key),
        {
            "organization": _org(org),
            "authors": [_person(a) for a in authors],
            **fields,
            "themes": themes,
            "publication_consent": True,
        },
    )


def _stories() -> list[Record]:
    """Six illustrative experiments in the spirit of the page, each with indicators."""
    return [
        _story(
            "kouluterveydenhoitaja",
            "kuopio",
            ["sanna"],
            title="Kouluterveydenhoitajan chat-vastaanotto",
            unit="Kouluterveydenhuolto",
            profession="kouluterveydenhoitaja",
            problem=(
                "Oppilaat jonottivat vastaanotolle pienissäkin asioissa, ja aikaa jäi vähän "
                "niille, jotka tarvitsivat sitä eniten."
            ),
            goal=(
                "Lyhyet kysymykset chatissa, vastaanottoajat niille, jotka tarvitsevat tapaamisen."
            ),
            what_was_done=(
                "Terveydenhoitaja avasi koulupäivän aikana kahdesti päivässä chat-vastaanoton. "
                "Oppilaat ja huoltajat saivat ohjeet Wilman kautta."
            ),
            digital_tools=["chat", "Wilma"],
            stage="established",
            start="2017-08-14",
            end="2017-12-22",
            themes=["asiakaslähtöisyys", "työnilo"],
            lessons="Kokeilu kannatti aloittaa pienenä: yksi koulu ja yksi terveydenhoitaja.",
            next_steps="Malli laajenee kaikkiin kaupungin yläkouluihin.",
            spread_to=[_org("iisalmi")],
        ),
        _indicator(
            "kouluterveydenhoitaja",
            "jonotus",
            level="outcome",
            category="customer_benefit",
            name="Odotusaika vastaanotolle",
            unit="vrk",
            direction="decrease",
            baseline={"value": "9", "date": "2017-08-14"},
            target={"value": "3", "date": "2017-12-22"},
            measurements=[_m("6", "2017-10-01", "measured"), _m("4", "2017-12-01", "measured")],
        ),
        _indicator(
            "kouluterveydenhoitaja",
            "tyonilo",
            level="outcome",
            category="joy_of_work",
            name="Työnilo (asteikko 1–5)",
            unit="pistettä",
            direction="increase",
            baseline={"value": "3.1", "date": "2017-08-14"},
            target={"value": "4", "date": "2017-12-22"},
            measurements=[_m("3.9", "2017-12-01", "survey")],
        ),
        _story(
            "ruokapalvelu",
            "varkaus",
            ["riikka"],
            title="Ruokahävikki kuriin sähköisillä ateriatilauksilla",
            unit="Ruokapalvelut",
            profession="ruokapalvelutyöntekijä",
            problem=(
                "Kouluihin ja päiväkoteihin valmistettiin ruokaa arvion mukaan, ja hävikkiä "
                "syntyi päivittäin."
            ),
            goal="Valmistetaan ruokaa toteutuvan tarpeen mukaan ja puolitetaan hävikki.",
            what_was_done=(
                "Yksiköt ilmoittivat poissaolot ja erityisruokavaliot tabletilla edellisenä "
                "päivänä. Hävikki punnittiin joka päivä."
            ),
            digital_tools=["tabletti", "sähköinen tilauslomake"],
            stage="ended",
            start="2017-09-01",
            end="2017-11-30",
            themes=["tuottavuus", "ympäristö"],
            lessons="Punnitseminen teki hävikin näkyväksi koko henkilökunnalle.",
            next_steps="Tilauslomake yhdistetään ruokalistajärjestelmään.",
        ),
        _indicator(
            "ruokapalvelu",
            "saasto",
            level="impact",
            category="savings_eur",
            name="Raaka-ainesäästö",
            unit="€",
            direction="increase",
            baseline={"value": "0", "date": "2017-09-01"},
            target={"value": "20000", "date": "2018-08-31"},
            measurements=[_m("12500.00", "2017-11-30", "estimated")],
            recurrence="per_year",
            calculation=(
                "Hävikin väheneminen 25 kg/päivä × 190 päivää × 2,63 €/kg (esimerkkilaskelma)."
            ),
        ),
        _indicator(
            "ruokapalvelu",
            "havikki",
            level="output",
            category="quality",
            name="Ruokahävikki päivässä",
            unit="kg",
            direction="decrease",
            baseline={"value": "48", "date": "2017-09-01"},
            target={"value": "24", "date": "2017-11-30"},
            measurements=[_m("35", "2017-10-02", "measured"), _m("23", "2017-11-30", "measured")],
        ),
        _story(
            "opettaja",
            "iisalmi",
            ["olli"],
            title="Oppilaiden digitaalinen portfolio",
            unit="Perusopetus",
            profession="luokanopettaja",
            problem=(
                "Paperisia töitä oli vaikea jakaa huoltajille, ja palautteen antaminen vei iltoja."
            ),
            goal="Oppilaat kokoavat työnsä portfolioon, jota huoltajat voivat seurata.",
            what_was_done=(
                "Viidesluokkalaiset kuvasivat ja kommentoivat töitään tableteilla "
                "portfoliopalveluun."
            ),
            digital_tools=["portfoliopalvelu", "tabletti"],
            stage="running",
            start="2017-10-02",
            themes=["oppiminen"],
            lessons="Oppilaat oppivat arvioimaan omaa työtään.",
        ),
        _indicator(
            "opettaja",
            "aika",
            level="output",
            category="time_saved_h",
            name="Palautteen antamiseen kuluva aika viikossa",
            unit="h",
            direction="decrease",
            baseline={"value": "5", "date": "2017-10-02"},
            target={"value": "3", "date": "2018-05-31"},
            measurements=[_m("4", "2017-12-01", "self_reported")],
        ),
        _story(
            "kaavoittaja",
            "sonkajarvi",
            ["kalle"],
            title="Kaavaluonnoksen kommentointi verkkokartalla",
            unit="Maankäyttö ja kaavoitus",
            profession="kaavoittaja",
            problem="Kaavoista tuli palautetta vähän ja vasta valitusvaiheessa.",
            goal="Asukkaat kommentoivat kaavaa jo luonnosvaiheessa.",
            what_was_done=(
                "Kaavaluonnos avattiin karttapalveluun, jossa kommentin voi liittää suoraan "
                "kohteeseen."
            ),
            digital_tools=["karttapalvelu"],
            stage="ended",
            start="2017-09-15",
            end="2017-10-31",
            themes=["osallisuus"],
            lessons="Kartalle kommentointi madalsi kynnystä osallistua.",
            spread_to=[_org("tervo")],
        ),
        _indicator(
            "kaavoittaja",
            "kommentit",
            level="outcome",
            category="customer_benefit",
            name="Luonnosvaiheen kommentit",
            unit="kpl",
            direction="increase",
            baseline={"value": "6", "date": "2017-09-15"},
            target={"value": "40", "date": "2017-10-31"},
            measurements=[_m("57", "2017-10-31", "measured")],
        ),
        _story(
            "kiinteistohuolto",
            "tervo",
            ["heikki"],
            title="Kiinteistöhuollon vikailmoitukset mobiilisti",
            unit="Tekniset palvelut",
            profession="kiinteistöhuoltaja",
            problem=(
                "Vikailmoitukset tulivat puhelimella ja lapuilla, ja huoltaja ajoi turhia käyntejä."
            ),
            goal="Vikailmoitukset kuvineen suoraan huoltajan puhelimeen.",
            what_was_done=(
                "Kiinteistöjen käyttäjät tekivät vikailmoitukset lomakkeella, ja huoltaja "
                "kuittasi työt puhelimella."
            ),
            digital_tools=["mobiililomake", "älypuhelin"],
            stage="established",
            start="2017-05-02",
            end="2017-10-31",
            themes=["tuottavuus"],
            lessons="Kuva viasta säästi monta turhaa ajokertaa.",
        ),
        _indicator(
            "kiinteistohuolto",
            "ajot",
            level="impact",
            category="savings_eur",
            name="Ajokustannusten säästö",
            unit="€",
            direction="increase",
            baseline={"value": "0", "date": "2017-05-02"},
            target={"value": "3000", "date": "2017-10-31"},
            measurements=[_m("3450.00", "2017-10-31", "estimated")],
            recurrence="per_year",
            calculation="Turhat käynnit 3/viikko vähemmän × 46 viikkoa × 25 € (esimerkkilaskelma).",
        ),
        _indicator(
            "kiinteistohuolto",
            "aika",
            level="output",
            category="time_saved_h",
            name="Säästetty työaika kuukaudessa",
            unit="h",
            direction="increase",
            baseline={"value": "0", "date": "2017-05-02"},
            target={"value": "10", "date": "2017-10-31"},
            measurements=[
                _m("8", "2017-08-31", "self_reported"),
                _m("12", "2017-10-31", "self_reported"),
            ],
        ),
        _story(
            "paivakoti",
            "tervo",
            ["paivi"],
            title="Päiväkodin digitaalinen reissuvihko",
            unit="Varhaiskasvatus",
            profession="varhaiskasvatuksen opettaja",
            problem="Viestit kotiin kulkivat paperilla ja hukkuivat.",
            goal="Viestit ja kuvat päivästä huoltajille sovelluksella.",
            what_was_done="Ryhmä kokeili viestintäsovellusta yhden syksyn ajan.",
            digital_tools=["viestintäsovellus"],
            stage="idea",
            themes=["asiakaslähtöisyys"],
        ),
        _indicator(
            "paivakoti",
            "tyytyvaisyys",
            level="outcome",
            category="customer_benefit",
            name="Huoltajien tyytyväisyys viestintään (1–5)",
            unit="pistettä",
            direction="increase",
            baseline={"value": "3.4", "date": "2017-11-01"},
            target={"value": "4.2", "date": "2018-05-31"},
        ),
    ]


def demo_records() -> list[tuple[str, str, dict[str, Any]]]:
    """Return the whole demo data set as ``(kind, id, fields)`` in a stable order.

    Ids are uuid5 values derived from fixed keys, so every call (and every machine) gives the
    same ids and fields; each call returns fresh dicts that the caller may modify.
    """
    return [
        *_organizations(),
        *_people(),
        *_webinars(),
        *_registrations(),
        *_consents(),
        _newsletter(),
        *_stories(),
    ]
