"""The config's parse cache: an unchanged file is read without tomllib, and the cache never
changes what a file says (a changed, damaged or unwritable cache is not used)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from digikunta_tui.config import ConfigError, load_config
from digikunta_tui.config_cache import CACHE_FILE
from digikunta_tui.platform_folders import cache_folder

TEXT = '[replica]\nname = "Ville, läppäri"\n[sync]\nremote = "/srv/a.json"\ntimeout = 30\n'


def _without_tomllib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tomllib", None)  # importing it now raises ImportError


def test_an_unchanged_file_is_read_without_the_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(TEXT, "utf-8")
    first = load_config(path, environ={})
    assert (cache_folder() / CACHE_FILE).is_file()
    _without_tomllib(monkeypatch)
    again = load_config(path, environ={})
    assert again == first and again.sync.timeout == 30.0 and again.replica.name == "Ville, läppäri"


def test_a_changed_file_is_parsed_again_even_of_the_same_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(TEXT, "utf-8")
    load_config(path, environ={})
    changed = TEXT.replace("timeout = 30", "timeout = 40")
    assert len(changed) == len(TEXT)
    path.write_text(changed, "utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the same mtime
    assert load_config(path, environ={}).sync.timeout == 40.0
    _without_tomllib(monkeypatch)  # ... and that parse is the one remembered
    assert load_config(path, environ={}).sync.timeout == 40.0


def test_another_file_with_the_same_text_is_its_own(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(TEXT, "utf-8")
    b.write_text(TEXT.replace("/srv/a.json", "/srv/b.json"), "utf-8")
    assert load_config(a, environ={}).sync.remote == "/srv/a.json"
    assert load_config(b, environ={}).sync.remote == "/srv/b.json"
    assert load_config(a, environ={}).sync.remote == "/srv/a.json"


@pytest.mark.parametrize(
    "damage",
    [b"", b"not json", b"[1, 2]", b'{"path": 1}', b"\xff\xfe", b'{"path": "P", "toml": "T"}'],
)
def test_a_damaged_cache_is_not_used(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_text(TEXT, "utf-8")
    cache = cache_folder() / CACHE_FILE
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(damage.replace(b"P", str(path).encode()).replace(b"T", TEXT.encode()))
    assert load_config(path, environ={}).sync.remote == "/srv/a.json"


def test_a_cache_that_says_something_else_is_validated_like_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(TEXT, "utf-8")
    load_config(path, environ={})
    cache = cache_folder() / CACHE_FILE
    cache.write_text(
        cache.read_text("utf-8").replace('"timeout": 30', '"timeout": 0'), "utf-8"
    )  # a careless hand: the rules still apply
    with pytest.raises(ConfigError, match="timeout"):
        load_config(path, environ={})


def test_an_unwritable_cache_folder_only_costs_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", "utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    path = tmp_path / "config.toml"
    path.write_text(TEXT, "utf-8")
    assert load_config(path, environ={}).sync.remote == "/srv/a.json"
    assert load_config(path, environ={}).sync.remote == "/srv/a.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "not-a-folder"]


def test_a_file_that_is_not_toml_is_refused_each_time(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[sync\nremote = 1\n", "utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError):
            load_config(path, environ={})
    path.write_bytes(b"\xff[sync]\n")
    with pytest.raises(ConfigError):
        load_config(path, environ={})
