"""The HTTP remote: the shared document at a URL (a WebDAV file, an S3-style object, ...).

Conditional requests carry the version check: ``GET`` with ``If-None-Match`` (``304`` =
unchanged), ``PUT`` with ``If-Match`` or ``If-None-Match: *`` (``412`` = someone wrote in
between). Because every write is conditional, retrying a ``PUT`` whose answer was lost is safe:
if the first attempt did land, the retry gets ``412`` and the engine reads and merges again.

Secrets stay out of messages, logs and ``repr``: a URL with a user name or password is refused
(credentials come from ``sync.credentials``), and every message names the URL without its
query string.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import random
import ssl
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import NoReturn

import httpx

from sync.errors import AuthError, DocumentError, RemoteChanged, RemoteOffline, SyncError
from sync.remote import RemoteRead, SideCopy

__all__ = ["HttpRemote", "describe_url"]

log = logging.getLogger(__name__)

HASH_TAG_PREFIX = "sha256:"
"""Prefix of the tags made from the body when the server sends no ETag."""

_WRITTEN = frozenset({200, 201, 204})
_MISSING = frozenset({404, 410})
_AUTH = frozenset({401, 403})


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


def _parse_url(url: str, allow_insecure_http: bool) -> httpx.URL:
    """Check the URL is safe to use; ValueError (never echoing secrets) if not."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise ValueError("the shared document's address is not a valid URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(
            "the shared document's address must be an https:// URL"
            f" (got a {parsed.scheme or 'relative'}: address)"
        )
    safe = describe_url(parsed)
    if parsed.userinfo:
        raise ValueError(
            f"the URL {safe} contains a user name or password; remove it from the URL and"
            " give the secret in an environment variable (for example DIGIKUNTA_TOKEN)"
        )
    if parsed.scheme == "http" and not allow_insecure_http and not _is_loopback(parsed.host):
        raise ValueError(
            f"refusing plain http:// for {safe}: the data and credentials would travel"
            " unencrypted; use https:// (or allow insecure http explicitly in the configuration)"
        )
    return parsed


def _ssl_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """True, or a context trusting the CA bundle at ``verify``; turning checks off is refused."""
    if verify is False:
        raise ValueError(
            "TLS certificate verification cannot be turned off; give the path of a CA bundle"
            " that trusts the server's certificate instead"
        )
    if verify is True:
        return True
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"the CA bundle {verify} could not be loaded: {exc}") from exc


def _hash_tag(data: bytes) -> str:
    return HASH_TAG_PREFIX + hashlib.sha256(data).hexdigest()


def _markup_kind(response: httpx.Response) -> str | None:
    """'an HTML page' / 'XML' when the body is obviously markup, not JSON; else None."""
    content_type = response.headers.get("content-type", "").lower()
    start = response.content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if "html" in content_type or start.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if "xml" in content_type or start.startswith(b"<"):
        return "XML"
    return None


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


_install_log_filter("httpx", _HideQueries())
for _name in ("httpcore.http11", "httpcore.http2", "httpcore.connection"):
    _install_log_filter(_name, _HideBadHeaders())


