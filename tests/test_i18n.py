"""The translation function and the catalogues of every language (all files, present and future)."""

from __future__ import annotations

import json
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from digikunta_tui import i18n
from digikunta_tui.i18n import (
    LOCALES_DIR,
    available_languages,
    catalogue_keys,
    counted,
    detect_language,
    get_language,
    set_language,
    t,
)

EN_FILES = sorted(path.name for path in (LOCALES_DIR / "en").glob("*.json"))


@pytest.fixture(autouse=True)
def _english_and_fresh_cache() -> Iterator[None]:
    """Each test starts in English with catalogues read from disk, and leaves it that way."""
    i18n.clear_cache()
    set_language("en")
    yield
    set_language("en")
    i18n.clear_cache()


def _load(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_both_languages_are_available() -> None:
    assert set(available_languages()) >= {"en", "fi"}


@pytest.mark.parametrize("filename", EN_FILES)
def test_every_english_catalogue_file_has_a_finnish_twin_with_the_same_keys(filename: str) -> None:
    english = _load(LOCALES_DIR / "en" / filename)
    finnish_path = LOCALES_DIR / "fi" / filename
    assert finnish_path.exists(), f"fi/{filename} is missing"
    finnish = _load(finnish_path)
    assert sorted(set(english) - set(finnish)) == [], "keys missing from Finnish"
    assert sorted(set(finnish) - set(english)) == [], "keys missing from English"


def test_every_finnish_catalogue_file_has_an_english_twin() -> None:
    finnish_files = sorted(path.name for path in (LOCALES_DIR / "fi").glob("*.json"))
    assert finnish_files == EN_FILES


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_catalogue_files_are_flat_objects_of_non_empty_text(lang: str) -> None:
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        data = _load(path)
        assert isinstance(data, dict), path
        for key, value in data.items():
            assert isinstance(value, str) and value.strip(), f"{path.name}: {key}"
            assert key == key.strip() and " " not in key, f"{path.name}: bad key {key!r}"


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_no_key_is_defined_in_two_files_of_one_language(lang: str) -> None:
    owner: dict[str, str] = {}
    clashes: list[str] = []
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        for key in _load(path):
            if key in owner:
                clashes.append(f"{key} in {owner[key]} and {path.name}")
            owner[key] = path.name
    assert clashes == []


@pytest.mark.parametrize("filename", EN_FILES)
def test_placeholders_are_the_same_in_both_languages(filename: str) -> None:
    english = _load(LOCALES_DIR / "en" / filename)
    finnish = _load(LOCALES_DIR / "fi" / filename)
    mismatches = [
        key
        for key in english.keys() & finnish.keys()
        if _placeholders(english[key]) != _placeholders(finnish[key])
    ]
    assert sorted(mismatches) == []


def test_catalogue_keys_merges_all_files_of_the_language() -> None:
    expected: set[str] = set()
    for path in (LOCALES_DIR / "fi").glob("*.json"):
        expected |= set(_load(path))
    assert catalogue_keys("fi") == expected
    assert "validation.required" in catalogue_keys("fi")


def test_translates_into_the_current_language() -> None:
    assert t("validation.required") == "Required field"
    set_language("fi")
    assert get_language() == "fi"
    assert t("validation.required") == "Pakollinen kenttä"


def test_formats_placeholders() -> None:
    set_language("fi")
    assert t("validation.too_long", max_length=300) == "Liian pitkä (enintään 300 merkkiä)"


def test_a_missing_placeholder_stays_visible_instead_of_failing() -> None:
    assert t("validation.too_long") == "Too long (at most {max_length} characters)"


def test_falls_back_to_english_then_to_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "fi").mkdir()
    (tmp_path / "en" / "a.json").write_text(
        json.dumps({"only.english": "Only {what}", "both": "Both"}), encoding="utf-8"
    )
    (tmp_path / "fi" / "a.json").write_text(json.dumps({"both": "Molemmat"}), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.clear_cache()
    set_language("fi")
    assert t("both") == "Molemmat"
    assert t("only.english", what="here") == "Only here"
    assert t("no.such.key") == "no.such.key"


def test_all_json_files_of_a_language_are_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "domain.json").write_text(json.dumps({"a": "A"}), encoding="utf-8")
    (tmp_path / "en" / "ui.json").write_text(json.dumps({"b": "B"}), encoding="utf-8")
    (tmp_path / "en" / "broken.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.clear_cache()
    assert catalogue_keys("en") == {"a", "b"}
    assert (t("a"), t("b")) == ("A", "B")


def test_set_language_refuses_an_unsupported_language() -> None:
    with pytest.raises(ValueError, match="sv"):
        set_language("sv")
    assert get_language() == "en"


@pytest.mark.parametrize(
    ("configured", "environ", "expected"),
    [
        (None, {"LANG": "fi_FI.UTF-8"}, "fi"),
        (None, {"LANG": "en_US.UTF-8"}, "en"),
        (None, {}, "en"),
        (None, {"LANG": "C"}, "en"),
        ("en", {"LANG": "fi_FI.UTF-8"}, "en"),
        ("fi", {"LANG": "en_GB.UTF-8"}, "fi"),
        (" FI ", {}, "fi"),
        ("auto", {"LANG": "fi_FI.UTF-8"}, "fi"),
        ("", {"LANG": "fi_FI.UTF-8"}, "fi"),
        # LC_ALL overrides LC_MESSAGES, which overrides LANG.
        (None, {"LC_ALL": "fi_FI.UTF-8", "LANG": "en_US.UTF-8"}, "fi"),
        (None, {"LC_ALL": "C.UTF-8", "LANG": "fi_FI.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "fi_FI", "LANG": "en_US"}, "fi"),
        (None, {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "fi_FI"}, "fi"),
    ],
)
def test_detect_language(configured: str | None, environ: dict[str, str], expected: str) -> None:
    assert detect_language(configured, environ) == expected


def test_importing_i18n_does_not_import_pydantic() -> None:
    code = (
        "import sys, digikunta_tui.i18n as m; m.t('validation.required'); "
        "print('pydantic' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"


_T_CALL = re.compile(r"""(?:\b_?t\(|\bt_in\([^,()]+,)\s*(["'])([a-z][\w.\-]*)\1""")
"""A translation call with a literal key: ``t("key"``, ``_t("key"``, ``t_in(lang, "key"``."""


def test_every_literal_key_the_code_translates_exists_in_both_languages() -> None:
    package = LOCALES_DIR.parent
    used: dict[str, str] = {}
    for path in sorted(package.rglob("*.py")):
        for match in _T_CALL.finditer(path.read_text(encoding="utf-8")):
            used.setdefault(match.group(2), str(path.relative_to(package)))
    assert len(used) > 300  # the scan finds the app's keys (it is not looking at nothing)
    for lang in ("fi", "en"):
        known = catalogue_keys(lang)
        missing = sorted(f"{key} ({where})" for key, where in used.items() if key not in known)
        assert missing == [], lang


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_keys_of_a_prefix_with_its_own_files_live_only_in_those_files(lang: str) -> None:
    strays = [
        f"{path.name}: {key}"
        for path in sorted((LOCALES_DIR / lang).glob("*.json"))
        for key in _load(path)
        if (files := i18n.PREFIX_FILES.get(key.split(".", 1)[0])) and path.name not in files
    ]
    assert strays == []


def test_a_cli_text_reads_only_the_cli_files(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    original = i18n._read_catalogue_file

    def recording(path: Path) -> dict[str, str]:
        read.append(f"{path.parent.name}/{path.name}")
        return original(path)

    monkeypatch.setattr(i18n, "_read_catalogue_file", recording)
    set_language("fi")
    assert t("cli.error", message="x") == "digikunta: virhe: x"
    assert t("cli.msg.syncing") == "synkronoidaan"  # cli_messages.json
    assert sorted(read) == ["fi/cli.json", "fi/cli_messages.json"]
    assert t("validation.required") == "Pakollinen kenttä"  # anything else: every file
    assert len(read) == 2 + len(list((LOCALES_DIR / "fi").glob("*.json")))


def test_counts_read_right_in_finnish_and_in_english() -> None:
    set_language("fi")
    assert counted("webinar", 1) == "1 webinaari"
    assert counted("webinar", 2) == "2 webinaaria"
    assert counted("webinar", 0) == "0 webinaaria"
    assert counted("person", 12_345) == "12 345 henkilöä"
    assert counted("story", 1) == "1 kokeilutarina"
    set_language("en")
    assert counted("webinar", 1) == "1 webinar"
    assert counted("person", 2) == "2 people"
    assert counted("story", 0) == "0 stories"


def test_every_record_kind_has_both_counted_forms_in_both_languages() -> None:
    from digikunta_tui.domain.validation import KIND_FIELDS

    for lang in ("fi", "en"):
        keys = catalogue_keys(lang)
        for kind in KIND_FIELDS:
            assert {f"count.{kind}.one", f"count.{kind}.other"} <= keys, (lang, kind)
