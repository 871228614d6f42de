"""The palette's "report: write network report": the whole network's report to a file.

The path prompt opens with the export folder and ``digikunta-raportti-YYYYMMDD.html``; the
report is gathered and written in a thread worker (seconds on a large network), and the
notice names the file. A name ending in ``.pdf`` is printed by Chromium when it is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

from digikunta_tui.i18n import get_language, t

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp


class ReportWritten(Message):
    """The report worker finished: ``path`` was written, or ``error`` says why not."""

    def __init__(self, path: Path, error: str = "") -> None:
        """Args: path: the file; error: why it was not written (shown literally)."""
        super().__init__()
        self.path = path
        """The file asked for."""
        self.error = error
        """Empty when written."""


def write_report_file(repo: Repository, path: Path, *, lang: str, today: Any) -> None:
    """Gather the network's report and write it to ``path`` whole (HTML, or PDF for .pdf).

    Raises:
        OSError: the file could not be written. UserError: no Chromium for a PDF.
    """
    from digikunta_tui.domain.report import make_report, report_html
    from digikunta_tui.ui.export import write_atomically

    html = report_html(make_report(repo, today=today), lang=lang)
    if path.suffix.lower() == ".pdf":
        from digikunta_tui.domain.report.browser import print_html

        print_html(html, path)
    else:
        write_atomically(path, html)


def write_network_report(app: DigikuntaApp) -> None:
    """Ask where (the export folder filled in), then write the report in a worker."""
    from digikunta_tui.ui.dialogs.save_path import SavePathDialog
    from digikunta_tui.ui.export import export_folder_of

    today = app.now().date()
    lang = get_language()

    def work(path: Path) -> None:
        from digikunta_tui.errors import UserError

        try:
            write_report_file(app.repo, path, lang=lang, today=today)
        except OSError as exc:
            app.post_message(ReportWritten(path, f"{exc.filename or path}: {exc.strerror or exc}"))
        except UserError as exc:
            app.post_message(ReportWritten(path, str(exc)))
        else:
            app.post_message(ReportWritten(path))

    def chosen(path: Path | None) -> None:
        if path is None:
            return
        app.notify(t("report.writing"), markup=False)
        app.run_worker(
            lambda: work(path),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="report",
            description="Writing the report",
        )

    name = t("report.file_name", day=f"{today:%Y%m%d}")
    app.push_screen(SavePathDialog(t("report.prompt_title"), export_folder_of(app), name), chosen)


def report_written_notice(app: DigikuntaApp, message: ReportWritten) -> None:
    """The notice after the worker: the file's path, or why it was not written."""
    if message.error:
        app.notify(t("report.failed", error=message.error), severity="error", markup=False)
    else:
        app.notify(t("report.written", path=str(message.path)), markup=False)
