"""Impact totals (Decimal, per organisation, the documented rules) and consent rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from digikunta_tui.domain.consent import consent_state, granted_people
from digikunta_tui.domain.repository import Repository, ValidationFailed


def _indicator(repo: Repository, story: str, category: str, **fields: Any) -> str:
    base = {"story": story, "level": "outcome", "category": category, "name": category}
    return repo.create("indicator", {**base, "direction": "increase", **fields})


def _m(value: str, day: str = "2018-01-01") -> dict[str, str]:
    return {"value": value, "date": day, "method": "measured"}


def test_impact_sums_savings_and_hours_per_organisation(repo: Repository) -> None:
    kuopio = repo.create("organization", {"name": "Kuopio", "type": "municipality"})
    tervo = repo.create("organization", {"name": "Tervo", "type": "municipality"})
    a = repo.create("story", {"title": "A", "stage": "running", "organization": kuopio})
    b = repo.create("story", {"title": "B", "stage": "running", "organization": tervo})
    orphan = repo.create("story", {"title": "C", "stage": "idea"})
    # Increase: the indicator counts euros saved per year; latest measurement wins.
    _indicator(
        repo,
        a,
        "savings_eur",
        recurrence="per_year",
        baseline={"value": "0.10"},
        measurements=[_m("5000.10", "2018-06-01"), _m("1000", "2018-01-01")],
    )
    # Decrease: the indicator counts a cost; saving = baseline − latest (one-off).
    _indicator(
        repo,
        b,
        "savings_eur",
        direction="decrease",
        recurrence="one_off",
        baseline={"value": "1000.30"},
        measurements=[_m("800.10")],
    )
    # A decrease without a baseline says nothing; no measurement counts nothing.
    _indicator(repo, b, "savings_eur", direction="decrease", measurements=[_m("5")])
    _indicator(repo, b, "savings_eur", baseline={"value": "1"})
    _indicator(repo, a, "time_saved_h", baseline={"value": "2"}, measurements=[_m("12.5")])
    _indicator(repo, orphan, "time_saved_h", measurements=[_m("0.5")])
    _indicator(repo, a, "joy_of_work", baseline={"value": "3"}, measurements=[_m("4")])

    impact = repo.impact()
    assert impact.savings_per_year_eur == Decimal("5000.00")
    assert impact.savings_one_off_eur == Decimal("200.20")
    assert impact.total_savings_eur == Decimal("5200.20")
    assert impact.total_hours_saved == Decimal("11.0")
    assert isinstance(impact.total_savings_eur, Decimal)
    assert impact.per_organization == [
        ("", "", Decimal("0"), Decimal("0.5")),
        (kuopio, "Kuopio", Decimal("5000.00"), Decimal("10.5")),
        (tervo, "Tervo", Decimal("200.20"), Decimal("0")),
    ]


def test_progress_per_indicator(repo: Repository) -> None:
    story = repo.create("story", {"title": "A", "stage": "running"})
    up = _indicator(
        repo,
        story,
        "joy_of_work",
        baseline={"value": "3"},
        target={"value": "4"},
        measurements=[_m("3.5")],
    )
    down = _indicator(
        repo,
        story,
        "quality",
        direction="decrease",
        baseline={"value": "10"},
        target={"value": "5"},
        measurements=[_m("6")],
    )
    unmeasured = _indicator(repo, story, "other", baseline={"value": "1"}, target={"value": "2"})
    progress = repo.impact().progress
    assert progress[up] == pytest.approx(0.5)
    assert progress[down] == pytest.approx(0.8)
    assert progress[unmeasured] is None


def _consent(pid: str, purpose: str, action: str, at: str) -> dict[str, str]:
    return {"person": pid, "purpose": purpose, "action": action, "at": at}


def test_latest_event_per_purpose_counts() -> None:
    events = [
        ("b", _consent("p", "newsletter", "granted", "2018-01-01T10:00:00Z")),
        ("a", _consent("p", "newsletter", "withdrawn", "2018-02-01T10:00:00Z")),
        ("c", _consent("p", "photo", "granted", "2018-03-01T10:00:00Z")),
        # Same instant: the larger id wins, on every replica alike.
        ("x", _consent("p", "photo", "declined", "2018-04-01T10:00:00Z")),
        ("y", _consent("p", "photo", "granted", "2018-04-01T12:00:00+02:00")),
    ]
    assert consent_state(events) == {"newsletter": "withdrawn", "photo": "granted"}
    assert consent_state(list(reversed(events))) == {"newsletter": "withdrawn", "photo": "granted"}
    assert granted_people(events) == set()
    assert granted_people(events, "photo") == {"p"}


def test_mailing_list_only_has_people_whose_newsletter_consent_is_granted(
    repo: Repository,
) -> None:
    org = repo.create("organization", {"name": "Kuopio", "type": "municipality"})

    def person(given: str, family: str, email: str | None = None) -> str:
        fields = {"given_name": given, "family_name": family, "organization": org}
        return repo.create("person", fields | ({"email": email} if email else {}))

    yes = person("Anna", "Ähtäri", "anna@kuopio.fi")
    also = person("Bertta", "Aalto", "bertta@kuopio.fi")
    withdrew = person("Cecilia", "Cederberg", "cecilia@kuopio.fi")
    other_purpose = person("Daniel", "Dahl", "daniel@kuopio.fi")
    no_email = person("Eero", "Eskola")
    person("Fanni", "Forsman", "fanni@kuopio.fi")  # no events at all
    for pid in (yes, also, withdrew, no_email):
        repo.add_consent(pid, "newsletter", "granted", source="web_form")
    repo.create("consent", _consent(withdrew, "newsletter", "withdrawn", "2199-01-01T00:00:00Z"))
    repo.add_consent(other_purpose, "photo", "granted")
    mailing = repo.mailing_list()
    assert [m["email"] for m in mailing] == ["bertta@kuopio.fi", "anna@kuopio.fi"]
    assert mailing[0]["organization"] == "Kuopio"
    assert repo.consent_state(withdrew) == {"newsletter": "withdrawn"}
    assert [f["action"] for _, f in repo.consents_of(withdrew)] == ["granted", "withdrawn"]


def test_consent_must_point_to_a_person(repo: Repository) -> None:
    with pytest.raises(ValidationFailed) as failure:
        repo.add_consent("0" * 32, "newsletter", "granted")
    assert set(failure.value.errors) == {"person"}
    assert repo.count("consent") == 0
