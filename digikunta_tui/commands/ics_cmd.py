"""``digikunta ics``: one webinar as an iCalendar (.ics) file for calendar invitations."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from .context import CommandContext
from .export_cmd import write_output
from .lookup import resolve_record

STATE_FILE = "ics-exports.json"
"""In the data folder: per webinar, the calendar-relevant fields of its last export."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``ics`` command."""
    p = sub.add_parser(
        "ics",
        help="write a webinar's calendar invitation (.ics)",
        description="Write one webinar as an iCalendar file with a stable UID. If its time, "
        "duration, title, join link or status changed since the last export, its sequence "
        "number is raised (and saved, so it syncs) so that calendars update the event. "
        "WEBINAR is an id, the first 6+ characters of one, or the title.",
        epilog="examples:\n"
        "  digikunta ics 'Digikokeileva kunta -verkoston aloitus' -o aloitus.ics\n"
        "  digikunta ics 3f9a1c > webinaari.ics",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("webinar", metavar="WEBINAR", help="id, id prefix or title")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    p.set_defaults(func=run)


def _load_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Resolve the webinar, bump its sequence when needed, write the .ics.

    A webinar without a readable start is refused before anything is written or saved.
    """
    from ..domain.ics import (
        SEQUENCE_FIELDS,
        bump_sequence_if_changed,
        presenter_names,
        start_of,
        webinar_to_ics,
    )

    repo = ctx.repository()
    wid, fields = resolve_record(repo, "webinar", args.webinar)
    start_of(fields)
    state_path = ctx.data_dir / STATE_FILE
    state = _load_state(state_path)
    last = state.get(wid)
    if isinstance(last, dict):
        sequence = bump_sequence_if_changed(last, fields)
        if sequence != (fields.get("ical_sequence") or 0):
            repo.update("webinar", wid, {"ical_sequence": sequence})
            fields = repo.require("webinar", wid)
    presenters = presenter_names(fields, repo.person_name)
    text = webinar_to_ics(fields, webinar_id=wid, presenters=presenters)
    write_output(text, args.output)
    state[wid] = {name: fields.get(name) for name in (*SEQUENCE_FIELDS, "ical_sequence")}
    _save_state(state_path, state)
    return 0
