"""The HTTP remote: the shared document at a URL (a WebDAV file, an S3-style object, ...).

Conditional requests carry the version check: ``GET`` with ``If-None-Match`` (``304`` =
unchanged), ``PUT`` with ``If-Match`` or ``If-None-Match: *`` (``412`` = someone wrote in
between). Because every write is conditional, retrying a ``PUT`` whose answer was lost is safe:
if the first attempt did land, the retry gets ``412`` and the engine reads and merges again.

Untrusted servers are bounded: a document larger than ``max_document_bytes`` (announced, or
decompressed while it streams in) is refused, and every request, retries included, ends within
its ``deadline``, even against a server that dribbles a byte at a time. ``cancel()``, from any
thread, stops the request in flight at once and refuses later ones.

Before its first write a remote checks that the server really evaluates ``If-Match`` (a probe
on a sibling resource, ``sync.http_capabilities``) and refuses to write to one that does not.
A weak ETag (``W/"..."``, which ``If-Match`` never matches; Apache sends one for a second after
every change) is waited on until the server gives its strong form, or the write is refused.

Secrets stay out of messages, logs and ``repr``: a URL with a user name or password is refused
(credentials come from ``sync.credentials``), and every message names the URL without its
query string.
"""

from __future__ import annotations

import hashlib
import logging
import random
import ssl
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import NoReturn

import httpx

from sync.errors import (
    AuthError,
    DocumentError,
    RemoteChanged,
    RemoteOffline,
    SyncCancelled,
    SyncError,
)
from sync.http_body import ACCEPT_ENCODING, BodyTooLarge, UndecodableBody, read_body
from sync.http_capabilities import (
    Capability,
    ProbeAnswer,
    ignores_if_match_message,
    probe_if_match,
    probe_url,
)
from sync.http_interrupt import Flight, Interrupted, Interrupter
from sync.http_safety import describe_url, install_log_filters, parse_url, ssl_verify
from sync.remote import DocumentData, RemoteRead, SideCopy

__all__ = ["DEFAULT_DEADLINE", "DEFAULT_MAX_DOCUMENT_BYTES", "HttpRemote", "describe_url"]

log = logging.getLogger(__name__)

HASH_TAG_PREFIX = "sha256:"
"""Prefix of the tags made from the body when the server sends no ETag."""
WEAK_PREFIX = "W/"
WEAK_TAG_WAIT = 5.0
"""Seconds a write waits for a weak ETag to become strong (Apache: one second after a change)."""
_WEAK_TAG_POLL = 0.2

MB = 1024 * 1024
DEFAULT_MAX_DOCUMENT_BYTES = 256 * MB
"""The largest document read or written, decompressed (256 MB)."""
DEFAULT_DEADLINE = 300.0
"""Seconds one request may take in all: connecting, sending, the whole answer, retries."""

_SMALL_BODY = 64 * 1024
"""Of any answer that is not the document (error pages, PUT answers) only this much is read."""
_UPLOAD_CHUNK = 64 * 1024
_RAISE_LIMIT = (
    "if the shared document is really meant to be this large, raise max_document_mb in the"
    " [sync] settings (on every laptop)"
)

_WRITTEN = frozenset({200, 201, 204})
_MISSING = frozenset({404, 410})
_AUTH = frozenset({401, 403})


def _hash_tag(data: bytes) -> str:
    return HASH_TAG_PREFIX + hashlib.sha256(data).hexdigest()


