"""Safety of the HTTP remote's addresses and logs: no secrets in URLs, messages or logs.

A URL with a user name or password is refused (credentials come from ``sync.credentials``),
plain ``http://`` is accepted only to loopback unless allowed, TLS verification cannot be
turned off, and the URLs httpx logs lose their query strings (which may hold signatures).
"""

from __future__ import annotations

import ipaddress
import logging
import ssl

import httpx

from sync.errors import SettingRefused

__all__ = ["describe_url", "install_log_filters", "parse_url", "ssl_verify"]


def describe_url(url: httpx.URL) -> str:
    """The URL without user info, query string or fragment: safe for messages and logs."""
    host = url.host
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{host}{port}{url.path}"


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_url(url: str, allow_insecure_http: bool) -> httpx.URL:
    """Check the URL is safe to use; SettingRefused (a ValueError, never echoing secrets) if not."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise SettingRefused(
            "the shared document's address is not a valid URL", code="setting.invalid_url"
        ) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise SettingRefused(
            "the shared document's address must be an https:// URL"
            f" (got a {parsed.scheme or 'relative'}: address)",
            code="setting.not_https",
        )
    safe = describe_url(parsed)
    if parsed.userinfo:
        raise SettingRefused(
            f"the URL {safe} contains a user name or password; remove it from the URL and"
            " give the secret in an environment variable (for example DIGIKUNTA_TOKEN)",
            code="setting.credentials_in_url",
            url=safe,
        )
    if parsed.scheme == "http" and not allow_insecure_http and not _is_loopback(parsed.host):
        raise SettingRefused(
            f"refusing plain http:// for {safe}: the data and credentials would travel"
            " unencrypted; use https:// (or allow insecure http explicitly in the configuration)",
            code="setting.plain_http",
            url=safe,
        )
    return parsed


def ssl_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """True, or a context trusting the CA bundle at ``verify``; turning checks off is refused."""
    if verify is False:
        raise SettingRefused(
            "TLS certificate verification cannot be turned off; give the path of a CA bundle"
            " that trusts the server's certificate instead",
            code="setting.verify_off",
        )
    if verify is True:
        return True
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise SettingRefused(
            f"the CA bundle {verify} could not be loaded: {exc}",
            code="setting.ca_bundle",
            path=str(verify),
        ) from exc


class _HideQueries(logging.Filter):
    """Strips query strings (which may hold signatures) from URLs that httpx logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(isinstance(a, httpx.URL) for a in args):
            record.args = tuple(describe_url(a) if isinstance(a, httpx.URL) else a for a in args)
        return True


class _HideBadHeaders(logging.Filter):
    """httpcore's debug trace quotes a header value h11 refused, which may be a credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "LocalProtocolError" in message:
            record.msg = message.split(" ", 1)[0] + " exception=LocalProtocolError(<hidden>)"
            record.args = ()
        return True


def _install_log_filter(name: str, log_filter: logging.Filter) -> None:
    logger = logging.getLogger(name)
    if not any(type(f) is type(log_filter) for f in logger.filters):
        logger.addFilter(log_filter)


def install_log_filters() -> None:
    """Hide query strings in httpx's log lines and refused header values in httpcore's."""
    _install_log_filter("httpx", _HideQueries())
    for name in ("httpcore.http11", "httpcore.http2", "httpcore.connection"):
        _install_log_filter(name, _HideBadHeaders())
