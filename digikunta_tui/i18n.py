"""The one translation function of the app: ``t(key, **params)``.

Catalogues are flat JSON objects (dotted key → text) under ``locales/<lang>/*.json``; every JSON
file in a language folder is merged, so each part of the app keeps its own file (``domain.json``,
``ui.json``, ``cli.json`` …). Loading is lazy and cached and uses only the standard library: the
app's first paint must not wait for pydantic or for catalogues it does not show.

Keys whose first part is in :data:`PREFIX_FILES` (``cli.…``, ``count.…``, ``sync_error.…``)
live only in the files named there, so looking one up reads just those files: the CLI's
``digikunta sync`` finding nothing to do reads two small files instead of every catalogue.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path

LOCALES_DIR: Path = Path(__file__).parent / "locales"
"""Folder holding one sub-folder of catalogue files per language."""

FALLBACK_LANGUAGE = "en"
"""Language used when a key is missing from the current language's catalogue."""

SUPPORTED_LANGUAGES: tuple[str, ...] = ("fi", "en")
"""Languages the app can be switched to."""

PREFIX_FILES: dict[str, tuple[str, ...]] = {
    "cli": ("cli.json", "cli_messages.json"),
    "count": ("counts.json",),
    "sync_error": ("sync_errors.json",),
}
"""Key prefix → the only catalogue files that define keys with it (a test holds them to it)."""

_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_current_language = FALLBACK_LANGUAGE
_catalogues: dict[str, dict[str, str]] = {}
_file_catalogues: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {}
_lock = threading.Lock()


class _KeepMissing(dict[str, object]):
    """Format parameters that leave an unknown ``{placeholder}`` visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def available_languages() -> tuple[str, ...]:
    """Return the languages that have a catalogue folder with at least one JSON file, sorted.

    Returns:
        Language codes such as ``("en", "fi")``.
    """
    if not LOCALES_DIR.is_dir():
        return ()
    return tuple(
        sorted(
            folder.name
            for folder in LOCALES_DIR.iterdir()
            if folder.is_dir() and any(folder.glob("*.json"))
        )
    )


def catalogue_files(lang: str) -> list[Path]:
    """Return the catalogue files of ``lang`` in the order they are merged (sorted by name)."""
    folder = LOCALES_DIR / lang
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.json"))


def _read_catalogue_file(path: Path) -> dict[str, str]:
    """Read one catalogue file; a broken file is skipped so that one bad file cannot stop the app.

    The test suite checks every file strictly, so skipping here only protects users.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str)}


def _catalogue(lang: str) -> dict[str, str]:
    """Return the merged catalogue of ``lang``, loading it on first use."""
    catalogue = _catalogues.get(lang)
    if catalogue is None:
        with _lock:
            catalogue = _catalogues.get(lang)
            if catalogue is None:
                catalogue = {}
                for path in catalogue_files(lang):
                    catalogue.update(_read_catalogue_file(path))
                _catalogues[lang] = catalogue
    return catalogue


def _prefix_catalogue(lang: str, files: tuple[str, ...]) -> dict[str, str]:
    """The keys of ``files`` of ``lang`` only (the files of one :data:`PREFIX_FILES` entry)."""
    catalogue = _file_catalogues.get((lang, files))
    if catalogue is None:
        with _lock:
            catalogue = _file_catalogues.get((lang, files))
            if catalogue is None:
                catalogue = {}
                for name in files:
                    path = LOCALES_DIR / lang / name
                    if path.is_file():
                        catalogue.update(_read_catalogue_file(path))
                _file_catalogues[(lang, files)] = catalogue
    return catalogue


def _lookup(lang: str, key: str) -> str | None:
    """The text of ``key`` in ``lang`` (``None`` when missing), reading as few files as can be."""
    files = PREFIX_FILES.get(key.split(".", 1)[0])
    if files is not None:
        return _prefix_catalogue(lang, files).get(key)
    return _catalogue(lang).get(key)


