"""Settings: read from a TOML file (stdlib ``tomllib``), validated, with sensible defaults.

Where: ``$DIGIKUNTA_CONFIG``, else ``config.toml`` in the platform's config folder (what
``platformdirs`` names: :mod:`platform_folders`). The data folder: ``$DIGIKUNTA_DATA_DIR``, else
``[replica] data_dir``, else the platform's data folder. Secrets never live here: only the
*names* of environment variables.

UI choices the app remembers (theme) are written to a separate ``ui-state.toml`` with
``tomli-w``, so the user's commented config file is never rewritten.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from types import MappingProxyType

from digikunta_tui.errors import ConfigError as ConfigError  # importable from here too
from digikunta_tui.platform_folders import APP_NAME as APP_NAME  # ... and this
from sync.value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` is not loaded at run time (see :class:`Settings`)
    from typing import Any, Literal, Self, TypeGuard

    Language = Literal["auto", "fi", "en"]
    """A ``[ui] language`` setting."""


# Plain classes, so that starting without a config file imports neither pydantic, dataclasses
# nor typing (see :class:`Settings`); a file's content is validated by the pydantic models of
# ``config_schema`` (their rules and messages), unless every value in it is plainly right
# (:func:`_plain_config`): a command that finds nothing to do (``digikunta sync``) then does
# not load pydantic either.

LANGUAGES: tuple[Language, ...] = ("auto", "fi", "en")
"""The values of ``[ui] language`` (the ``Literal`` :data:`Language`; a test keeps both
equal)."""

LIMITS: dict[str, dict[str, int | float]] = {
    "replica.name": {"max_length": 200},
    "sync.s3_region": {"max_length": 64},
    "sync.timeout": {"gt": 0, "le": 300},
    "sync.retries": {"ge": 0, "le": 10},
    "sync.request_deadline_seconds": {"ge": 1, "le": 86_400},
    "sync.max_document_mb": {"ge": 1, "le": 4096},
    "sync.full_sync_every": {"ge": 1},
    "sync.full_sync_minutes": {"gt": 0},
    "sync.auto_sync_minutes": {"ge": 0},
    "export.folder": {"max_length": 4096},
}
"""Bounds of settings, as pydantic ``Field`` arguments (``config_schema`` passes them on)."""


class Settings(Value):
    """Read-only settings: a subclass's annotated class attributes are its settings, and their
    values the defaults (``SyncSettings.timeout`` is the default timeout).

    Equal and shown by their settings (:class:`sync.value.Value`); ``_asdict`` and ``_replace``
    (a changed copy) are named as on a named tuple. Neither that nor a dataclass: making their
    classes (and importing ``typing``) costs a command that finds nothing to do (``digikunta
    sync``) more than its work (the ``sync`` package says why).
    """

    def __init_subclass__(cls) -> None:
        cls._fields = tuple(cls.__annotations__)

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no setting {', '.join(sorted(unknown))}")
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"settings are read-only: use _replace({name}=...)")

    def _asdict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def _replace(self, **changes: Any) -> Self:
        return type(self)(**{**self._asdict(), **changes})


class ReplicaSettings(Settings):
    """``[replica]``: this laptop's copy."""

    name: str = ""
    data_dir: str = ""


class SyncSettings(Settings):
    """``[sync]``: where the shared document lives and how to reach it."""

    remote: str = ""
    token_env: str = ""
    username: str = ""
    password_env: str = ""
    s3_region: str = ""
    ca_bundle: str = ""
    allow_insecure_http: bool = False
    timeout: float = 10.0
    retries: int = 3
    request_deadline_seconds: float = 300.0
    max_document_mb: int = 256
    full_sync_every: int = 20
    full_sync_minutes: float = 10.0
    auto_sync_minutes: float = 0.0


class UiSettings(Settings):
    """``[ui]``: language and theme."""

    language: Language = "auto"
    theme: str = ""


class ExportSettings(Settings):
    """``[export]``: where the app offers to write files (CSV, ``.ics``, GDPR exports)."""

    folder: str = ""


class Config(Settings):
    """The whole config file."""

    replica: ReplicaSettings = ReplicaSettings()
    sync: SyncSettings = SyncSettings()
    ui: UiSettings = UiSettings()
    export: ExportSettings = ExportSettings()
    keys: Mapping[str, str] = MappingProxyType({})
    source: Path | None = None
    """The file read, or None when there is none (the defaults)."""


