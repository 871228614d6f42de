"""``digikunta sync`` against an HTTP (WebDAV) remote, run as a real process.

The WebDAV server (WsgiDAV) runs in the test process on 127.0.0.1; the CLI child connects to
it over loopback, where plain ``http://`` is allowed. Elsewhere only ``https://`` is accepted.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import Cli, Result, one_line_error, records_of
from webdav_server import run_webdav

DOC = "digikunta.json"
USER = "ville"
PASSWORD = "salasana-Kuopio-5ecret-297"
PASSWORD_ENV = "DIGIKUNTA_TEST_PASSWORD"
TOKEN_ENV = "DIGIKUNTA_TEST_TOKEN"


def run(cli: Cli, *args: str, env: dict[str, str] | None = None) -> Result:
    """Like ``cli(*args)``, with extra environment variables for the child."""
    child_env = {
        k: v for k, v in cli.env().items() if not k.lower().endswith("_proxy")
    }  # loopback must not go through a proxy of the machine running the tests
    child_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "digikunta_tui.cli", *args],
        capture_output=True,
        env=child_env,
        cwd=cli.home,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))


@pytest.fixture
def dav(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A WebDAV server for anyone: (base URL, served folder)."""
    root = tmp_path / "dav"
    with run_webdav(root, strict=True) as base_url:
        yield base_url, root


@pytest.fixture
def dav_login(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A WebDAV server that requires basic auth (ville / PASSWORD): (base URL, folder)."""
    root = tmp_path / "dav-auth"
    with run_webdav(root, users={USER: PASSWORD}) as base_url:
        yield base_url, root


def _shared_ids(path: Path) -> set[str]:
    return {r["id"] for r in json.loads(path.read_bytes())["records"]}


def test_sync_with_a_url_reports_http_and_the_url(cli: Cli, dav: tuple[str, Path]) -> None:
    base_url, root = dav
    url = base_url + DOC
    first = run(cli, "sync", "--remote", url)
    assert first.code == 0, first.err
    lines = first.text.splitlines()
    assert lines[0] == f"synced via http: {url}"
    assert "pushed" in lines[1] and "(nothing changed)" not in first.text
    live = {rid for rid, *_, alive in records_of(cli.data_dir) if alive}
    assert live and live <= _shared_ids(root / DOC)

    second = run(cli, "sync", "--remote", url)
    assert second.code == 0, second.err
    assert second.text.splitlines()[0] == f"synced via http: {url}"
    assert "pulled 0, pushed 0" in second.text and "(nothing changed)" in second.text


def test_sync_with_the_url_in_the_config(cli: Cli, dav: tuple[str, Path]) -> None:
    base_url, root = dav
    url = base_url + DOC
    cli.config.write_text(f'[sync]\nremote = "{url}"\n', "utf-8")
    result = run(cli, "sync")
    assert result.code == 0, result.err
    assert result.text.splitlines()[0] == f"synced via http: {url}"
    assert (root / DOC).is_file()


def test_an_unset_token_variable_is_named_in_one_line(cli: Cli, dav: tuple[str, Path]) -> None:
    base_url, root = dav
    cli.config.write_text(
        f'[sync]\nremote = "{base_url + DOC}"\ntoken_env = "{TOKEN_ENV}"\n', "utf-8"
    )
    before = records_of(cli.data_dir)
    line = one_line_error(run(cli, "sync"))
    assert TOKEN_ENV in line and "not set" in line
    assert records_of(cli.data_dir) == before
    assert not (root / DOC).exists()


def test_plain_http_to_another_host_is_refused(cli: Cli) -> None:
    before = records_of(cli.data_dir)
    line = one_line_error(run(cli, "sync", "--remote", "http://example.org/x.json"))
    assert "refusing plain http://" in line and "http://example.org/x.json" in line
    assert records_of(cli.data_dir) == before


def test_credentials_in_the_url_are_refused(cli: Cli, dav: tuple[str, Path]) -> None:
    base_url, root = dav
    url = base_url.replace("http://", f"http://{USER}:{PASSWORD}@") + DOC
    result = run(cli, "sync", "--remote", url)
    line = one_line_error(result)
    assert "user name or password" in line and "environment variable" in line
    assert PASSWORD not in result.err and PASSWORD not in result.text
    assert not (root / DOC).exists()


def _config_basic_auth(cli: Cli, base_url: str) -> None:
    cli.config.write_text(
        "[sync]\n"
        f'remote = "{base_url + DOC}"\n'
        f'username = "{USER}"\n'
        f'password_env = "{PASSWORD_ENV}"\n',
        "utf-8",
    )


def _secret_forms() -> list[bytes]:
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode())
    return [PASSWORD.encode(), token]


def test_basic_auth_works_and_the_password_is_never_shown_or_stored(
    cli: Cli, dav_login: tuple[str, Path]
) -> None:
    base_url, root = dav_login
    _config_basic_auth(cli, base_url)
    env = {PASSWORD_ENV: PASSWORD}
    results = [run(cli, "sync", env=env), run(cli, "sync", env=env)]
    for result in results:
        assert result.code == 0, result.err
        assert result.text.splitlines()[0] == f"synced via http: {base_url + DOC}"
    assert "(nothing changed)" in results[1].text
    assert (root / DOC).is_file()

    for result in results:
        for secret in _secret_forms():
            assert secret not in result.out
            assert secret.decode() not in result.err
    files = [p for p in cli.data_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in _secret_forms():
            assert secret not in data, f"{path} holds the password"


def test_basic_auth_with_a_wrong_password_fails_without_showing_it(
    cli: Cli, dav_login: tuple[str, Path]
) -> None:
    base_url, root = dav_login
    _config_basic_auth(cli, base_url)
    wrong = "wrong-" + PASSWORD
    result = run(cli, "sync", env={PASSWORD_ENV: wrong})
    line = one_line_error(result)
    assert "HTTP 401" in line
    assert wrong not in result.err and wrong not in result.text
    assert not (root / DOC).exists()


def test_contradicting_credential_settings_are_a_config_error(
    cli: Cli, dav: tuple[str, Path]
) -> None:
    base_url, _ = dav
    cli.config.write_text(
        "[sync]\n"
        f'remote = "{base_url + DOC}"\n'
        f'token_env = "{TOKEN_ENV}"\n'
        f'username = "{USER}"\n'
        f'password_env = "{PASSWORD_ENV}"\n',
        "utf-8",
    )
    result = run(cli, "sync", env={TOKEN_ENV: "t0ken", PASSWORD_ENV: PASSWORD})
    line = one_line_error(result)
    assert result.code == 1
    assert "either a token variable or a user name" in line and "unexpected" not in line


def test_authentication_errors_are_said_in_finnish(cli: Cli, dav_login: tuple[str, Path]) -> None:
    base_url, root = dav_login
    _config_basic_auth(cli, base_url)
    wrong = "wrong-" + PASSWORD
    refused = run(cli, "--lang", "fi", "sync", env={PASSWORD_ENV: wrong})
    assert refused.code == 4 and "Traceback" not in refused.err
    assert refused.err == (
        f"digikunta: virhe: {base_url + DOC} eväsi pääsyn (HTTP 401): tarkista käyttäjätunnus "
        "ja ympäristömuuttujassa oleva salaisuus\n"
    )
    unset = run(cli, "--lang", "fi", "sync")
    assert unset.code == 4
    assert unset.err == f"digikunta: virhe: ympäristömuuttujaa {PASSWORD_ENV} ei ole asetettu\n"
    assert wrong not in refused.err + unset.err and not (root / DOC).exists()
