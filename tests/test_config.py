"""Config: the example file is valid, environment overrides, bad settings are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from digikunta_tui.config import (
    ConfigError,
    config_path,
    data_dir,
    load_config,
    load_ui_state,
    save_ui_state,
)

REPO = Path(__file__).resolve().parents[1]


def test_the_example_config_is_valid_and_documents_every_setting() -> None:
    cfg = load_config(REPO / "config.example.toml", environ={})
    assert cfg.replica.name == "Ville, laptop"
    assert cfg.sync.remote.endswith("digikunta.json")
    text = (REPO / "config.example.toml").read_text("utf-8")
    for section in ("replica", "sync", "ui", "export"):
        model = getattr(cfg, section)
        for name in model._fields:
            assert f"\n{name} = " in text or f"\n# {name} = " in text, f"{section}.{name}"


def test_the_file_rules_mirror_the_settings_and_their_defaults() -> None:
    from digikunta_tui.config import Config
    from digikunta_tui.config_schema import ConfigFile

    config = Config()
    defaults: dict[str, object] = {name: getattr(config, name) for name in config._fields}
    for section in ("replica", "sync", "ui", "export"):
        defaults[section] = getattr(config, section)._asdict()
    defaults["keys"] = dict(defaults["keys"])
    assert defaults.pop("source") is None
    assert ConfigFile().model_dump() == defaults


def test_a_config_file_gives_the_same_settings_types(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[sync]\ntimeout = 5\nretries = 0\n[keys]\nsync-now = "ctrl+y"\n', "utf-8")
    cfg = load_config(path, environ={})
    assert cfg.source == path
    assert cfg.sync.timeout == 5.0 and isinstance(cfg.sync.timeout, float)
    assert cfg.sync.retries == 0 and cfg.sync.full_sync_every == 20
    assert cfg.keys == {"sync-now": "ctrl+y"}


def test_missing_config_gives_defaults(tmp_path: Path) -> None:
    cfg = load_config(tmp_path / "nope.toml", environ={})
    assert cfg.source is None
    assert cfg.ui.language == "auto"
    assert cfg.sync.remote == ""


def test_environment_overrides_paths(tmp_path: Path) -> None:
    env = {"DIGIKUNTA_CONFIG": str(tmp_path / "c.toml"), "DIGIKUNTA_DATA_DIR": str(tmp_path / "d")}
    assert config_path(env) == tmp_path / "c.toml"
    (tmp_path / "c.toml").write_text('[replica]\ndata_dir = "/elsewhere"\n', "utf-8")
    cfg = load_config(None, environ=env)
    assert data_dir(cfg, env) == tmp_path / "d"
    assert data_dir(cfg, {}) == Path("/elsewhere")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[sync\nremote = 1", "not valid TOML"),
        ('[ui]\nlanguage = "sv"', "setting ui.language"),
        ("[sync]\nretries = -1", "setting sync.retries"),
        ('[sync]\npassword = "x"', "setting sync.password"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_ui_state_round_trips_and_ignores_garbage(tmp_path: Path) -> None:
    path = tmp_path / "ui-state.toml"
    save_ui_state(path, {"theme": "nord"})
    assert load_ui_state(path) == {"theme": "nord"}
    path.write_text("not = [toml", "utf-8")
    assert load_ui_state(path) == {}


def test_the_http_limits_are_read_with_their_types(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[sync]\nrequest_deadline_seconds = 45\nmax_document_mb = 12\n", "utf-8")
    cfg = load_config(path, environ={})
    assert cfg.sync.request_deadline_seconds == 45.0
    assert isinstance(cfg.sync.request_deadline_seconds, float)
    assert cfg.sync.max_document_mb == 12 and isinstance(cfg.sync.max_document_mb, int)
    defaults = load_config(tmp_path / "none.toml", environ={}).sync
    assert (defaults.request_deadline_seconds, defaults.max_document_mb) == (300.0, 256)


@pytest.mark.parametrize(
    "line",
    [
        "max_document_mb = 0",
        "max_document_mb = 4097",
        "max_document_mb = 1.5",
        "request_deadline_seconds = 0",
        "request_deadline_seconds = 0.5",
        "request_deadline_seconds = 86401",
    ],
)
def test_http_limits_outside_their_range_are_refused(tmp_path: Path, line: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[sync]\n{line}\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    assert f"setting sync.{line.split(' ')[0]}" in str(err.value)


def test_the_maximum_document_size_reaches_the_http_remote() -> None:
    from digikunta_tui.config import SyncSettings
    from digikunta_tui.remotes import make_remote
    from sync.errors import SyncError
    from sync.http_remote import HttpRemote

    # Port 9 (discard) on loopback: nothing is sent, the size is refused before connecting.
    settings = SyncSettings(remote="http://127.0.0.1:9/d.json", max_document_mb=1)
    remote = make_remote(settings, environ={})
    assert isinstance(remote, HttpRemote)
    with remote, pytest.raises(SyncError) as err:
        remote.write(b" " * (1024 * 1024 + 1), None, scrub=frozenset())
    assert "maximum document size of 1 MB" in str(err.value)
    assert "max_document_mb" in str(err.value)
