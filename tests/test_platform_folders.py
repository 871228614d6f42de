"""The app's platform folders are the ones platformdirs names, also where they are worked out
without it (Linux: the XDG base directories)."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from digikunta_tui.platform_folders import APP_NAME, _xdg, config_folder, data_folder

ENVIRONMENTS = [
    {"HOME": "/home/ville"},
    {"HOME": "/home/ville/"},
    {"HOME": "/"},
    {"HOME": "/home/ville", "XDG_CONFIG_HOME": "", "XDG_DATA_HOME": ""},
    {"HOME": "/home/ville", "XDG_CONFIG_HOME": "/srv/conf", "XDG_DATA_HOME": "/srv/data/"},
    {"HOME": "/home/ville", "XDG_CONFIG_HOME": "relative/conf", "XDG_DATA_HOME": "  "},
    {"HOME": "relative", "XDG_CONFIG_HOME": "/srv/conf"},
    {"HOME": "relative"},
]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_folders_are_the_ones_platformdirs_names(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "ANDROID_DATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    try:
        expected = (platformdirs.user_config_path(APP_NAME), platformdirs.user_data_path(APP_NAME))
    except RuntimeError:  # no home platformdirs can find (a relative HOME, no passwd entry)
        with pytest.raises(RuntimeError):
            config_folder()
        return
    assert (config_folder(), data_folder()) == expected


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG rules are worked out on Linux only")
def test_on_linux_a_plain_environment_needs_no_platformdirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", "/home/ville")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    assert _xdg("XDG_CONFIG_HOME", ".config") == Path("/home/ville/.config/digikunta")
    assert _xdg("XDG_DATA_HOME", ".local/share") == Path("/srv/data/digikunta")
    monkeypatch.setenv("HOME", "relative")
    assert _xdg("XDG_CONFIG_HOME", ".config") is None  # left to platformdirs
