"""``digikunta mailing-list`` and ``digikunta gdpr``, run as a user would."""

from __future__ import annotations

import csv
import io
import json

from cli_helpers import Cli, one_line_error, records_of


def people(cli: Cli) -> list[dict]:
    result = cli("export", "people", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def newsletter_state(cli: Cli) -> dict[str, str]:
    """person id → latest newsletter consent action, computed from the exported events."""
    events = json.loads(cli("export", "consents", "--format", "json").out)
    latest: dict[str, tuple[str, str]] = {}
    for event in events:
        if event["purpose"] == "newsletter":
            seen = latest.get(event["person"])
            if seen is None or event["at"] > seen[0]:
                latest[event["person"]] = (event["at"], event["action"])
    return {pid: action for pid, (_, action) in latest.items()}


def test_mailing_list_has_only_granted_newsletter_consents(cli: Cli) -> None:
    state = newsletter_state(cli)
    assert "withdrawn" in state.values()
    everyone = people(cli)
    expected = {p["email"] for p in everyone if state.get(p["id"]) == "granted" and "email" in p}
    result = cli("mailing-list")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.text)))
    assert list(rows[0]) == ["email", "given_name", "family_name", "organization"]
    assert {r["email"] for r in rows} == expected
    withdrawn = {p["email"] for p in everyone if state.get(p["id"]) == "withdrawn"}
    assert withdrawn and not withdrawn & {r["email"] for r in rows}
    assert all(r["organization"] for r in rows)
    txt = cli("mailing-list", "--format", "txt")
    assert sorted(txt.text.split()) == sorted(expected)


def test_gdpr_export_holds_everything_about_the_person(cli: Cli, tmp_path) -> None:
    target = tmp_path / "maija.json"
    result = cli("gdpr", "export", "maija meikalainen", "-o", target)
    assert result.code == 0, result.err
    data = json.loads(target.read_text("utf-8"))
    assert data["person"]["given_name"] == "Maija"
    assert data["person"]["email"] == "maija.meikalainen@example.fi"
    assert data["consents"] and all(c["person"] == data["person"]["id"] for c in data["consents"])


def test_gdpr_erase_refuses_without_yes_when_not_interactive(cli: Cli) -> None:
    before = records_of(cli.data_dir)
    line = one_line_error(cli("gdpr", "erase", "Maija Meikäläinen"))
    assert "--yes" in line
    assert records_of(cli.data_dir) == before


def test_gdpr_erase_removes_the_person_and_says_when_it_syncs(cli: Cli) -> None:
    cli.config.write_text('[sync]\nremote = "/srv/verkosto/digikunta.json"\n', "utf-8")
    maija = next(p for p in people(cli) if p["given_name"] == "Maija")
    result = cli("gdpr", "erase", maija["id"][:8], "--yes")
    assert result.code == 0, result.err
    assert result.text.startswith(f"erased Maija Meikäläinen ({maija['id'][:8]}): person: 1")
    assert (
        "The erasure reaches the shared document at your next sync; "
        "its backup digikunta.json.bak is scrubbed at that write."
    ) in result.text
    assert "every other laptop scrubs its own at its next sync" in result.text
    assert "docs/gdpr.md" in result.text
    assert maija["id"] not in {p["id"] for p in people(cli)}
    assert maija["email"] not in cli("mailing-list").text
    consents = json.loads(cli("export", "consents", "--format", "json").out)
    assert not [c for c in consents if c["person"] == maija["id"]]
    line = one_line_error(cli("gdpr", "export", maija["id"]))
    assert "matches none of the people" in line


def test_gdpr_erase_with_an_http_remote_promises_no_backup_scrub(cli: Cli) -> None:
    cli.config.write_text(
        '[sync]\nremote = "https://cloud.example.fi/dav/digikunta.json"\n', "utf-8"
    )
    maija = next(p for p in people(cli) if p["given_name"] == "Maija")
    result = cli("gdpr", "erase", maija["id"][:8], "--yes")
    assert result.code == 0, result.err
    assert "The erasure reaches the shared document at your next sync." in result.text
    assert ".bak" not in result.text


def test_ambiguous_person_lists_the_candidates(cli: Cli) -> None:
    line = one_line_error(cli("gdpr", "export", "Meikäläinen"))
    assert "matches 2 people" in line and "Maija Meikäläinen (" in line
    assert "Matti Meikäläinen (" in line
