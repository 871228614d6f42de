"""Settings: read from a TOML file (stdlib ``tomllib``), validated, with sensible defaults.

Where: ``$DIGIKUNTA_CONFIG``, else ``config.toml`` in the platform's config folder
(``platformdirs``). The data folder: ``$DIGIKUNTA_DATA_DIR``, else ``[replica] data_dir``, else
the platform's data folder. Secrets never live here: only the *names* of environment variables.

UI choices the app remembers (theme) are written to a separate ``ui-state.toml`` with
``tomli-w``, so the user's commented config file is never rewritten.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

APP_NAME = "digikunta"


class ConfigError(Exception):
    """The config file is unreadable or has a bad setting (the message says which)."""


class ReplicaSettings(BaseModel):
    """``[replica]``: this laptop's copy."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=200)
    data_dir: str = ""


class SyncSettings(BaseModel):
    """``[sync]``: where the shared document lives and how to reach it."""

    model_config = ConfigDict(extra="forbid")
    remote: str = ""
    token_env: str = ""
    username: str = ""
    password_env: str = ""
    ca_bundle: str = ""
    allow_insecure_http: bool = False
    timeout: float = Field(default=10.0, gt=0, le=300)
    retries: int = Field(default=3, ge=0, le=10)
    full_sync_every: int = Field(default=20, ge=1)
    full_sync_minutes: float = Field(default=10.0, gt=0)
    auto_sync_minutes: float = Field(default=0.0, ge=0)


class UiSettings(BaseModel):
    """``[ui]``: language and theme."""

    model_config = ConfigDict(extra="forbid")
    language: Literal["auto", "fi", "en"] = "auto"
    theme: str = ""


class Config(BaseModel):
    """The whole config file."""

    model_config = ConfigDict(extra="forbid")
    replica: ReplicaSettings = ReplicaSettings()
    sync: SyncSettings = SyncSettings()
    ui: UiSettings = UiSettings()
    keys: dict[str, str] = Field(default_factory=dict)

    source: Path | None = Field(default=None, exclude=True)


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the config file is (it need not exist)."""
    if environ.get("DIGIKUNTA_CONFIG"):
        return Path(environ["DIGIKUNTA_CONFIG"]).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def load_config(path: Path | None = None, environ: Mapping[str, str] = os.environ) -> Config:
    """Read and validate the config; a missing file gives the defaults.

    Raises:
        ConfigError: the file is not TOML or a setting is wrong (message names file and key).
    """
    path = path or config_path(environ)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(source=None)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from None
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{path}: setting {where}: {err['msg']}") from None
    cfg.source = path
    return cfg


def data_dir(cfg: Config, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder holding the replica and its index."""
    if environ.get("DIGIKUNTA_DATA_DIR"):
        return Path(environ["DIGIKUNTA_DATA_DIR"]).expanduser()
    if cfg.replica.data_dir:
        return Path(cfg.replica.data_dir).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def ui_state_path(cfg: Config, environ: Mapping[str, str] = os.environ) -> Path:
    """Where remembered UI choices (theme) are kept."""
    return data_dir(cfg, environ) / "ui-state.toml"


def load_ui_state(path: Path) -> dict[str, str]:
    """Remembered UI choices; an unreadable file is ignored (it only holds preferences)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def save_ui_state(path: Path, state: Mapping[str, str]) -> None:
    """Remember UI choices (written atomically with tomli-w)."""
    import tomli_w

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(tomli_w.dumps(dict(state)), "utf-8")
    os.replace(tmp, path)
