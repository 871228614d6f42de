"""Credentials from the environment, and secrets never leaking into messages or logs."""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Generator

import httpx
import pytest
from webdav_server import WebDavLogin

from sync.credentials import BearerAuth, auth_from_env
from sync.errors import AuthError, RemoteOffline, SyncError
from sync.http_remote import HttpRemote

TOKEN = "tok-Qz81-very-secret-value"
PASSWORD = "Hunter2-pw-secret"
URL = "https://dav.example.org/shared/digikunta.json"


def exception_text(exc: BaseException) -> str:
    """Everything a person could see of an exception: message, repr, traceback with causes."""
    return "\n".join([str(exc), repr(exc), *traceback.format_exception(exc)])


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "sync", "wsgidav"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


# -- auth_from_env -------------------------------------------------------------------------


def test_bearer_token_from_the_environment() -> None:
    auth = auth_from_env(token_env="DIGIKUNTA_TOKEN", environ={"DIGIKUNTA_TOKEN": TOKEN + "\n"})
    assert isinstance(auth, BearerAuth)
    assert TOKEN not in repr(auth) and TOKEN not in str(auth)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404)

    with HttpRemote(URL, auth=auth, transport=httpx.MockTransport(handler)) as remote:
        remote.read(None)
    assert seen[0].headers["Authorization"] == f"Bearer {TOKEN}"  # trailing newline stripped


def test_basic_auth_from_the_environment() -> None:
    auth = auth_from_env(username="ville", password_env="DK_PW", environ={"DK_PW": "pw 1"})
    request = next(auth.sync_auth_flow(httpx.Request("GET", URL)))
    expected = base64.b64encode(b"ville:pw 1").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"


def test_no_credentials_configured() -> None:
    assert auth_from_env(environ={}) is None


def test_an_unset_variable_is_named_not_shown() -> None:
    with pytest.raises(AuthError) as caught:
        auth_from_env(token_env="DIGIKUNTA_TOKEN", environ={"OTHER": TOKEN})
    assert str(caught.value) == "environment variable DIGIKUNTA_TOKEN is not set"
    with pytest.raises(AuthError, match="environment variable DK_PW is not set"):
        auth_from_env(username="ville", password_env="DK_PW", environ={})


@pytest.mark.parametrize("value", ["", "   \n"])
def test_an_empty_token_is_refused(value: str) -> None:
    with pytest.raises(AuthError, match="DIGIKUNTA_TOKEN is empty"):
        auth_from_env(token_env="DIGIKUNTA_TOKEN", environ={"DIGIKUNTA_TOKEN": value})


@pytest.mark.parametrize("bad", [f"{TOKEN}\nX-Evil: 1", f"{TOKEN} more", f"{TOKEN}ä"])
def test_a_token_that_cannot_be_a_header_is_refused_without_showing_it(bad: str) -> None:
    with pytest.raises(AuthError) as caught:
        auth_from_env(token_env="DIGIKUNTA_TOKEN", environ={"DIGIKUNTA_TOKEN": bad})
    assert "DIGIKUNTA_TOKEN" in str(caught.value)
    assert TOKEN not in exception_text(caught.value)


