"""Apache httpd mod_dav_fs over TLS with a private CA and basic auth: the HTTP remote for real.

Found with Apache/2.4.71 (Debian) (see docs/http-remote.md): ETags are ``"SIZE-MTIME"`` (hex,
microseconds) and **weak** (``W/``) for a second after every change, which ``If-Match`` never
matches, and PUT answers carry no ETag; ``If-Match`` / ``If-None-Match: *`` are evaluated
(``412``); a PUT whose client dies mid-body leaves the previous document untouched (the body
goes to a temporary file that is removed). ``FileETag Digest`` gives strong content ETags.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from digikunta_tui.config import SyncSettings
from digikunta_tui.remotes import make_remote
from servers.apache import ApacheDav
from servers.dav_helpers import DocumentLog, doc_name, race, two_documents
from servers.processes import wait_until
from servers.torn_client import killed_mid_put
from sync import HttpRemote, Replica, sync
from sync.errors import AuthError, RemoteChanged, SyncError

PASSWORD_ENV = "DIGIKUNTA_TEST_DAV_PASSWORD"


def _remote(server: ApacheDav, name: str, **kwargs: object) -> HttpRemote:
    return HttpRemote(
        server.base_url + name,
        auth=httpx.BasicAuth(server.username, server.password),
        verify=str(server.ca.ca_bundle),
        **kwargs,  # type: ignore[arg-type]
    )


def _settings(server: ApacheDav, name: str, ca_bundle: Path | None) -> SyncSettings:
    return SyncSettings(
        remote=server.base_url + name,
        username=server.username,
        password_env=PASSWORD_ENV,
        ca_bundle=str(ca_bundle) if ca_bundle else "",
    )


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Replica, Replica]]:
    a = Replica.open(tmp_path / "a.sqlite", name="A")
    b = Replica.open(tmp_path / "b.sqlite", name="B")
    yield a, b
    a.close()
    b.close()


def test_the_configs_ca_bundle_and_password_env_reach_apache_over_tls(
    apache_dav_digest: ApacheDav, replicas: tuple[Replica, Replica]
) -> None:
    server, (a, b) = apache_dav_digest, replicas
    name = doc_name("config")
    settings = _settings(server, name, server.ca.ca_bundle)
    env = {PASSWORD_ENV: server.password}
    a.put("person", "p1", {"name": "Aino", "town": "Kuopio"})
    report = sync(a, make_remote(settings, environ=env))
    assert report.wrote and report.pushed == 1 and report.transport == "http"
    assert b'"Aino"' in (server.root / name).read_bytes()
    pulled = sync(b, make_remote(settings, environ=env))
    assert pulled.pulled == 1 and b.get("person", "p1") == {"name": "Aino", "town": "Kuopio"}


@pytest.mark.parametrize("which", ["unrelated CA", "system CAs only"])
def test_a_certificate_the_ca_bundle_does_not_trust_is_a_clear_error(
    apache_dav_digest: ApacheDav, replicas: tuple[Replica, Replica], which: str
) -> None:
    server, (a, _) = apache_dav_digest, replicas
    bundle = server.ca.other_ca_bundle if which == "unrelated CA" else None
    remote = make_remote(
        _settings(server, doc_name("wrong-ca"), bundle), environ={PASSWORD_ENV: server.password}
    )
    a.put("person", "p1", {"name": "Aino"})
    with pytest.raises(SyncError) as caught:
        sync(a, remote)
    message = str(caught.value)
    assert "TLS certificate could not be verified" in message and "set ca_bundle" in message
    assert "\n" not in message and server.password not in message
    assert a.pending() == 1


def test_a_wrong_password_is_an_authentication_error(
    apache_dav_digest: ApacheDav, replicas: tuple[Replica, Replica]
) -> None:
    server, (a, _) = apache_dav_digest, replicas
    settings = _settings(server, doc_name("auth"), server.ca.ca_bundle)
    a.put("person", "p1", {"name": "Aino"})
    with pytest.raises(AuthError, match="HTTP 401"):
        sync(a, make_remote(settings, environ={PASSWORD_ENV: "not-the-password"}))
    assert a.pending() == 1


def test_conditional_puts_on_stock_apache_weak_etags_included(
    apache_dav: ApacheDav, tmp_path: Path
) -> None:
    """If-None-Match: * and If-Match are evaluated; a write right after a write (its tag still
    weak) waits for the strong tag and lands; a stale tag is refused and changes nothing."""
    first, second = two_documents(tmp_path / "docs")
    name = doc_name("conditional")
    stored = apache_dav.root / name
    with _remote(apache_dav, name) as remote, _remote(apache_dav, name) as other:
        tag = remote.write(first, None, scrub=frozenset())
        with pytest.raises(RemoteChanged, match="412"):
            other.write(second, None, scrub=frozenset())  # If-None-Match: * on an existing one
        assert stored.read_bytes() == first
        newer = remote.write(second, tag, scrub=frozenset())  # tag from a write just now
        assert stored.read_bytes() == second and newer != tag
        with pytest.raises(RemoteChanged):
            other.write(first, tag, scrub=frozenset())  # stale: the lost update refused
        assert stored.read_bytes() == second
        raw = httpx.put(
            apache_dav.base_url + name,
            content=first,
            headers={"If-Match": tag.removeprefix("W/")},
            auth=(apache_dav.username, apache_dav.password),
            verify=ssl.create_default_context(cafile=str(apache_dav.ca.ca_bundle)),
        )
        assert raw.status_code == 412 and stored.read_bytes() == second


@pytest.mark.parametrize("etags", ["stock", "FileETag Digest"])
def test_a_write_in_between_gets_412_and_is_merged(
    request: pytest.FixtureRequest, replicas: tuple[Replica, Replica], etags: str
) -> None:
    server: ApacheDav = request.getfixturevalue(
        "apache_dav" if etags == "stock" else "apache_dav_digest"
    )
    a, b = replicas
    name = doc_name("race")
    log = DocumentLog(ssl.create_default_context(cafile=str(server.ca.ca_bundle)))
    with _remote(server, name, transport=log) as ra, _remote(server, name) as rb:
        a.put("person", "p1", {"name": "Aino", "town": "Kuopio"})
        sync(a, ra)
        sync(b, rb)
        before = len(log.log)
        race(a, ra, b, rb)
        puts = [status for method, status in log.log[before:] if method == "PUT"]
        assert len([s for s in puts if s < 300]) == 1  # only A's write after the merge landed
        if etags == "stock":
            # B's write is seen either as a 412 or, while A's tag is still weak, by HEAD
            # showing another tag before A sends anything
            assert 412 in puts or ("HEAD", 200) in log.log[before:]
        else:
            assert 412 in puts
        expected = {"name": "Aino", "town": "Varkaus", "phone": "050 2"}
        assert a.get("person", "p1") == b.get("person", "p1") == expected
        assert a.pending() == b.pending() == 0


def test_a_client_killed_mid_put_leaves_the_previous_document(
    apache_dav: ApacheDav, tmp_path: Path, replicas: tuple[Replica, Replica]
) -> None:
    first, second = two_documents(tmp_path / "docs")
    name = doc_name("torn")
    with _remote(apache_dav, name) as remote:
        remote.write(first, None, scrub=frozenset())
    before = set((apache_dav.root).iterdir())
    killed_mid_put(
        apache_dav.base_url + name,
        second,
        len(second) // 2,
        ca_bundle=apache_dav.ca.ca_bundle,
        login=(apache_dav.username, apache_dav.password),
        folder=tmp_path,
        headers={"Expect": "100-continue"},  # half the body sent while Apache reads it
    )
    wait_until(
        lambda: f"reading the request body (URI: /dav/{name})" in apache_dav.error_log.read_text(),
        "Apache handling the torn PUT",
    )
    assert (apache_dav.root / name).read_bytes() == first  # the previous document, whole
    assert set(apache_dav.root.iterdir()) == before  # its temporary file was removed
    _, b = replicas
    with _remote(apache_dav, name) as remote:
        report = sync(b, remote)
    assert report.pulled == 1 and not report.warnings