def template(key: str) -> str | None:
    """The unformatted text of ``key`` in the current language (else English), or ``None``."""
    for lang in (_current_language, FALLBACK_LANGUAGE):
        text = _lookup(lang, key)
        if text is not None:
            return text
    return None


def has_text(key: str, lang: str = FALLBACK_LANGUAGE) -> bool:
    """True when ``lang``'s catalogue defines ``key``."""
    return _lookup(lang, key) is not None


def clear_cache() -> None:
    """Forget loaded catalogues so that the next lookup reads the files again."""
    with _lock:
        _catalogues.clear()
        _file_catalogues.clear()


def catalogue_keys(lang: str) -> set[str]:
    """Return every key defined by the catalogue files of ``lang`` (empty if there are none)."""
    return set(_catalogue(lang))


def set_language(lang: str) -> None:
    """Make ``lang`` (``"fi"`` or ``"en"``) the language ``t()`` uses.

    Raises:
        ValueError: ``lang`` is not a supported language.
    """
    global _current_language
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(
            f"Unsupported language {lang!r}; choose one of {', '.join(SUPPORTED_LANGUAGES)}"
        )
    _current_language = lang


def get_language() -> str:
    """Return the language ``t()`` currently uses."""
    return _current_language


def detect_language(configured: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """Choose the UI language: the configured one wins, else the locale environment decides.

    Args:
        configured: the language from the config file; ``None``, ``""`` or ``"auto"`` (or an
            unsupported value) means "not configured".
        environ: the environment to read ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` from, in that
            order of precedence (the first one set decides, as in POSIX).

    Returns:
        ``"fi"`` or ``"en"``.
    """
    if configured:
        wanted = configured.strip().lower()
        if wanted in SUPPORTED_LANGUAGES:
            return wanted
    for variable in _LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            return "fi" if value.lower().startswith("fi") else FALLBACK_LANGUAGE
    return FALLBACK_LANGUAGE


def t(key: str, /, **params: object) -> str:
    """Translate ``key`` into the current language and fill in ``{placeholders}`` from ``params``.

    Falls back to English when the current language lacks the key, and to the key itself when no
    catalogue has it. A placeholder without a parameter is left visible rather than failing.

    Args:
        key: a flat dotted catalogue key such as ``"validation.email"``.
        **params: values for the ``{name}`` placeholders of the text.

    Returns:
        The translated, formatted text.
    """
    return t_in(_current_language, key, **params)


def t_in(language: str, key: str, /, **params: object) -> str:
    """Translate ``key`` into ``language`` (not necessarily the current one), as :func:`t` does.

    For text that must exist in every language at once (the search index holds the labels of
    choice values in both, so that either language's word finds them).
    """
    template: str | None = None
    for lang in (language, FALLBACK_LANGUAGE):
        template = _lookup(lang, key)
        if template is not None:
            break
    if template is None:
        return key
    try:
        return template.format_map(_KeepMissing(params))
    except (ValueError, IndexError, AttributeError, TypeError):
        return template


def grouped(number: int) -> str:
    """``12 345``: digits grouped by three with spaces, as Finnish writes them (so does the CLI)."""
    return f"{number:,}".replace(",", " ")


def counted(noun: str, count: int, /) -> str:
    """``count`` and the noun ``noun`` in a form that reads right: ``1 webinar``, ``2 webinars``.

    Finnish takes the partitive after every number but one (``1 webinaari``, ``0 webinaaria``,
    ``2 webinaaria``). ``noun`` names the catalogue keys ``count.NOUN.one`` and
    ``count.NOUN.other`` (a record kind such as ``person``, or another counted thing).
    """
    form = "one" if count == 1 else "other"
    number = grouped(count) if _current_language == "fi" else str(count)  # "2 500" / "2500"
    return t(f"count.{noun}.{form}", count=number)
