"""The sync set-up's edit of config.toml keeps the user's comments, layout and other settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from digikunta_tui.config import ConfigError, load_config
from digikunta_tui.config_edit import edit_toml, write_settings

REPO = Path(__file__).resolve().parents[1]


def test_the_example_config_keeps_every_comment_and_line_but_the_changed_ones() -> None:
    text = (REPO / "config.example.toml").read_text("utf-8")
    edited = edit_toml(
        text,
        {("sync", "remote"): "/srv/jaettu/digi # kunta.json", ("replica", "name"): 'Ville "V"'},
    )
    before, after = text.splitlines(), edited.splitlines()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert [b for _a, b in changed] == [
        'name = "Ville \\"V\\""',
        'remote = "/srv/jaettu/digi # kunta.json"',
    ]
    # the commented-out alternative below the remote line is untouched
    assert '# remote = "https://pilvi.example.fi/' in edited


def test_a_trailing_comment_is_kept_and_a_missing_key_or_table_is_added() -> None:
    text = '# mine\n[sync]\nremote = "a#b"   # the old one\ntimeout = 5\n\n[ui]\nlanguage = "fi"\n'
    edited = edit_toml(text, {("sync", "remote"): "/x.json", ("replica", "name"): "Läppäri"})
    assert edited == (
        '# mine\n[sync]\nremote = "/x.json"  # the old one\ntimeout = 5\n\n[ui]\nlanguage = "fi"\n'
        '\n[replica]\nname = "Läppäri"\n'
    )
    assert edit_toml("[sync]\ntimeout = 5", {("sync", "remote"): "/y"}) == (
        '[sync]\nremote = "/y"\ntimeout = 5\n'
    )


def test_a_layout_it_cannot_edit_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    original = 'sync.remote = "/old.json"\n'
    path.write_text(original, "utf-8")
    with pytest.raises(ConfigError, match=r"sync\.remote"):
        write_settings(path, {("sync", "remote"): "/new.json"})
    assert path.read_text("utf-8") == original
    path.write_text("[sync\n", "utf-8")
    with pytest.raises(ConfigError, match="TOML"):
        write_settings(path, {("sync", "remote"): "/new.json"})


def test_a_missing_config_is_created_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "config.toml"
    write_settings(path, {("sync", "remote"): "/srv/digikunta.json", ("replica", "name"): "A"})
    cfg = load_config(path, environ={})
    assert cfg.sync.remote == "/srv/digikunta.json" and cfg.replica.name == "A"
    assert path.read_text("utf-8").startswith("# ")