def test_a_password_with_a_line_break_is_refused_without_showing_it() -> None:
    with pytest.raises(AuthError) as caught:
        auth_from_env(username="v", password_env="DK_PW", environ={"DK_PW": PASSWORD + "\nx"})
    assert PASSWORD not in exception_text(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"token_env": "T", "username": "u", "password_env": "P"},
        {"username": "u"},
        {"password_env": "P"},
    ],
)
def test_confused_settings_are_configuration_errors(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        auth_from_env(environ={"T": "t", "P": "p"}, **kwargs)  # type: ignore[arg-type]


# -- secrets stay out of exceptions and logs -----------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        httpx.Response(401),
        httpx.Response(403),
        httpx.Response(500),
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.Response(200, text="<html>login</html>", headers={"Content-Type": "text/html"}),
        httpx.Response(400),
    ],
)
def test_a_bearer_token_never_leaks(
    fault: httpx.Response | Exception, all_logs: pytest.LogCaptureFixture
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        if isinstance(fault, Exception):
            raise fault
        return fault

    auth = auth_from_env(token_env="DIGIKUNTA_TOKEN", environ={"DIGIKUNTA_TOKEN": TOKEN})
    remote = HttpRemote(
        URL, auth=auth, retries=1, transport=httpx.MockTransport(handler), sleep=lambda _: None
    )
    with remote, pytest.raises(SyncError) as caught:
        remote.read(None)
    assert TOKEN not in exception_text(caught.value)
    assert TOKEN not in repr(remote) and TOKEN not in remote.description
    assert all_logs.records  # the logs were captured at all...
    assert TOKEN not in log_text(all_logs)  # ...and hold no secret


class RawAuth(httpx.Auth):
    """Sets a header value that h11 refuses to send (bypassing auth_from_env's checks)."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {TOKEN}\r\nX-Injected: 1"
        yield request


def test_a_malformed_header_error_does_not_echo_the_secret(
    webdav_server: str, all_logs: pytest.LogCaptureFixture
) -> None:
    remote = HttpRemote(webdav_server + "d.json", auth=RawAuth(), sleep=lambda _: None)
    with remote, pytest.raises(SyncError) as caught:
        remote.read(None)
    assert not isinstance(caught.value, RemoteOffline)  # not retried: it would never work
    assert "header" in str(caught.value)
    assert TOKEN not in exception_text(caught.value)
    assert TOKEN not in log_text(all_logs)


def test_a_url_query_signature_stays_out_of_logs(all_logs: pytest.LogCaptureFixture) -> None:
    url = URL + "?X-Amz-Signature=sig-abc-123"
    with HttpRemote(url, transport=httpx.MockTransport(lambda r: httpx.Response(404))) as remote:
        remote.read(None)
    assert any(r.name == "httpx" for r in all_logs.records)
    assert "sig-abc-123" not in log_text(all_logs)


# -- basic auth against a real WebDAV server -----------------------------------------------


def test_basic_auth_against_webdav(
    webdav_auth_server: WebDavLogin, all_logs: pytest.LogCaptureFixture
) -> None:
    login = webdav_auth_server
    secrets = _basic_secrets(login.username, login.password)
    auth = auth_from_env(
        username=login.username, password_env="DK_PW", environ={"DK_PW": login.password}
    )
    with HttpRemote(login.url + "digikunta.json", auth=auth, sleep=lambda _: None) as remote:
        assert remote.read(None).missing
        tag = remote.write(b'{"v": 1}\n', None, scrub=frozenset())
        assert remote.read(tag).unchanged
        assert all(s not in repr(remote) for s in secrets)
    assert all_logs.records
    assert all(s not in log_text(all_logs) for s in secrets)


@pytest.mark.parametrize("password", ["wrong-Pa55word-xyz", None])
def test_a_wrong_or_missing_password_is_an_auth_error(
    webdav_auth_server: WebDavLogin, all_logs: pytest.LogCaptureFixture, password: str | None
) -> None:
    login = webdav_auth_server
    auth = None if password is None else httpx.BasicAuth(login.username, password)
    url = login.url + "digikunta.json"
    with HttpRemote(url, auth=auth, sleep=lambda _: None) as remote:
        with pytest.raises(AuthError) as read_error:
            remote.read(None)
        with pytest.raises(AuthError) as write_error:
            remote.write(b"{}", None, scrub=frozenset())
    for caught in (read_error, write_error):
        assert url in str(caught.value) and "401" in str(caught.value)
        text = exception_text(caught.value)
        assert login.password not in text
        if password is not None:
            assert all(s not in text for s in _basic_secrets(login.username, password))
        else:
            assert "needs credentials" in text
    logs = log_text(all_logs)
    assert login.password not in logs
    if password is not None:
        assert all(s not in logs for s in _basic_secrets(login.username, password))


def _basic_secrets(username: str, password: str) -> list[str]:
    """The password and the header value that carries it."""
    return [password, base64.b64encode(f"{username}:{password}".encode()).decode()]