def _megabytes(size: int) -> str:
    value = size / MB
    return (f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")) + " MB"


def _size_over(size: int, limit: int) -> str:
    """``size`` in MB, or in bytes when that would read the same as the limit it exceeds."""
    text = _megabytes(size)
    return text if text != _megabytes(limit) else f"{size:,} bytes"


def _seconds(value: float) -> str:
    return f"{value:g} s"


@dataclass(frozen=True, slots=True)
class _Answer:
    """A response read as far as needed: the document in full, anything else only its start."""

    status: int
    reason: str
    headers: httpx.Headers
    body: bytes


def _markup_kind(response: _Answer) -> str | None:
    """'an HTML page' / 'XML' when the body is obviously markup, not JSON; else None."""
    content_type = response.headers.get("content-type", "").lower()
    start = response.body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if "html" in content_type or start.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if "xml" in content_type or start.startswith(b"<"):
        return "XML"
    return None


install_log_filters()


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
        sleep: Callable[[float], None] | None = None,
        max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
        deadline: float = DEFAULT_DEADLINE,
        probe_conditional_writes: bool = True,
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
            sleep: how to wait between retries (tests pass a recorder); default: a wait that
                ``cancel()`` ends at once.
            max_document_bytes: the largest document accepted from the server (decompressed)
                or sent to it.
            deadline: seconds one request may take in all (connect, send, the whole answer,
                retries and their waits); a request that hits it is not retried.
            probe_conditional_writes: before the first write, check that the server
                evaluates ``If-Match`` (``sync.http_capabilities``); False skips the check
                (tests whose fake servers answer only the document's requests).

        Raises:
            ValueError: the URL, the TLS setting or a limit is unsafe or invalid.
        """
        self._url = parse_url(url, allow_insecure_http)
        self.description = describe_url(self._url)
        if retries < 0 or backoff < 0 or timeout <= 0:
            raise ValueError("retries and backoff must be >= 0 and timeout > 0")
        if max_document_bytes < 1 or deadline <= 0:
            raise ValueError("the maximum document size and the deadline must be positive")
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._max_bytes = max_document_bytes
        self._deadline = deadline
        self._interrupter = Interrupter()
        self._has_auth = auth is not None
        # None: not probed yet (the check runs before the first write)
        self._capability = None if probe_conditional_writes else Capability.UNKNOWN
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout),
            transport=transport,
            verify=ssl_verify(verify),
            follow_redirects=False,  # a redirect could carry credentials elsewhere
            # only what http_body decodes with a bound (httpx would add br/zstd if installed)
            headers={"User-Agent": "digikunta-sync", "Accept-Encoding": ACCEPT_ENCODING},
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

    def cancel(self) -> None:
        """Stop the request in flight at once and make every later call raise SyncCancelled.

        Safe to call from any thread (the app calls it on quit, while a sync runs in a worker):
        the connections' sockets are shut down, which wakes a blocked read or write, and a
        wait between retries ends. Irreversible: make a new remote to sync again.
        """
        self._interrupter.cancel()

    # -- the Remote protocol -------------------------------------------------------------

    def read(self, known_tag: str | None) -> RemoteRead:
        """``GET`` the document, conditionally on ``known_tag``.

        Returns:
            unchanged (304, or the same tag), the bytes and their ETag (200), or missing (404).

        Raises:
            RemoteOffline: not reachable after the retries, or not within the deadline.
            AuthError: 401/403.
            DocumentError: the server answered 200 with an HTML/XML page, a body larger than
                the maximum document size, or a body it compressed in an unsupported way.
            SyncCancelled: ``cancel()`` was called.
            SyncError: any other unexpected answer.
        """
        headers = {"Accept": "application/json"}
        if known_tag is not None and not known_tag.startswith(HASH_TAG_PREFIX):
            headers["If-None-Match"] = known_tag
        response = self._send("GET", headers, document=True)
        status = response.status
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
                " (check the URL: it must point at the shared .json file)",
                code="document.not_a_document_url",
                source=self.description,
            )
        data = response.body
        # Without an ETag the server cannot check If-Match; write() refuses such tags.
        tag = response.headers.get("etag") or _hash_tag(data)
        if tag == known_tag:
            return RemoteRead(unchanged=True, data=None, tag=known_tag)
        return RemoteRead(unchanged=False, data=data, tag=tag)

    def write(self, data: DocumentData, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        """``PUT`` the document if it still has ``expected_tag`` (None: only if there is none).

        ``scrub`` is ignored: the HTTP remote keeps no backups or conflict copies.

        Returns:
            The new ETag (or a ``sha256:`` tag that forces a full read next time, when the
            server does not tell it).

        Raises:
            RemoteChanged: 412, 409 (S3's ConditionalRequestConflict), 404 to an update (the
                document was deleted since it was read), or a weak ETag that changed.
            RemoteOffline / AuthError / SyncCancelled / SyncError: as for ``read``; SyncError
                also when the server sends no ETags or only weak ones, or ignores ``If-Match``
                (conditional writes impossible), the folder is missing, or the document is
                larger than the maximum document size.
        """
        del scrub
        if not isinstance(data, bytes):
            data = b"".join(data)  # its length goes first (Content-Length); retries resend it
        if len(data) > self._max_bytes:
            # Written, it would make every replica (this one included) refuse the document.
            size = _size_over(len(data), self._max_bytes)
            raise SyncError(
                f"{self.description}: the merged document would be {size},"
                f" more than the maximum document size of {_megabytes(self._max_bytes)}, so it"
                " was not written (the other laptops would refuse to read it); nothing was"
                f" lost, local changes stay pending; {_RAISE_LIMIT}",
                code="sync.write_too_large",
                source=self.description,
                size=size,
                limit=_megabytes(self._max_bytes),
            )
        if expected_tag is not None and expected_tag.startswith(HASH_TAG_PREFIX):
            raise SyncError(
                f"{self.description}: the server sends no ETag, so it does not support"
                " conditional writes; Digikunta will not overwrite the document there without"
                " them (others' changes could be lost)",
                code="sync.no_etag",
                source=self.description,
            )
        self._check_conditional_writes()
        if expected_tag is not None and expected_tag.startswith(WEAK_PREFIX):
            expected_tag = self._strong_form(expected_tag)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if expected_tag is None:
            headers["If-None-Match"] = "*"
        else:
            headers["If-Match"] = expected_tag
        response = self._send("PUT", headers, data)
        status = response.status
        if status in _WRITTEN:
            return response.headers.get("etag") or self._tag_after_write(data)
        if status == 412:
            raise RemoteChanged(
                f"{self.description} was changed by someone else since it was read (HTTP 412)",
                source=self.description,
            )
        if status == 409:
            if expected_tag is None and b"ConditionalRequestConflict" not in response.body:
                # WebDAV answers 409 to a PUT whose parent folder does not exist.
                raise SyncError(
                    f"{self.description} could not be created (HTTP 409 Conflict): the folder"
                    " it should be in probably does not exist on the server",
                    code="sync.no_folder_on_server",
                    source=self.description,
                )
            raise RemoteChanged(
                f"{self.description} was being changed by someone else (HTTP 409 Conflict)"
            )
        if status in _MISSING and expected_tag is not None:
            # S3 answers 404 NoSuchKey to If-Match on a missing key: deleted since it was read.
            raise RemoteChanged(f"{self.description} was deleted since it was read (HTTP 404)")
        self._refuse(response)

    def side_copies(self) -> list[SideCopy]:
        """None on HTTP: servers do not leave conflict copies beside the document."""
        return []

    def absorb(self, copies: list[SideCopy], scrub: frozenset[str]) -> None:
        """Nothing to absorb on HTTP."""
        del copies, scrub

    # -- helpers -------------------------------------------------------------------------

    def _check_conditional_writes(self) -> None:
        """Probe once whether the server evaluates ``If-Match``; refuse if it is proven not to."""
        if self._capability is None:
            url = probe_url(self._url)

            def send(method: str, headers: dict[str, str], content: bytes | None) -> ProbeAnswer:
                return ProbeAnswer(self._send(method, headers, content, url=url).status)

            self._capability = probe_if_match(send)
            log.debug("%s: conditional writes: %s", self.description, self._capability.value)
        if self._capability is Capability.IGNORES_IF_MATCH:
            raise SyncError(ignores_if_match_message(self.description))

    def _strong_form(self, weak: str) -> str:
        """The strong ETag the server gives for ``weak`` once it is sure of it, to send in If-Match.

        ``If-Match`` compares strongly, so a weak tag never matches (Apache's tags are weak for
        a second after each change). The document's current tag is asked with ``HEAD`` until
        it is the strong form of ``weak`` (then it still is the version that was read) or
        something else (someone wrote: RemoteChanged), for at most ``WEAK_TAG_WAIT`` seconds.
        """
        strong = weak[len(WEAK_PREFIX) :]
        waited = 0.0
        while True:
            response = self._send("HEAD", {})
            current = response.headers.get("etag")
            if response.status in _MISSING:
                raise RemoteChanged(f"{self.description} was deleted since it was read (HTTP 404)")
            if response.status != 200:
                self._refuse(response)
            if current == strong:
                return strong
            if current != weak:
                raise RemoteChanged(
                    f"{self.description} was changed by someone else since it was read"
                )
            if waited >= WEAK_TAG_WAIT:
                raise SyncError(
                    f"{self.description}: the server gives only a weak ETag ({weak}), which"
                    " If-Match can never match, so the document cannot be written conditionally;"
                    " nothing was changed (Apache: set FileETag Digest for the folder; see"
                    " docs/http-remote.md)"
                )
            self._pause(_WEAK_TAG_POLL)
            self._refuse_if_cancelled()
            waited += _WEAK_TAG_POLL

    def _tag_after_write(self, data: bytes) -> str:
        """The tag of what we just wrote, for servers that send no ETag with the PUT answer.

        A ``GET`` rather than a ``HEAD``: the body proves the tag belongs to *our* write and not
        to someone's write that landed right after it. When it does not, or there is no ETag,
        the hash of our data is returned: it matches no ETag, so the next read is a full one.
        """
        response = self._send("GET", {"Accept": "application/json"}, document=True)
        tag: str | None = response.headers.get("etag")  # httpx types get() as Any
        if response.status == 200 and tag and response.body == data:
            return tag
        return _hash_tag(data)

    def _send(
        self,
        method: str,
        headers: dict[str, str],
        content: bytes | None = None,
        *,
        document: bool = False,
        url: httpx.URL | None = None,
    ) -> _Answer:
        """One request with retries on timeouts, connection errors, 429 and 5xx.

        ``document``: a ``200`` answer's body is the document (read in full, up to the limit);
        of any other answer only the start is read. ``url``: another resource than the
        document (the capability probe).
        """
        self._refuse_if_cancelled()
        attempts = self._retries + 1
        reason = ""
        cause: Exception | None = None
        tried = 0
        with self._interrupter.flight(self._deadline) as flight:
            for attempt in range(attempts):
                if attempt:
                    delay = self._backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
                    if delay >= flight.remaining():
                        deadline = _seconds(self._deadline)
                        reason += f"; no time left for a retry within the deadline of {deadline}"
                        break
                    self._pause(delay)
                    self._refuse_if_cancelled()
                tried += 1
                try:
                    response = self._attempt(
                        flight, method, headers, content, document, url or self._url
                    )
                except httpx.LocalProtocolError:
                    # Our own request was malformed (a header value?): its text may hold a secret.
                    raise SyncError(
                        f"the request to {self.description} could not be sent: a header is"
                        " invalid (check the credentials' environment variable for stray"
                        " characters)"
                    ) from None
                except (Interrupted, httpx.RequestError) as exc:
                    self._stop_if_interrupted(flight)
                    self._refuse_untrusted_certificate(exc)
                    if isinstance(exc, httpx.TimeoutException):
                        reason, cause = f"timed out ({type(exc).__name__})", exc
                    else:
                        reason, cause = self._reason(exc), exc
                else:
                    status = response.status
                    if status < 500 and status != 429:
                        log.debug("%s %s -> %d", method, self.description, status)
                        return response
                    reason, cause = f"HTTP {status} {response.reason}".rstrip(), None
                log.debug(
                    "%s %s failed (attempt %d/%d): %s",
                    *(method, self.description, attempt + 1, attempts, reason),
                )
        raise RemoteOffline(
            f"{self.description} could not be reached: {reason}"
            f" (tried {tried} time{'s' if tried != 1 else ''})",
            code="offline.unreachable",
            source=self.description,
            reason=reason,
            tries=tried,
        ) from cause

    def _attempt(
        self,
        flight: Flight,
        method: str,
        headers: dict[str, str],
        content: bytes | None,
        document: bool,
        url: httpx.URL,
    ) -> _Answer:
        """One try: send, then read the answer within the limits; DocumentError if too big."""
        headers = dict(headers)
        upload = None
        if content is not None:
            # A generator sends the body in chunks, checking between them; with the length
            # given, httpx sends it as such (some WebDAV servers refuse chunked uploads).
            headers["Content-Length"] = str(len(content))
            upload = _chunks(content, flight)
        flight.check()
        with self._client.stream(
            method, url, headers=headers, content=upload, extensions={"trace": flight.trace}
        ) as response:
            status = response.status_code
            answer_headers = response.headers
            if status >= 500 or status == 429:  # retried: the body does not matter
                return _Answer(status, response.reason_phrase, answer_headers, b"")
            is_document = document and status == 200
            limit = self._max_bytes if is_document else _SMALL_BODY
            if is_document:
                self._refuse_announced_size(answer_headers.get("content-length"))
            if response.is_stream_consumed:
                # An in-memory answer (httpx.MockTransport) that httpx has read and decoded.
                raw: Iterable[bytes] = [response.content]
                encoding = None
            else:
                raw = response.iter_raw()
                encoding = answer_headers.get("content-encoding")
            try:
                body = read_body(raw, encoding, limit, flight.check, truncate=not is_document)
            except BodyTooLarge:
                raise DocumentError(
                    f"{self.description} sent more than the maximum document size of"
                    f" {_megabytes(self._max_bytes)} (decompressed), so the download was"
                    f" stopped and nothing was changed; {_RAISE_LIMIT}"
                ) from None
            except UndecodableBody as exc:
                if is_document:
                    raise DocumentError(
                        f"{self.description}: the document could not be decoded: {exc}"
                    ) from None
                body = b""
            return _Answer(status, response.reason_phrase, answer_headers, body)

    def _refuse_announced_size(self, length: str | None) -> None:
        if length is not None and length.isdigit() and int(length) > self._max_bytes:
            size = _size_over(int(length), self._max_bytes)
            raise DocumentError(
                f"{self.description} is {size} (as the server announces),"
                f" more than the maximum document size of {_megabytes(self._max_bytes)}, so"
                f" it was not downloaded and nothing was changed; {_RAISE_LIMIT}"
            )

    def _stop_if_interrupted(self, flight: Flight) -> None:
        """After a failed attempt: SyncCancelled or the deadline's RemoteOffline, if so."""
        if flight.cancelled:
            raise SyncCancelled(f"{self.description}: the request was cancelled") from None
        if flight.expired:
            deadline = _seconds(self._deadline)
            raise RemoteOffline(
                f"{self.description} could not be reached in time: the request did not finish"
                f" within its deadline of {deadline} (request_deadline_seconds; the server is"
                " too slow or sends its answer a trickle at a time)",
                code="offline.deadline",
                source=self.description,
                deadline=deadline,
            ) from None

    def _refuse_untrusted_certificate(self, exc: Exception) -> None:
        """A TLS certificate that does not verify is a setting to fix, not a reason to retry."""
        cause = exc.__cause__ or exc.__context__
        while cause is not None and not isinstance(cause, ssl.SSLCertVerificationError):
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, ssl.SSLCertVerificationError):
            raise SyncError(
                f"{self.description}: the server's TLS certificate could not be verified"
                f" ({cause.verify_message}); if the server uses a private certificate"
                " authority, set ca_bundle to that authority's certificate (PEM)",
                code="sync.certificate",
                source=self.description,
                detail=cause.verify_message,
            ) from None

    def _refuse_if_cancelled(self) -> None:
        if self._interrupter.cancelled.is_set():
            raise SyncCancelled(f"{self.description}: the sync was cancelled")

    def _pause(self, seconds: float) -> None:
        if self._sleep is None:
            self._interrupter.pause(seconds)  # cancel() ends the wait at once
        else:
            self._sleep(seconds)

    def _reason(self, exc: Exception) -> str:
        """A short, secret-free reason for a transport error."""
        text = str(exc).replace(str(self._url), self.description).strip()
        name = type(exc).__name__
        return f"{name}: {text[:200]}" if text else name

    def _refuse(self, response: _Answer) -> NoReturn:
        """Raise the error for an answer that is neither success nor a known condition."""
        status = response.status
        if status in _AUTH:
            hint = (
                "check the user name and the secret in the environment variable"
                if self._has_auth
                else "it needs credentials: name a token or password environment variable"
                " in the configuration"
            )
            raise AuthError(
                f"{self.description} refused access (HTTP {status}): {hint}",
                code="auth.refused" if self._has_auth else "auth.needs_credentials",
                source=self.description,
                status=status,
            )
        if 300 <= status < 400 and status != 304:  # 304 without If-None-Match: nonsense
            location = response.headers.get("location", "")
            try:
                target = describe_url(self._url.join(location)) if location else "elsewhere"
            except httpx.InvalidURL:
                target = "an invalid address"
            raise SyncError(
                f"{self.description} redirects (HTTP {status}) to {target}; put the final URL"
                " in the configuration",
                code="sync.redirect",
                source=self.description,
                status=status,
                target=target,
            )
        raise SyncError(
            f"{self.description} answered HTTP {status} {response.reason}".rstrip(),
            code="sync.http_status",
            source=self.description,
            status=status,
        )


def _chunks(data: bytes, flight: Flight) -> Iterator[bytes]:
    """The upload in pieces, stopping between them when the request must end."""
    for start in range(0, len(data), _UPLOAD_CHUNK):
        flight.check()
        yield data[start : start + _UPLOAD_CHUNK]
