"""Save ``docs/screenshot.svg``: the dashboard on the demo data at 120×36 (for the README).

Deterministic: a frozen clock, no remote (so no sync time on screen), and the recent changes of
the demo (all written within a few milliseconds) listed in a stable order.
Usage: ``python scripts/screenshot.py [--language fi] [--out docs/screenshot.svg]``.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FROZEN_NOW = datetime(2017, 12, 1, 8, 0, tzinfo=UTC)
SIZE = (120, 36)


async def save(out: Path, language: str) -> None:
    """Run the app headless on fresh demo data and save the dashboard as SVG."""
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.i18n import set_language
    from digikunta_tui.ui.app import DigikuntaApp

    set_language(language)
    with tempfile.TemporaryDirectory() as folder:
        repo = Repository.open(Path(folder), replica_name="demo")
        repo.load_demo()
        recent = repo.recent_changes

        def stable(limit: int = 10) -> list[Any]:
            rows = recent(limit=100)
            return sorted(rows, key=lambda row: (row.kind, row.title, row.id))[:limit]

        repo.recent_changes = stable  # type: ignore[method-assign]
        app = DigikuntaApp(repo, remote=None, language=language, clock=lambda: FROZEN_NOW)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(filename=out.name, path=str(out.parent))
        repo.close()


def main() -> None:
    """Parse the arguments and save the screenshot."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="fi", choices=["fi", "en"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.svg")
    args = parser.parse_args()
    asyncio.run(save(args.out.resolve(), args.language))
    print(args.out)


if __name__ == "__main__":
    main()
