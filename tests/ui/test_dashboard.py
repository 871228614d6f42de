"""The dashboard: placeholders first, then the worker's data; refreshed after syncs and edits."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

from digikunta_tui.ui.screens import dashboard
from digikunta_tui.ui.screens.dashboard import DashboardLoaded, DashboardScreen
from sync import FileRemote

SIZE = (120, 36)


async def settle(app, pilot) -> None:
    """Let the dashboard worker finish and its message be handled."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_panels_show_placeholders_then_the_workers_data(
    make_app, screen_text, monkeypatch
) -> None:
    release = threading.Event()
    real_load = dashboard.load_dashboard

    def slow_load(repo, now):
        release.wait(30)  # a bound on waiting; the test releases it at once
        return real_load(repo, now)

    monkeypatch.setattr(dashboard, "load_dashboard", slow_load)
    messages: list = []
    app = make_app(language="fi")
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.data is None
        assert screen_text(app).count("Ladataan…") == 5  # every panel, while the worker reads
        release.set()
        await settle(app, pilot)
        assert any(isinstance(m, DashboardLoaded) and m.data for m in messages)
        text = screen_text(app).replace("\xa0", " ")  # money uses no-break spaces
        assert "Ladataan…" not in text
        # no planned webinar in the demo: the latest one, with time, link and registrations
        assert "Ei suunniteltuja webinaareja" in text
        assert "Viimeisin webinaari: Digikokeileva kunta -webinaari 2" in text
        assert "12.12.2017 klo 12–14" in text
        assert "https://example.fi/digikokeileva-kunta/webinaari-2" in text
        assert "Ilmoittautuneita: 5" in text
        assert "Henkilö: 16" in text and "Organisaatio: 8" in text
        assert "Säästöt: 15 950,00 €" in text and "Säästetyt tunnit: 13" in text
        assert "Varkaus" in text and "█" in text  # the per-organisation chart
        assert "Odottavat muutokset: 91" in text and "Avoimet ristiriidat: 0" in text


async def test_the_next_planned_webinar_wins(make_app, repo, screen_text) -> None:
    webinar = repo.create(
        "webinar",
        {
            "title": "Kevään webinaari",
            "starts_at": "2018-01-16T10:00:00Z",
            "duration_minutes": 120,
            "status": "planned",
            "join_link": "https://example.fi/kevat",
        },
    )
    person = repo.page("person", limit=1)[0].id
    repo.register(webinar, [person])
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Seuraava webinaari" in text and "Kevään webinaari" in text
        assert "16.1.2018 klo 12–14" in text and "https://example.fi/kevat" in text
        assert "Ilmoittautuneita: 1" in text


async def test_local_edits_show_on_return_to_the_dashboard(make_app, repo, screen_text) -> None:
    app = make_app(language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Person: 16" in screen_text(app)
        await pilot.press("2")
        await settle(app, pilot)
        repo.create("person", {"given_name": "Uusi", "family_name": "Jäsen"})
        await pilot.press("1")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Person: 17" in text
        assert "Uusi Jäsen" in text  # in the recent changes
        assert "Pending changes: 92" in text


async def test_a_sync_refreshes_the_dashboard(make_app, tmp_path: Path, screen_text) -> None:
    (tmp_path / "shared").mkdir()
    app = make_app(language="en", remote=FileRemote(tmp_path / "shared" / "digikunta.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Pending changes: 91" in screen_text(app)
        await pilot.press("s")
        await settle(app, pilot)  # the sync worker, then the dashboard worker it starts
        await settle(app, pilot)
        assert "Pending changes: 0" in screen_text(app)


async def test_untrusted_titles_are_shown_literally(make_app, repo, screen_text) -> None:
    repo.create("person", {"given_name": "[@click=app.quit]x[/]", "family_name": "[b]Bold"})
    app = make_app(language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "[@click=app.quit]x[/] [b]Bold" in screen_text(app)
        assert app.is_running


async def test_the_savings_chart_shows_the_largest_organisations_and_counts_the_rest(
    make_app, repo, screen_text
) -> None:
    for n in range(1, 16):
        org = repo.create("organization", {"name": f"Testikunta {n:02}", "type": "municipality"})
        story = repo.create(
            "story", {"title": f"Kokeilu {n}", "organization": org, "stage": "ended"}
        )
        repo.create(
            "indicator",
            {
                "story": story,
                "level": "impact",
                "category": "savings_eur",
                "name": "Säästö",
                "unit": "€",
                "direction": "increase",
                "measurements": [{"value": f"{n * 1000}", "date": "2017-11-30"}],
                "recurrence": "one_off",
            },
        )
    charted = [row for row in repo.impact().per_organization if row[2] > 0]
    assert len(charted) > dashboard.CHART_ROWS
    app = make_app(language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert f"Savings per organisation, the largest {dashboard.CHART_ROWS}" in text
        assert f"… and {len(charted) - dashboard.CHART_ROWS} more organisations" in text
        largest = sorted(charted, key=lambda row: row[2])[-dashboard.CHART_ROWS :]
        smaller = sorted(charted, key=lambda row: row[2])[: -dashboard.CHART_ROWS]
        assert all(row[1] in text for row in largest)
        assert not any(row[1] in text for row in smaller)
        positions = [text.index(row[1]) for row in charted if row in largest]
        assert positions == sorted(positions)  # in the order of name


def test_largest_keeps_the_given_order_and_the_earlier_of_ties() -> None:
    rows = [("a", Decimal(5)), ("b", Decimal(1)), ("c", Decimal(5)), ("d", Decimal(5))]
    assert dashboard.largest(rows, 2) == [("a", Decimal(5)), ("c", Decimal(5))]
    assert dashboard.largest(rows, 9) == rows
