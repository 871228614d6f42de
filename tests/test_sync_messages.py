"""The sync library's errors carry a code and params; the app says them in its language."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from digikunta_tui import i18n
from digikunta_tui.sync_messages import sync_error_text
from sync import FileRemote
from sync.document import parse_document
from sync.errors import DocumentError, RemoteOffline, SyncError


@pytest.fixture(autouse=True)
def _finnish() -> Iterator[None]:
    i18n.set_language("fi")
    yield
    i18n.set_language("en")


def test_a_parse_error_names_its_case_and_its_values_and_keeps_its_english_message() -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(b'{"format": "digikunta-sync",, "x": 1}\n', "jaettu.json")
    error = caught.value
    assert error.code == "document.not_json"
    assert error.params == {"source": "jaettu.json", "line": 1, "column": 29}
    assert str(error).startswith("jaettu.json: not valid JSON (line 1, column 29")
    assert sync_error_text(error) == "jaettu.json: ei kelvollista JSONia (rivi 1, sarake 29)"
    i18n.set_language("en")
    assert sync_error_text(error) == str(error)  # English: the library's own words
    again = pickle.loads(pickle.dumps(error))  # across processes and threads, as it was
    assert (type(again), again.code, again.params, str(again)) == (
        DocumentError,
        error.code,
        error.params,
        str(error),
    )


def test_a_missing_shared_folder_is_offline_in_finnish(tmp_path: Path) -> None:
    remote = FileRemote(tmp_path / "ei-ole" / "digikunta.json")
    with pytest.raises(RemoteOffline) as caught:
        remote.read(None)
    assert caught.value.code == "offline.folder_missing"
    folder = tmp_path / "ei-ole"
    assert sync_error_text(caught.value) == f"{folder}: jaettu kansio ei ole saatavilla"


def test_what_the_catalogue_cannot_say_keeps_the_library_s_english() -> None:
    assert SyncError("plain").code == "sync"
    assert RemoteOffline("x").code == "offline"
    unknown = DocumentError("d.json: something new", code="document.never_heard_of", source="d")
    assert sync_error_text(unknown) == "d.json: something new"
    short = DocumentError("d.json: not valid JSON", code="document.not_json", source="d.json")
    assert sync_error_text(short) == "d.json: not valid JSON"  # line and column missing
    assert sync_error_text(ValueError("not ours")) == "not ours"


def test_a_notice_is_its_english_text_with_a_code_and_survives_pickling() -> None:
    from sync.errors import Notice

    notice = Notice("3 of 4 records were readable", code="notice.salvaged", source="s", records=3)
    assert notice == "3 of 4 records were readable" and "; ".join([notice, "x"]).endswith("; x")
    again = pickle.loads(pickle.dumps(notice))
    assert (again, again.code, again.params) == (notice, "notice.salvaged", notice.params)
    assert sync_error_text(again) == (
        "jaettu asiakirja s oli katkennut (keskeytynyt lähetys?); se kirjoitettiin uudelleen "
        "tämän koneen kopiosta: sen tietueista 3 oli luettavissa"
    )
