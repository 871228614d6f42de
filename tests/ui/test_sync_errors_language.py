"""The app says the sync library's errors in its language, literally, and again after ``f2``."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from textual.notifications import Notify
from textual.widgets import Static

from digikunta_tui.ui.messages import SyncFailed
from sync import FileRemote, HttpRemote

SIZE = (100, 30)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _sync_and_fail(app: Any, pilot: Any, messages: list[object]) -> tuple[SyncFailed, str]:
    """Press ``s``; return the failure and the notification the app showed for it."""
    messages.clear()
    await pilot.press("s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    failures = [m for m in messages if isinstance(m, SyncFailed)]
    notes = [m.notification for m in messages if isinstance(m, Notify)]
    assert len(failures) == 1 and len(notes) == 1
    assert notes[0].markup is False  # paths and server words are shown as they are
    return failures[0], notes[0].message


async def test_a_refused_document_and_an_offline_server_in_finnish(
    make_app, tmp_path: Path
) -> None:
    folder = tmp_path / "[b]jaettu"
    folder.mkdir()
    shared = folder / "digikunta.json"
    content = b'{"format": "digikunta-sync", "records": [1,, 2]}\n'
    shared.write_bytes(content)
    with pytest.raises(json.JSONDecodeError) as where:
        json.loads(content)
    line, column = where.value.lineno, where.value.colno
    said = f"{shared}: ei kelvollista JSONia (rivi {line}, sarake {column})"
    messages: list[object] = []
    app = make_app(remote=FileRemote(shared), language="fi")
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        failure, note = await _sync_and_fail(app, pilot, messages)
        assert failure.kind == "document" and failure.message == said
        assert note == "Jaettu tiedosto hylättiin.\n" + said
        await pilot.press("5")
        await pilot.pause()
        status = app.screen.query_one("#sync-status", Static)
        assert said in str(status.render()) and "not valid JSON" not in str(status.render())
        await pilot.press("f2")  # English: the library's own words
        await pilot.pause()
        english = str(app.screen.query_one("#sync-status", Static).render())
        assert f"{shared}: not valid JSON (line" in english and "kelvollista" not in english
        await pilot.press("f2")
        await pilot.pause()
        assert shared.read_bytes() == content  # refused: left as it was

        url = f"http://127.0.0.1:{_closed_port()}/digikunta.json"
        app.remote = HttpRemote(url, retries=0, timeout=5)
        failure, note = await _sync_and_fail(app, pilot, messages)
        assert failure.kind == "offline"
        assert failure.message.startswith(f"{url} ei vastannut: ")
        assert failure.message.endswith("(yrityksiä: 1)")
        assert note.startswith("Ei yhteyttä jaettuun aineistoon.") and failure.message in note
        assert "could not be reached" not in note
