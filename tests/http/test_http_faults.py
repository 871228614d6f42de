"""HttpRemote's answers to faults and odd servers, through ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sync.errors import AuthError, DocumentError, RemoteChanged, RemoteOffline, SyncError
from sync.http_remote import HttpRemote

URL = "https://dav.example.org/shared/digikunta.json"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A mock server: answers with ``handler`` and keeps every request and every sleep."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def remote(self, url: str = URL, **kwargs: object) -> HttpRemote:
        """A remote talking to this handler only (no If-Match probe: it answers the document)."""
        kwargs.setdefault("probe_conditional_writes", False)
        return HttpRemote(
            url,
            transport=httpx.MockTransport(self),
            sleep=self.sleeps.append,
            **kwargs,  # type: ignore[arg-type]
        )


def always(response: httpx.Response | Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    return handler


def in_turn(*answers: httpx.Response | Exception) -> Handler:
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


def json_ok(body: bytes = b'{"ok": true}', etag: str | None = '"v1"') -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if etag:
        headers["ETag"] = etag
    return httpx.Response(200, content=body, headers=headers)


# -- retries, then offline ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (httpx.ReadTimeout("read timed out"), "timed out"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "Connection refused"),
        (httpx.Response(500), "HTTP 500"),
        (httpx.Response(503), "HTTP 503"),
    ],
)
def test_transient_faults_are_retried_then_reported_offline(
    fault: httpx.Response | Exception, reason: str
) -> None:
    server = Recorder(always(fault))
    with server.remote(retries=3, backoff=0.5) as remote, pytest.raises(RemoteOffline) as caught:
        remote.read(None)
    assert len(server.requests) == 4  # the first attempt and three retries
    assert len(server.sleeps) == 3
    for attempt, delay in enumerate(server.sleeps):
        assert 0.5 * 2**attempt * 0.5 <= delay <= 0.5 * 2**attempt * 1.5
    message = str(caught.value)
    assert URL in message and "could not be reached" in message and reason in message


def test_writes_are_retried_too() -> None:
    server = Recorder(always(httpx.WriteTimeout("write timed out")))
    with server.remote(retries=1) as remote, pytest.raises(RemoteOffline):
        remote.write(b"{}", '"v1"', scrub=frozenset())
    assert [r.method for r in server.requests] == ["PUT", "PUT"]


def test_zero_retries_means_one_attempt() -> None:
    server = Recorder(always(httpx.Response(502)))
    with server.remote(retries=0) as remote, pytest.raises(RemoteOffline):
        remote.read(None)
    assert len(server.requests) == 1 and server.sleeps == []


def test_a_500_then_a_200_succeeds() -> None:
    server = Recorder(in_turn(httpx.Response(500), json_ok(b"[1]", '"v7"')))
    with server.remote() as remote:
        got = remote.read(None)
    assert got.data == b"[1]" and got.tag == '"v7"'
    assert len(server.requests) == 2 and len(server.sleeps) == 1


def test_a_lost_put_answer_retried_becomes_remote_changed() -> None:
    # The first PUT landed but its answer timed out; the retry's If-Match no longer matches.
    server = Recorder(in_turn(httpx.ReadTimeout("lost"), httpx.Response(412)))
    with server.remote() as remote, pytest.raises(RemoteChanged):
        remote.write(b"{}", '"v1"', scrub=frozenset())
    assert [r.headers["If-Match"] for r in server.requests] == ['"v1"', '"v1"']


def test_too_many_requests_is_retried() -> None:
    server = Recorder(in_turn(httpx.Response(429), json_ok()))
    with server.remote() as remote:
        assert remote.read(None).data == b'{"ok": true}'
    assert len(server.requests) == 2


# -- conditional requests ------------------------------------------------------------------


def test_read_sends_if_none_match_only_for_a_known_tag() -> None:
    server = Recorder(in_turn(json_ok(), httpx.Response(304)))
    with server.remote() as remote:
        first = remote.read(None)
        second = remote.read(first.tag)
    assert "If-None-Match" not in server.requests[0].headers
    assert server.requests[1].headers["If-None-Match"] == '"v1"'
    assert second.unchanged and second.data is None and second.tag == '"v1"'


def test_read_of_a_missing_document() -> None:
    server = Recorder(always(httpx.Response(404)))
    with server.remote() as remote:
        got = remote.read('"old"')
    assert got.missing and got.tag is None


def test_write_headers_and_body() -> None:
    server = Recorder(always(httpx.Response(201, headers={"ETag": '"new"'})))
    with server.remote() as remote:
        assert remote.write(b'{"a": "\xc3\xa4"}', None, scrub=frozenset({"x"})) == '"new"'
        assert remote.write(b"{}", '"new"', scrub=frozenset()) == '"new"'
    create, update = server.requests
    assert create.method == "PUT" and create.content == b'{"a": "\xc3\xa4"}'
    assert create.headers["If-None-Match"] == "*" and "If-Match" not in create.headers
    assert create.headers["Content-Type"] == "application/json; charset=utf-8"
    assert update.headers["If-Match"] == '"new"' and "If-None-Match" not in update.headers


@pytest.mark.parametrize("status", [200, 204])
def test_write_success_statuses(status: int) -> None:
    server = Recorder(always(httpx.Response(status, headers={"ETag": '"v2"'})))
    with server.remote() as remote:
        assert remote.write(b"{}", '"v1"', scrub=frozenset()) == '"v2"'


def test_412_on_write_is_remote_changed() -> None:
    server = Recorder(always(httpx.Response(412)))
    with server.remote() as remote, pytest.raises(RemoteChanged) as caught:
        remote.write(b"{}", '"v1"', scrub=frozenset())
    assert len(server.requests) == 1 and URL in str(caught.value)


def test_409_is_remote_changed() -> None:
    s3_body = b"<Error><Code>ConditionalRequestConflict</Code></Error>"
    server = Recorder(always(httpx.Response(409, content=s3_body)))
    with server.remote() as remote:
        with pytest.raises(RemoteChanged):
            remote.write(b"{}", '"v1"', scrub=frozenset())
        with pytest.raises(RemoteChanged):
            remote.write(b"{}", None, scrub=frozenset())


def test_409_on_create_without_s3_code_means_a_missing_folder() -> None:
    server = Recorder(always(httpx.Response(409, text="PUT parent must be a collection")))
    with server.remote() as remote, pytest.raises(SyncError) as caught:
        remote.write(b"{}", None, scrub=frozenset())
    assert type(caught.value) is SyncError and "folder" in str(caught.value)


def test_put_without_etag_reads_the_tag_back() -> None:
    server = Recorder(in_turn(httpx.Response(204), json_ok(b"{}", '"after"')))
    with server.remote() as remote:
        assert remote.write(b"{}", '"v1"', scrub=frozenset()) == '"after"'
    assert [r.method for r in server.requests] == ["PUT", "GET"]


def test_put_without_etag_and_someone_else_wrote_right_after() -> None:
    # The GET shows another writer's content: its ETag is not ours, so a hash tag is returned,
    # which matches no ETag: the next read is a full one.
    server = Recorder(in_turn(httpx.Response(204), json_ok(b'{"theirs": 1}', '"theirs"')))
    with server.remote() as remote:
        tag = remote.write(b"{}", '"v1"', scrub=frozenset())
    assert tag.startswith("sha256:")


# -- servers without ETags -----------------------------------------------------------------


def test_without_etags_reads_use_a_content_hash_and_writes_are_refused() -> None:
    server = Recorder(always(json_ok(b'{"n": 1}', etag=None)))
    with server.remote() as remote:
        first = remote.read(None)
        assert first.tag is not None and first.tag.startswith("sha256:")
        second = remote.read(first.tag)
        assert second.unchanged and second.tag == first.tag
        assert "If-None-Match" not in server.requests[1].headers
        with pytest.raises(SyncError) as caught:
            remote.write(b'{"n": 2}', first.tag, scrub=frozenset())
    assert "does not support conditional writes" in str(caught.value)
    assert URL in str(caught.value)
    assert [r.method for r in server.requests] == ["GET", "GET"]  # no PUT was sent


def test_without_etags_a_changed_body_is_a_new_read() -> None:
    server = Recorder(in_turn(json_ok(b"[1]", etag=None), json_ok(b"[2]", etag=None)))
    with server.remote() as remote:
        first = remote.read(None)
        second = remote.read(first.tag)
    assert second.data == b"[2]" and second.tag != first.tag


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("method", ["read", "write"])
def test_auth_failures_are_not_retried(status: int, method: str) -> None:
    server = Recorder(always(httpx.Response(status)))
    with server.remote() as remote, pytest.raises(AuthError) as caught:
        if method == "read":
            remote.read(None)
        else:
            remote.write(b"{}", '"v1"', scrub=frozenset())
    assert len(server.requests) == 1 and server.sleeps == []
    assert URL in str(caught.value) and str(status) in str(caught.value)


def test_an_html_page_with_status_200_is_a_document_error() -> None:
    page = b"<!DOCTYPE html><html><body>Please log in</body></html>"
    server = Recorder(
        always(httpx.Response(200, content=page, headers={"Content-Type": "text/html"}))
    )
    with server.remote() as remote, pytest.raises(DocumentError) as caught:
        remote.read(None)
    assert str(caught.value).startswith(f"{URL} returned an HTML page")
    assert "not a Digikunta document" in str(caught.value)


def test_markup_without_a_content_type_is_a_document_error() -> None:
    server = Recorder(always(httpx.Response(200, content=b"\n  <?xml version='1.0'?><a/>")))
    with server.remote() as remote, pytest.raises(DocumentError):
        remote.read(None)


def test_json_served_as_text_is_left_to_the_engine() -> None:
    body = b'{"format": "digikunta-sync"}'
    server = Recorder(
        always(httpx.Response(200, content=body, headers={"Content-Type": "text/plain"}))
    )
    with server.remote() as remote:
        assert remote.read(None).data == body


@pytest.mark.parametrize("status", [400, 405, 413])
def test_other_client_errors_are_sync_errors(status: int) -> None:
    server = Recorder(always(httpx.Response(status)))
    with server.remote() as remote, pytest.raises(SyncError) as caught:
        remote.write(b"{}", '"v1"', scrub=frozenset())
    assert type(caught.value) is SyncError
    assert str(status) in str(caught.value) and URL in str(caught.value)
    assert len(server.requests) == 1


def test_redirects_are_not_followed() -> None:
    target = "https://elsewhere.example.org/d.json?X-Amz-Signature=abc123"
    server = Recorder(always(httpx.Response(302, headers={"Location": target})))
    with server.remote() as remote, pytest.raises(SyncError) as caught:
        remote.read(None)
    assert len(server.requests) == 1
    assert "https://elsewhere.example.org/d.json" in str(caught.value)
    assert "abc123" not in str(caught.value)


# -- URLs and TLS --------------------------------------------------------------------------


def test_credentials_in_the_url_are_refused() -> None:
    with pytest.raises(ValueError) as caught:
        HttpRemote("https://ville:Hunter2-secret@dav.example.org/d.json")
    message = str(caught.value)
    assert "Hunter2-secret" not in message and "ville" not in message
    assert "environment variable" in message


@pytest.mark.parametrize("url", ["http://example.org/d.json", "http://10.0.0.5/d.json"])
def test_plain_http_to_other_hosts_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="https://"):
        HttpRemote(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/d.json",
        "http://127.1.2.3/d.json",
        "http://localhost/d.json",
        "http://[::1]:9000/d.json",
    ],
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    server = Recorder(always(httpx.Response(404)))
    with server.remote(url) as remote:
        assert remote.read(None).missing
    assert str(server.requests[0].url) == url


def test_plain_http_elsewhere_when_explicitly_allowed() -> None:
    server = Recorder(always(httpx.Response(404)))
    with server.remote("http://example.org/d.json", allow_insecure_http=True) as remote:
        assert remote.read(None).missing


@pytest.mark.parametrize("url", ["ftp://example.org/d.json", "/tmp/d.json", "dav.example.org"])
def test_non_http_addresses_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        HttpRemote(url)


def test_tls_verification_cannot_be_turned_off() -> None:
    with pytest.raises(ValueError, match="cannot be turned off"):
        HttpRemote(URL, verify=False)


def test_a_missing_ca_bundle_is_refused() -> None:
    with pytest.raises(ValueError, match="CA bundle"):
        HttpRemote(URL, verify="/nonexistent/ca-bundle.pem")


def test_description_and_repr_hide_the_query_string() -> None:
    url = URL + "?X-Amz-Signature=topsecret&X-Amz-Credential=AKIA"
    server = Recorder(always(httpx.Response(404)))
    with server.remote(url) as remote:
        assert remote.transport == "http"
        assert remote.description == URL
        assert "topsecret" not in repr(remote)
        remote.read(None)
    assert server.requests[0].url.params["X-Amz-Signature"] == "topsecret"  # still sent


def test_side_copies_are_empty() -> None:
    with Recorder(always(httpx.Response(404))).remote() as remote:
        assert remote.side_copies() == []
        remote.absorb([], frozenset())


def test_a_304_to_an_unconditional_get_is_an_error() -> None:
    server = Recorder(always(httpx.Response(304)))
    with server.remote() as remote, pytest.raises(SyncError) as caught:
        remote.read(None)
    assert "304" in str(caught.value) and "redirect" not in str(caught.value)
