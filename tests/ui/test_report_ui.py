"""Impact in the app: a story's measurements as a chart, hours per organisation on the
dashboard, and the palette's "report: write network report" writing the file it names."""

from __future__ import annotations

from pathlib import Path

import html5lib
from forms_testing import settle
from notices import notices_of
from textual.command import Command, CommandList
from textual.widgets import Input, Static

from digikunta_tui.domain.demo import demo_id
from digikunta_tui.ui.dialogs.save_path import SavePathDialog
from digikunta_tui.ui.widgets.series_chart import BASELINE, MEASUREMENT, TARGET

SIZE = (120, 40)


async def test_story_chart_dashboard_hours_and_the_palettes_report(
    make_app, repo, screen_text, tmp_path: Path
) -> None:
    folder = tmp_path / "Asiakirjat"
    folder.mkdir()
    app = make_app(language="fi", export_folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The dashboard: hours per organisation beside the savings.
        text = screen_text(app).replace("\xa0", " ")
        assert "Säästöt organisaatioittain" in text
        assert "Säästetyt tunnit organisaatioittain" in text
        impact = app.query_one("#impact", Static)
        assert "12" in str(impact.render()).split("Säästetyt tunnit organisaatioittain")[1]

        # The story detail: one dot per measurement, the baseline and the target line.
        story = demo_id("story", "kiinteistohuolto")
        await pilot.press("4")
        await settle(pilot)
        app.screen.show_record("story", story)
        await settle(pilot)
        shown = str(app.screen.query_one("#indicators", Static).render())
        expected = sum(len(fields["measurements"]) for _id, fields in repo.indicators_of(story))
        assert expected == 3
        assert shown.count(MEASUREMENT) == expected
        assert shown.count(BASELINE) == 2 and TARGET in shown
        assert "31.10.2017" in shown and "2.5.2017" in shown  # first and last dates

        # The palette: the action is listed, Enter on it asks where, Enter writes and names it.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"raportti")
        for _ in range(100):
            await pilot.pause(0.05)
            options = app.screen.query_one(CommandList)
            titles = [
                str(option.hit.text)
                for option in (options.get_option_at_index(i) for i in range(options.option_count))
                if isinstance(option, Command)
            ]
            if "raportti: kirjoita verkoston raportti" in titles:
                break
        else:
            raise AssertionError(f"the palette never offered the report: {titles}")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SavePathDialog)
        written = folder / "digikunta-raportti-20171201.html"
        assert dialog.query_one("#save-path", Input).value == str(written)
        await pilot.press("enter")
        await settle(pilot)
        assert written.is_file()
        notices = [n.message for n in notices_of(app)]
        assert f"Raportti kirjoitettu: {written}" in notices
    doc = html5lib.parse(written.read_text("utf-8"), treebuilder="etree")
    titles = ["".join(h.itertext()) for h in doc.iter("{http://www.w3.org/1999/xhtml}h1")]
    assert titles == ["Vaikuttavuusraportti: koko verkosto"]
    assert "laadittu 1.12.2017" in written.read_text("utf-8")
