"""Demo data (from the network's page) and the synthetic generator."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import Any

import pytest

from digikunta_tui.domain.demo import ILLUSTRATIVE_NOTE, ILLUSTRATIVE_THEME, demo_records
from digikunta_tui.domain.models import REFERENCES
from digikunta_tui.domain.synthetic import synthetic_records

ID = re.compile(r"^[0-9a-f]{32}$")


def check_references(records: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """Return a description of every reference that does not point to a record of its kind."""
    kinds = {rid: kind for kind, rid, _ in records}
    problems = []
    for kind, rid, fields in records:
        for field, target_kind in REFERENCES.get(kind, {}).items():
            value = fields.get(field)
            targets = value if isinstance(value, list) else [value] if value else []
            for target in targets:
                if kinds.get(target) != target_kind:
                    problems.append(f"{kind} {rid}.{field} -> {target}")
        if kind == "webinar":
            for presenter in fields.get("presenters", []):
                if ID.match(presenter) and kinds.get(presenter) != "person":
                    problems.append(f"webinar {rid}.presenters -> {presenter}")
    return problems


@pytest.fixture(scope="module")
def demo() -> list[tuple[str, str, dict[str, Any]]]:
    return demo_records()


def by_kind(records: list[tuple[str, str, dict[str, Any]]], kind: str) -> list[dict[str, Any]]:
    return [fields for k, _, fields in records if k == kind]


def test_demo_counts(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    counts = Counter(kind for kind, _, _ in demo)
    assert counts["organization"] == 8
    assert counts["webinar"] == 2
    assert counts["newsletter"] == 1
    assert counts["story"] == 6
    assert counts["indicator"] >= 6
    assert counts["person"] >= 10
    assert counts["registration"] >= 5
    assert counts["consent"] >= 5


def test_demo_ids_unique_and_stable(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    ids = [rid for _, rid, _ in demo]
    assert len(ids) == len(set(ids))
    assert all(ID.match(rid) for rid in ids)
    assert demo_records() == demo
    again = demo_records()
    again[0][2]["name"] = "muutettu"
    assert demo_records()[0][2]["name"] != "muutettu"  # fresh dicts each call


def test_demo_municipalities_and_network_lead(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    orgs = {f["name"]: f for f in by_kind(demo, "organization")}
    codes = {n: f.get("municipality_code") for n, f in orgs.items() if f["type"] == "municipality"}
    assert codes == {
        "Kuopio": "297",
        "Varkaus": "915",
        "Iisalmi": "140",
        "Sonkajärvi": "762",
        "Tervo": "844",
    }
    assert all(orgs[name]["region_code"] == "11" for name in codes)
    assert orgs["Pohjois-Savon liitto"]["type"] == "regional_council"
    assert orgs["Pohjois-Savon liitto"]["region_code"] == "11"
    assert orgs["Tamora Oy"]["type"] == "consultancy"
    assert orgs["Kunteko"]["type"] == "funder"
    assert not any("business_id" in f for f in orgs.values())


def test_demo_named_people_and_roles(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    ids = {rid: f for k, rid, f in demo if k == "organization"}
    people = {(f["given_name"], f["family_name"]): f for f in by_kind(demo, "person")}
    toni = people[("Toni", "Auvinen")]
    assert "network_lead" in toni["roles"]
    assert ids[toni["organization"]]["name"] == "Pohjois-Savon liitto"
    assert people[("Jaana", "Utti")]["phone"] == "+358400574451"
    assert people[("Ville", "Mäkelä")]["email"] == "ville.makela@tamora.fi"
    for person in (people[("Jaana", "Utti")], people[("Ville", "Mäkelä")]):
        assert "facilitator" in person["roles"]
        assert ids[person["organization"]]["name"] == "Tamora Oy"
    roles = {role for p in people.values() for role in p["roles"]}
    assert {"management", "staff_representative", "staff", "working_committee"} <= roles


def test_demo_fictional_people_are_marked(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    real = {("Toni", "Auvinen"), ("Jaana", "Utti"), ("Ville", "Mäkelä")}
    emails = []
    for person in by_kind(demo, "person"):
        if (person["given_name"], person["family_name"]) in real:
            continue
        assert person["notes"] == ILLUSTRATIVE_NOTE
        assert person["email"].endswith("@example.fi")
        assert "phone" not in person
        emails.append(person["email"])
    assert len(emails) == len(set(emails))
    # consents and registrations only for fictional people
    real_ids = {
        rid for k, rid, f in demo if k == "person" and (f["given_name"], f["family_name"]) in real
    }
    for kind in ("consent", "registration"):
        assert not any(f["person"] in real_ids for f in by_kind(demo, kind))


def test_demo_webinars(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    webinars = sorted(by_kind(demo, "webinar"), key=lambda w: w["starts_at"])
    first, second = webinars
    assert first["starts_at"] == "2017-11-07T10:00:00Z"  # 7.11.2017 klo 12 in Helsinki
    assert first["duration_minutes"] == 120
    assert first["status"] == "held"
    assert second["starts_at"].startswith("2017-")
    assert second["starts_at"][5:7] in {"09", "10", "11", "12"}  # autumn 2017
    for webinar in webinars:
        assert webinar["join_link"].startswith("https://example.fi/")
        assert "esimerkk" in webinar["instructions"]


def test_demo_stories_and_indicators(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    stories = {rid: f for k, rid, f in demo if k == "story"}
    professions = {s["profession"] for s in stories.values()}
    assert {
        "kouluterveydenhoitaja",
        "ruokapalvelutyöntekijä",
        "luokanopettaja",
        "kaavoittaja",
        "kiinteistöhuoltaja",
        "varhaiskasvatuksen opettaja",
    } == professions
    assert all(ILLUSTRATIVE_THEME in s["themes"] for s in stories.values())
    indicators = by_kind(demo, "indicator")
    assert {i["story"] for i in indicators} == set(stories)
    categories = {i["category"] for i in indicators}
    assert {"savings_eur", "time_saved_h", "joy_of_work", "customer_benefit"} <= categories
    for ind in indicators:
        if ind["category"] == "savings_eur":
            assert ind["recurrence"] in {"one_off", "per_year"}
            assert ind["calculation"]
        for m in ind.get("measurements", []):
            assert isinstance(m["value"], str)
    assert any(ind.get("measurements") for ind in indicators)


def test_demo_every_reference_resolves(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    assert check_references(demo) == []


def test_reference_check_catches_a_dangling_reference(
    demo: list[tuple[str, str, dict[str, Any]]],
) -> None:
    broken = [*demo, ("indicator", "f" * 32, {"story": "0" * 32})]
    assert check_references(broken) == [f"indicator {'f' * 32}.story -> {'0' * 32}"]


def test_synthetic_size_and_proportions() -> None:
    records = list(synthetic_records(1000, seed=1))
    counts = Counter(kind for kind, _, _ in records)
    assert counts["person"] == 1000
    assert counts["organization"] == 20
    assert counts["webinar"] == 2
    assert counts["story"] == 10
    assert counts["indicator"] == 20
    assert 500 < counts["registration"] <= 1000
    assert counts["consent"] > 0
    empty = Counter(kind for kind, _, _ in synthetic_records(0))
    assert empty == {"organization": 1, "webinar": 1}
    with pytest.raises(ValueError):
        list(synthetic_records(-1))


def test_synthetic_is_deterministic_per_seed() -> None:
    assert list(synthetic_records(300, seed=7)) == list(synthetic_records(300, seed=7))
    assert list(synthetic_records(300, seed=7)) != list(synthetic_records(300, seed=8))


def test_synthetic_ids_and_emails_unique_references_resolve() -> None:
    records = list(synthetic_records(2000, seed=2))
    ids = [rid for _, rid, _ in records]
    assert len(ids) == len(set(ids))
    emails = [f["email"] for k, _, f in records if k == "person"]
    assert len(emails) == len(set(emails)) == 2000
    assert all(e == e.lower() and e.isascii() for e in emails)
    assert all(re.fullmatch(r"\+358[0-9]{9}", f["phone"]) for k, _, f in records if k == "person")
    assert check_references(records) == []


def test_synthetic_names_have_finnish_letters() -> None:
    people = [f for k, _, f in synthetic_records(2000) if k == "person"]
    names = " ".join(f"{p['given_name']} {p['family_name']}" for p in people)
    for letter in "äöåü":
        assert letter in names.lower()
    orgs = [f["name"] for k, _, f in synthetic_records(2000) if k == "organization"]
    assert any(ch in "".join(orgs) for ch in "äö")


def test_synthetic_streams_without_building_everything() -> None:
    gen = synthetic_records(50_000)
    first = list(itertools.islice(gen, 5))
    assert [kind for kind, _, _ in first] == ["organization"] * 5


def _validate_all(records: list[tuple[str, str, dict[str, Any]]]) -> dict[str, dict[str, str]]:
    from digikunta_tui.domain.validation import validate_record

    statuses = {rid: f["status"] for k, rid, f in records if k == "webinar"}
    failures = {}
    for kind, rid, fields in records:
        context = (
            {"webinar_status": statuses[fields["webinar"]]} if kind == "registration" else None
        )
        result = validate_record(kind, fields, context=context)
        if not result.ok:
            failures[f"{kind} {rid}"] = result.errors
    return failures


def test_every_demo_record_validates(demo: list[tuple[str, str, dict[str, Any]]]) -> None:
    assert _validate_all(demo) == {}


def test_synthetic_records_validate() -> None:
    records = list(itertools.islice(synthetic_records(2000, seed=5), 500))
    records += [r for r in synthetic_records(2000, seed=5) if r[0] in {"story", "indicator"}]
    assert {kind for kind, _, _ in records} >= {"organization", "person", "story", "indicator"}
    assert _validate_all(records) == {}
