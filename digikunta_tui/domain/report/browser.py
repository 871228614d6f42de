"""Printing the HTML report with headless Chromium: a PDF (``--print-to-pdf``) or a PNG.

Chromium lays out the CSS ``@page`` rules, fonts and inline SVG exactly as a browser shows the
HTML, so the PDF is the same report; no Python PDF library renders flex layout and SVG alike.
It is found on ``PATH`` (Debian's ``chromium``, or ``chromium-browser``, ``google-chrome``),
runs offline with a throw-away profile and no network features, and its console messages are
returned so that a caller (a test) can check the page raised none.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from digikunta_tui.errors import UserError
from digikunta_tui.i18n import t

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Program names tried, in order."""

TIMEOUT = 1800
"""Seconds a print may take: a report of thousands of experiments is thousands of pages (350
pages took 11 s)."""


@dataclass(frozen=True)
class Printed:
    """What Chromium wrote and said."""

    path: Path
    console: list[str]
    """The page's console messages (errors, CSP violations, failed loads); empty when clean."""


def find_browser() -> str | None:
    """The path of a Chromium on ``PATH``, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_html(
    html: str, target: Path, *, kind: str = "pdf", width: int = 1240, height: int = 1754
) -> Printed:
    """Print ``html`` to ``target`` as ``kind`` (``pdf`` or ``png``) with headless Chromium.

    The file is written beside ``target`` first and moved in place only when complete.

    Raises:
        UserError: no Chromium is installed, or it failed (the message says why).
    """
    browser = find_browser()
    if browser is None:
        raise UserError(t("report.no_browser"))
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="digikunta-print-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        out = Path(work) / f"out.{kind}"
        option = f"--print-to-pdf={out}" if kind == "pdf" else f"--screenshot={out}"
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # root in CI and containers; the page runs no script
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--disable-sync",
            f"--user-data-dir={Path(work) / 'profile'}",
            "--enable-logging=stderr",
            "--log-level=0",
            "--no-pdf-header-footer",
            f"--window-size={width},{height}",
            option,
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UserError(t("report.pdf_failed", error=str(exc))) from None
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
            raise UserError(t("report.pdf_failed", error=last[-300:]))
        console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
        partial = target.with_name(f".{target.name}.tmp")
        try:
            shutil.copyfile(out, partial)
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Printed(target, console)
