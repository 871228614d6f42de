"""Build the sync remote the config (or ``--remote``) names: a file path or an https:// URL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sync import FileRemote, Remote

from .config import ConfigError, SyncSettings


def is_url(target: str) -> bool:
    """True for http(s) URLs (anything else is a file path)."""
    return target.lower().startswith(("https://", "http://"))


def make_remote(
    settings: SyncSettings, target: str | None = None, environ: Mapping[str, str] = os.environ
) -> Remote:
    """The remote for ``target`` (default: ``settings.remote``).

    Raises:
        ConfigError: no remote is configured, the URL is refused (plain http, credentials
            in the URL), or the credential settings contradict each other.
        AuthError: a credential environment variable named in the settings is unset or empty.
    """
    target = target or settings.remote
    if not target:
        from .i18n import t

        raise ConfigError(t("cli.msg.no_remote"))
    if not is_url(target):
        return FileRemote(Path(target).expanduser())
    from sync.credentials import auth_from_env
    from sync.http_remote import MB, HttpRemote

    try:
        auth = auth_from_env(
            token_env=settings.token_env or None,
            username=settings.username or None,
            password_env=settings.password_env or None,
            s3_region=settings.s3_region or None,
            environ=environ,
        )
        return HttpRemote(
            target,
            auth=auth,
            timeout=settings.timeout,
            retries=settings.retries,
            deadline=settings.request_deadline_seconds,
            max_document_bytes=settings.max_document_mb * MB,
            verify=settings.ca_bundle or True,
            allow_insecure_http=settings.allow_insecure_http,
        )
    except ValueError as exc:  # the library's refusal of a setting, in the user's language
        from .sync_messages import sync_error_text

        raise ConfigError(sync_error_text(exc)) from None