def is_language(value: str) -> TypeGuard[Language]:
    """True when ``value`` is one of :data:`LANGUAGES`."""
    return value in LANGUAGES


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the config file is (it need not exist)."""
    if environ.get("DIGIKUNTA_CONFIG"):
        return Path(environ["DIGIKUNTA_CONFIG"]).expanduser()
    from .platform_folders import config_folder

    return config_folder() / "config.toml"


def _t(message_key: str, /, **params: object) -> str:
    from .i18n import t

    return t(message_key, **params)


def load_config(
    path: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    *,
    required: bool = False,
) -> Config:
    """Read and validate the config; a missing file gives the defaults.

    Args:
        path: the file (default: :func:`config_path`).
        environ: the environment (``$DIGIKUNTA_CONFIG``).
        required: the file was named on purpose (``--config``): a missing one is an error
            instead of the defaults.

    Raises:
        ConfigError: the file is missing (when ``required``), unreadable, not TOML, or a
            setting is wrong (the message names the file and the key).
    """
    path = path or config_path(environ)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigError(_t("cli.config_missing", path=str(path))) from None
        return Config(source=None)
    except IsADirectoryError:
        raise ConfigError(_t("cli.config_folder", path=str(path))) from None
    except OSError as exc:
        raise ConfigError(
            _t("cli.config_unreadable", path=str(path), error=exc.strerror or str(exc))
        ) from None
    data = _toml(raw, path)
    plain = _plain_config(data, path)
    return plain if plain is not None else _checked_config(data, path)


def _toml(raw: bytes, path: Path) -> dict[str, Any]:
    """The file's TOML: from :mod:`config_cache` when it holds this very text, else parsed.

    Raises:
        ConfigError: not UTF-8, or not TOML.
    """
    from .config_cache import cached_toml, remember_toml

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(_t("cli.config_not_toml", path=str(path), error=str(exc))) from None
    data = cached_toml(path, text)
    if data is not None:
        return data
    import tomllib  # here: a file read before, unchanged, needs no parser (nor typing)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_t("cli.config_not_toml", path=str(path), error=str(exc))) from None
    remember_toml(path, text, data)
    return data


def _checked_config(data: dict[str, Any], path: Path) -> Config:
    """The settings of a file's content, checked by ``config_schema``'s rules.

    Raises:
        ConfigError: a setting is wrong (the message names the file and the key).
    """
    from pydantic import ValidationError

    from .config_schema import ConfigFile

    try:
        checked = ConfigFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(
            _t("cli.config_bad_setting", path=str(path), key=where, error=err["msg"])
        ) from None
    return Config(
        replica=ReplicaSettings(**checked.replica.model_dump()),
        sync=SyncSettings(**checked.sync.model_dump()),
        ui=UiSettings(**checked.ui.model_dump()),
        export=ExportSettings(**checked.export.model_dump()),
        keys=dict(checked.keys),
        source=path,
    )


_SECTIONS: dict[str, type[ReplicaSettings | SyncSettings | UiSettings | ExportSettings]] = {
    "replica": ReplicaSettings,
    "sync": SyncSettings,
    "ui": UiSettings,
    "export": ExportSettings,
}


def _plain_config(data: Mapping[str, Any], path: Path) -> Config | None:
    """The settings of a file in which every value is plainly right, else None.

    Plainly right: a known section and key, the setting's own TOML type (an integer for a
    decimal setting too) and within :data:`LIMITS`. Such a file reads the same as through
    ``config_schema`` (a test checks this on generated files); any other file goes there, to
    be refused with the rule's message or read with pydantic's conversions.
    """
    sections: dict[str, Any] = {}
    for name, given in data.items():
        if name == "keys":
            if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
                return None
            continue
        settings = _SECTIONS.get(name)
        if settings is None or not isinstance(given, dict):
            return None
        defaults = settings()
        values: dict[str, Any] = {}
        for key, value in given.items():
            if key not in settings._fields:
                return None
            plain = _plain_value(f"{name}.{key}", getattr(defaults, key), value)
            if plain is None:
                return None
            values[key] = plain
        sections[name] = settings(**values)
    return Config(**sections, keys=dict(data.get("keys", {})), source=path)


def _plain_value(where: str, default: object, value: object) -> object | None:
    """``value`` as the setting ``where`` holds it when it is plainly right, else None."""
    if isinstance(default, bool) or isinstance(value, bool):
        return value if isinstance(default, bool) and isinstance(value, bool) else None
    if isinstance(default, float) and isinstance(value, int):
        value = float(value)
    if type(value) is not type(default):
        return None
    if where == "ui.language" and value not in LANGUAGES:
        return None
    limits = LIMITS.get(where, {})
    size = len(value) if isinstance(value, str) else value
    if not isinstance(size, int | float):
        return None
    if "max_length" in limits and not size <= limits["max_length"]:
        return None
    if "gt" in limits and not size > limits["gt"]:
        return None
    if "ge" in limits and not size >= limits["ge"]:
        return None
    if "le" in limits and not size <= limits["le"]:
        return None
    return value


def data_dir(cfg: Config, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder holding the replica and its index."""
    if environ.get("DIGIKUNTA_DATA_DIR"):
        return Path(environ["DIGIKUNTA_DATA_DIR"]).expanduser()
    if cfg.replica.data_dir:
        return Path(cfg.replica.data_dir).expanduser()
    from .platform_folders import data_folder

    return data_folder()


def default_export_folder() -> Path:
    """The platform's documents folder, else its downloads folder, else the home folder.

    Never the current directory: the app may have been started from anywhere.
    """
    from platformdirs import user_documents_path, user_downloads_path

    for candidate in (user_documents_path, user_downloads_path):
        with suppress(Exception):  # platformdirs may not know the folder on odd systems
            folder = candidate()
            if folder.is_dir():
                return folder
    return Path.home()


def export_folder(cfg: Config) -> Path:
    """Where the app offers to write files: ``[export] folder``, else the platform default."""
    if cfg.export.folder:
        return Path(cfg.export.folder).expanduser()
    return default_export_folder()


def ui_state_path(cfg: Config, environ: Mapping[str, str] = os.environ) -> Path:
    """Where remembered UI choices (theme) are kept."""
    return data_dir(cfg, environ) / "ui-state.toml"


def load_ui_state(path: Path) -> dict[str, str]:
    """Remembered UI choices; an unreadable file is ignored (it only holds preferences)."""
    import tomllib

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
