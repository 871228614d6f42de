"""Render docs/report-page.png: the first page of the demo data's report, by headless Chromium.

Usage: .venv/bin/python scripts/report_picture.py [--lang fi] [--out docs/report-page.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    """Build the demo in a temporary folder, render its report, screenshot the first page."""
    from digikunta_tui.domain.report import make_report, report_html
    from digikunta_tui.domain.report.browser import print_html
    from digikunta_tui.domain.repository import Repository

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="fi", choices=("fi", "en"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "report-page.png"))
    parser.add_argument("--height", type=int, default=1180)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Repository.open(Path(tmp) / "data")
        try:
            repo.load_demo()
            report = make_report(repo, today=date(2017, 12, 15))
        finally:
            repo.close()
        html = report_html(report, lang=args.lang)
        printed = print_html(html, Path(args.out), kind="png", width=860, height=args.height)
    if printed.console:
        raise SystemExit("\n".join(printed.console))
    print(printed.path)


if __name__ == "__main__":
    main()
