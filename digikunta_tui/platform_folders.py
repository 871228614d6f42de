"""The platform's config, data and cache folders for the app, as ``platformdirs`` names them.

On Linux they are the XDG base directories, and are worked out here without importing
``platformdirs``: on import it loads ``tempfile`` and with it ``shutil``, ``bz2``, ``lzma`` and
``random``, 27 M instructions, more than a ``digikunta sync`` that finds nothing to do spends
on its work (see :mod:`sync`). Anywhere else, or in an environment where the answer is not
plain (no absolute ``HOME``, Android), ``platformdirs`` answers. A test compares both.
"""

from __future__ import annotations

import os
import posixpath
import sys
from pathlib import Path

APP_NAME = "digikunta"


def _xdg(variable: str, default: str) -> Path | None:
    """``$variable/digikunta``, else ``~/default/digikunta``, as ``platformdirs`` gives it on
    Linux; None when ``platformdirs`` should be asked."""
    if sys.platform != "linux" or "ANDROID_DATA" in os.environ:
        return None
    base = os.environ.get(variable, "")
    if not posixpath.isabs(base):  # unset, empty or relative: the XDG rules ignore it
        if not posixpath.isabs(os.environ.get("HOME", "")):
            return None
        base = os.path.expanduser(f"~/{default}")
    return Path(base) / APP_NAME


def config_folder() -> Path:
    """Where the config file lives (``~/.config/digikunta`` on Linux)."""
    folder = _xdg("XDG_CONFIG_HOME", ".config")
    if folder is None:
        from platformdirs import user_config_path

        folder = user_config_path(APP_NAME)
    return folder


def cache_folder() -> Path:
    """Where the app keeps what it can make again (``~/.cache/digikunta`` on Linux)."""
    folder = _xdg("XDG_CACHE_HOME", ".cache")
    if folder is None:
        from platformdirs import user_cache_path

        folder = user_cache_path(APP_NAME)
    return folder


def data_folder() -> Path:
    """Where the replica and its search index live (``~/.local/share/digikunta`` on Linux)."""
    folder = _xdg("XDG_DATA_HOME", ".local/share")
    if folder is None:
        from platformdirs import user_data_path

        folder = user_data_path(APP_NAME)
    return folder
