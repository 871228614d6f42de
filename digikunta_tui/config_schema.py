"""The rules of a config file's content: pydantic models mirroring the settings of :mod:`config`.

Imported only when there is a file to validate (``config.load_config``), so that starting
without one does not load pydantic. Defaults come from the settings dataclasses themselves;
a test keeps the fields of both equal.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .config import LIMITS, ExportSettings, ReplicaSettings, SyncSettings, UiSettings


def _bounds(where: str) -> dict[str, Any]:
    """The ``Field`` arguments of a setting's :data:`~digikunta_tui.config.LIMITS`."""
    return dict(LIMITS[where])


class ReplicaSection(BaseModel):
    """``[replica]``."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default=ReplicaSettings.name, **_bounds("replica.name"))
    data_dir: str = ReplicaSettings.data_dir


class SyncSection(BaseModel):
    """``[sync]``."""

    model_config = ConfigDict(extra="forbid")
    remote: str = SyncSettings.remote
    token_env: str = SyncSettings.token_env
    username: str = SyncSettings.username
    password_env: str = SyncSettings.password_env
    s3_region: str = Field(default=SyncSettings.s3_region, **_bounds("sync.s3_region"))
    ca_bundle: str = SyncSettings.ca_bundle
    allow_insecure_http: bool = SyncSettings.allow_insecure_http
    timeout: float = Field(default=SyncSettings.timeout, **_bounds("sync.timeout"))
    retries: int = Field(default=SyncSettings.retries, **_bounds("sync.retries"))
    request_deadline_seconds: float = Field(
        default=SyncSettings.request_deadline_seconds, **_bounds("sync.request_deadline_seconds")
    )
    max_document_mb: int = Field(
        default=SyncSettings.max_document_mb, **_bounds("sync.max_document_mb")
    )
    full_sync_every: int = Field(
        default=SyncSettings.full_sync_every, **_bounds("sync.full_sync_every")
    )
    full_sync_minutes: float = Field(
        default=SyncSettings.full_sync_minutes, **_bounds("sync.full_sync_minutes")
    )
    auto_sync_minutes: float = Field(
        default=SyncSettings.auto_sync_minutes, **_bounds("sync.auto_sync_minutes")
    )


class UiSection(BaseModel):
    """``[ui]``."""

    model_config = ConfigDict(extra="forbid")
    language: Literal["auto", "fi", "en"] = UiSettings.language
    theme: str = UiSettings.theme


class ExportSection(BaseModel):
    """``[export]``."""

    model_config = ConfigDict(extra="forbid")
    folder: str = Field(default=ExportSettings.folder, **_bounds("export.folder"))


class ConfigFile(BaseModel):
    """The whole file; ``config.load_config`` turns it into a :class:`~config.Config`."""

    model_config = ConfigDict(extra="forbid")
    replica: ReplicaSection = ReplicaSection()
    sync: SyncSection = SyncSection()
    ui: UiSection = UiSection()
    export: ExportSection = ExportSection()
    keys: dict[str, str] = Field(default_factory=dict)
