"""Writing the app's exports where people choose: a path prompt, an atomic write, a notice.

Every file the app writes (the members spreadsheet, the mailing list, a webinar's ``.ics``, a
GDPR export) goes through :func:`save_file`: the path prompt opens with the export folder
(``[export] folder``, else the platform's documents or downloads folder, never the current
directory) and a file name filled in; the notification afterwards names the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from digikunta_tui.i18n import get_language, t

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp


def export_folder_of(app: DigikuntaApp) -> Path:
    """The app's export folder (the platform default when the app was given none)."""
    folder = getattr(app, "export_folder", None)
    if isinstance(folder, Path):
        return folder
    from digikunta_tui.config import default_export_folder

    return default_export_folder()


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write the whole file or nothing (a temporary file beside it, then a rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="")
        else:
            tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_file(
    app: DigikuntaApp,
    title: str,
    name: str,
    make: Callable[[], str | bytes],
    written: Callable[[Path], str],
) -> None:
    """Ask where to write ``name``, write what ``make()`` returns, notify ``written(path)``.

    Args:
        app: the app (its ``export_folder``, ``push_screen`` and ``notify``).
        title: the prompt's title ("Export the members").
        name: the suggested file name.
        make: the file's content (called once the path is chosen).
        written: the notification text for the written path (it names the file).
    """
    from digikunta_tui.ui.dialogs.save_path import SavePathDialog

    def chosen(path: Path | None) -> None:
        if path is None:
            return
        try:
            write_atomically(path, make())
        except OSError as exc:
            error = f"{exc.filename or path}: {exc.strerror or exc}"
            app.notify(t("exports.write_failed", error=error), severity="error", markup=False)
            return
        app.notify(written(path), markup=False)

    app.push_screen(SavePathDialog(title, export_folder_of(app), name), chosen)


def members_file_name(now: datetime) -> str:
    """``digikunta-jasenet-20171201.csv`` (in English ``digikunta-members-…``)."""
    return t("exports.members_file", day=f"{now:%Y%m%d}")


def members_sheet(repo: Repository) -> tuple[str, int]:
    """Every person as a spreadsheet CSV in the UI's language, and how many there are.

    The same file as ``digikunta export people --format spreadsheet``: names instead of ids,
    translated roles, ``;`` and a BOM for Excel; ``digikunta import`` reads it back.
    """
    from digikunta_tui.domain.transfer import export_records
    from digikunta_tui.domain.transfer_sheet import export_sheet

    records = export_records(repo, "person")
    return export_sheet(repo, "person", records, lang=get_language()), len(records)


def export_members(app: DigikuntaApp) -> None:
    """Ask where, then write the members spreadsheet; the notice names the file."""
    count = 0

    def make() -> str:
        nonlocal count
        text, count = members_sheet(app.repo)
        return text

    save_file(
        app,
        t("exports.members_title"),
        members_file_name(app.now()),
        make,
        lambda path: t("exports.members_written", count=count, path=str(path)),
    )