class HttpRemote:
    """The shared document at an ``https://`` URL, read and written with conditional requests.

    Attributes:
        transport: always ``"http"``.
        description: the URL without credentials or query string.
    """

    transport = "http"

    def __init__(
        self,
        url: str,
        *,
        auth: httpx.Auth | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str = True,
        allow_insecure_http: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Check the URL and open one connection pool for this remote.

        Args:
            url: the document's URL; ``http://`` only to loopback unless allowed; no user info.
            auth: credentials (see ``sync.credentials.auth_from_env``), or None.
            timeout: seconds for connecting and for each read/write on the socket.
            retries: extra attempts after a timeout, connection error or ``5xx``.
            backoff: base delay; retry ``n`` (from 0) waits ``backoff * 2**n * U(0.5, 1.5)``.
            transport: an httpx transport (tests inject faults with ``httpx.MockTransport``).
            verify: True, or the path of a CA bundle; False is refused.
            allow_insecure_http: allow ``http://`` to hosts other than loopback.
            sleep: how to wait between retries (tests pass a recorder).

        Raises:
            ValueError: the URL or the TLS setting is unsafe or invalid.
        """
        self._url = _parse_url(url, allow_insecure_http)
        self.description = describe_url(self._url)
        if retries < 0 or backoff < 0 or timeout <= 0:
            raise ValueError("retries and backoff must be >= 0 and timeout > 0")
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._has_auth = auth is not None
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout),
            transport=transport,
            verify=_ssl_verify(verify),
            follow_redirects=False,  # a redirect could carry credentials elsewhere
            headers={"User-Agent": "digikunta-sync"},
        )

    def __repr__(self) -> str:
        return f"HttpRemote({self.description!r})"

    def __enter__(self) -> HttpRemote:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool; the remote cannot be used afterwards."""
        self._client.close()

    # -- the Remote protocol -------------------------------------------------------------

    def read(self, known_tag: str | None) -> RemoteRead:
        """``GET`` the document, conditionally on ``known_tag``.

        Returns:
            unchanged (304, or the same tag), the bytes and their ETag (200), or missing (404).

        Raises:
            RemoteOffline: not reachable after the retries.
            AuthError: 401/403.
            DocumentError: the server answered 200 with an HTML/XML page.
            SyncError: any other unexpected answer.
        """
        headers = {"Accept": "application/json"}
        if known_tag is not None and not known_tag.startswith(HASH_TAG_PREFIX):
            headers["If-None-Match"] = known_tag
        response = self._send("GET", headers)
        status = response.status_code
        if status == 304 and known_tag is not None:
            return RemoteRead(unchanged=True, data=None, tag=known_tag)
        if status in _MISSING:
            return RemoteRead(unchanged=False, data=None, tag=None)
        if status != 200:
            self._refuse(response)
        kind = _markup_kind(response)
        if kind is not None:
            raise DocumentError(
                f"{self.description} returned {kind}, not a Digikunta document"
                " (check the URL: it must point at the shared .json file)"
            )
        data = response.content
        # Without an ETag the server cannot check If-Match; write() refuses such tags.
        tag = response.headers.get("etag") or _hash_tag(data)
        if tag == known_tag:
            return RemoteRead(unchanged=True, data=None, tag=known_tag)
        return RemoteRead(unchanged=False, data=data, tag=tag)

    def write(
        self, data: bytes | Iterable[bytes], expected_tag: str | None, *, scrub: frozenset[str]
    ) -> str:
        """``PUT`` the document if it still has ``expected_tag`` (None: only if there is none).

        ``scrub`` is ignored: the HTTP remote keeps no backups or conflict copies.

        Returns:
            The new ETag (or a ``sha256:`` tag that forces a full read next time, when the
            server does not tell it).

        Raises:
            RemoteChanged: 412, or 409 (S3's ConditionalRequestConflict).
            RemoteOffline / AuthError / SyncError: as for ``read``; SyncError also when the
                server sends no ETags (conditional writes impossible) or the folder is missing.
        """
        del scrub
        if not isinstance(data, bytes):
            data = b"".join(data)
        if expected_tag is not None and expected_tag.startswith(HASH_TAG_PREFIX):
            raise SyncError(
                f"{self.description}: the server sends no ETag, so it does not support"
                " conditional writes; Digikunta will not overwrite the document there without"
                " them (others' changes could be lost)"
            )
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if expected_tag is None:
            headers["If-None-Match"] = "*"
        else:
            headers["If-Match"] = expected_tag
        response = self._send("PUT", headers, data)
        status = response.status_code
        if status in _WRITTEN:
            return response.headers.get("etag") or self._tag_after_write(data)
        if status == 412:
            raise RemoteChanged(
                f"{self.description} was changed by someone else since it was read (HTTP 412)"
            )
        if status == 409:
            if expected_tag is None and b"ConditionalRequestConflict" not in response.content:
                # WebDAV answers 409 to a PUT whose parent folder does not exist.
                raise SyncError(
                    f"{self.description} could not be created (HTTP 409 Conflict): the folder"
                    " it should be in probably does not exist on the server"
                )
            raise RemoteChanged(
                f"{self.description} was being changed by someone else (HTTP 409 Conflict)"
            )
        self._refuse(response)

    def side_copies(self) -> list[SideCopy]:
        """None on HTTP: servers do not leave conflict copies beside the document."""
        return []

    def absorb(self, copies: list[SideCopy], scrub: frozenset[str]) -> None:
        """Nothing to absorb on HTTP."""
        del copies, scrub

    # -- helpers -------------------------------------------------------------------------

    def _tag_after_write(self, data: bytes) -> str:
        """The tag of what we just wrote, for servers that send no ETag with the PUT answer.

        A ``GET`` rather than a ``HEAD``: the body proves the tag belongs to *our* write and not
        to someone's write that landed right after it. When it does not, or there is no ETag,
        the hash of our data is returned: it matches no ETag, so the next read is a full one.
        """
        response = self._send("GET", {"Accept": "application/json"})
        tag = response.headers.get("etag")
        if response.status_code == 200 and tag and response.content == data:
            return tag
        return _hash_tag(data)

    def _send(
        self, method: str, headers: dict[str, str], content: bytes | None = None
    ) -> httpx.Response:
        """One request with retries on timeouts, connection errors, 429 and 5xx."""
        attempts = self._retries + 1
        reason = ""
        cause: Exception | None = None
        for attempt in range(attempts):
            if attempt:
                self._sleep(self._backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
            try:
                response = self._client.request(method, self._url, headers=headers, content=content)
            except httpx.LocalProtocolError:
                # Our own request was malformed (a header value?): its text may hold a secret.
                raise SyncError(
                    f"the request to {self.description} could not be sent: a header is invalid"
                    " (check the credentials' environment variable for stray characters)"
                ) from None
            except httpx.TimeoutException as exc:
                reason, cause = f"timed out ({type(exc).__name__})", exc
            except httpx.RequestError as exc:
                reason, cause = self._reason(exc), exc
            else:
                status = response.status_code
                if status < 500 and status != 429:
                    log.debug("%s %s -> %d", method, self.description, status)
                    return response
                reason, cause = f"HTTP {status} {response.reason_phrase}".rstrip(), None
            log.debug(
                "%s %s failed (attempt %d/%d): %s",
                *(method, self.description, attempt + 1, attempts, reason),
            )
        raise RemoteOffline(
            f"{self.description} could not be reached: {reason}"
            f" (tried {attempts} time{'s' if attempts != 1 else ''})"
        ) from cause

    def _reason(self, exc: Exception) -> str:
        """A short, secret-free reason for a transport error."""
        text = str(exc).replace(str(self._url), self.description).strip()
        name = type(exc).__name__
        return f"{name}: {text[:200]}" if text else name

    def _refuse(self, response: httpx.Response) -> NoReturn:
        """Raise the error for an answer that is neither success nor a known condition."""
        status = response.status_code
        if status in _AUTH:
            hint = (
                "check the user name and the secret in the environment variable"
                if self._has_auth
                else "it needs credentials: name a token or password environment variable"
                " in the configuration"
            )
            raise AuthError(f"{self.description} refused access (HTTP {status}): {hint}")
        if 300 <= status < 400 and status != 304:  # 304 without If-None-Match: nonsense
            location = response.headers.get("location", "")
            try:
                target = describe_url(self._url.join(location)) if location else "elsewhere"
            except httpx.InvalidURL:
                target = "an invalid address"
            raise SyncError(
                f"{self.description} redirects (HTTP {status}) to {target}; put the final URL"
                " in the configuration"
            )
        raise SyncError(
            f"{self.description} answered HTTP {status} {response.reason_phrase}".rstrip()
        )
