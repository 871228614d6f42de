"""S3 for real (moto's server): SigV4 signing, credentials from the environment, conditions.

Found with moto 5.2 (docs/http-remote.md): ``PUT`` with ``If-None-Match: *`` on an existing key
and with a stale ``If-Match`` are refused with ``412 PreconditionFailed``; ``If-Match`` on a
missing key is ``404 NoSuchKey``; ETags are the content's MD5 (strong), also in PUT answers;
a conditional ``GET`` gets ``304``; an upload cut off mid-body stores nothing. moto checks that a
request is signed (an unsigned one is ``403``) but not the signature itself.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from digikunta_tui.config import SyncSettings
from digikunta_tui.remotes import make_remote
from servers.dav_helpers import DocumentLog, doc_name, race, two_documents
from servers.moto_s3 import MotoS3
from servers.torn_client import killed_mid_put
from sync import HttpRemote, Replica, sync
from sync.errors import AuthError, RemoteChanged
from sync.s3_signing import MISSING_BOTOCORE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Replica, Replica]]:
    a = Replica.open(tmp_path / "a.sqlite", name="A")
    b = Replica.open(tmp_path / "b.sqlite", name="B")
    yield a, b
    a.close()
    b.close()


def _settings(s3: MotoS3, name: str) -> SyncSettings:
    return SyncSettings(remote=s3.base_url + name, s3_region=s3.region)


def test_a_sync_through_the_config_signs_with_the_aws_environment(
    moto_s3: MotoS3, replicas: tuple[Replica, Replica]
) -> None:
    a, b = replicas
    name = doc_name("config")
    a.put("person", "p1", {"name": "Aino"})
    assert sync(a, make_remote(_settings(moto_s3, name), environ=moto_s3.env)).wrote
    assert b'"Aino"' in moto_s3.get(name).content
    assert sync(b, make_remote(_settings(moto_s3, name), environ=moto_s3.env)).pulled == 1
    # without signing (no s3_region) the same URL is refused: the signature was what let us in
    a.put("person", "p2", {"name": "Eero"})
    with pytest.raises(AuthError, match="HTTP 403"):
        sync(a, make_remote(SyncSettings(remote=moto_s3.base_url + name), environ={}))


@pytest.mark.parametrize("unset", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
def test_missing_aws_credentials_name_the_variable(moto_s3: MotoS3, unset: str) -> None:
    env = {k: v for k, v in moto_s3.env.items() if k != unset}
    with pytest.raises(AuthError) as caught:
        make_remote(_settings(moto_s3, doc_name("creds")), environ=env)
    assert str(caught.value) == f"environment variable {unset} is not set (the S3 credentials)"


def test_without_botocore_the_error_says_which_extra_to_install() -> None:
    """A real interpreter in which importing botocore fails, as when the extra is missing."""
    code = (
        "import sys\n"
        "class NoBotocore:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'botocore': raise ImportError(name)\n"
        "sys.meta_path.insert(0, NoBotocore())\n"
        "from sync.credentials import auth_from_env\n"
        "try:\n"
        "    env = {'AWS_ACCESS_KEY_ID': 'k', 'AWS_SECRET_ACCESS_KEY': 's'}\n"
        "    auth_from_env(s3_region='eu-north-1', environ=env)\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == MISSING_BOTOCORE
    assert "pip install 'digikunta[s3]'" in MISSING_BOTOCORE


def test_conditional_puts_on_s3(moto_s3: MotoS3, tmp_path: Path) -> None:
    first, second = two_documents(tmp_path / "docs")
    name = doc_name("conditional")
    url = moto_s3.base_url + name
    with HttpRemote(url, auth=moto_s3.auth()) as one, HttpRemote(url, auth=moto_s3.auth()) as two:
        tag = one.write(first, None, scrub=frozenset())
        with pytest.raises(RemoteChanged, match="412"):
            two.write(second, None, scrub=frozenset())
        newer = one.write(second, tag, scrub=frozenset())
        with pytest.raises(RemoteChanged, match="412"):
            two.write(first, tag, scrub=frozenset())  # the lost update, refused
        assert moto_s3.get(name).content == second
        assert one.read(newer).unchanged
        assert httpx.delete(url, auth=moto_s3.auth()).is_success
        with pytest.raises(RemoteChanged, match="deleted since it was read"):
            one.write(first, newer, scrub=frozenset())  # 404 NoSuchKey to If-Match


def test_a_write_in_between_gets_412_and_is_merged(
    moto_s3: MotoS3, replicas: tuple[Replica, Replica]
) -> None:
    a, b = replicas
    url = moto_s3.base_url + doc_name("race")
    log = DocumentLog()
    with (
        HttpRemote(url, auth=moto_s3.auth(), transport=log) as ra,
        HttpRemote(url, auth=moto_s3.auth()) as rb,
    ):
        a.put("person", "p1", {"name": "Aino", "town": "Kuopio"})
        sync(a, ra)
        sync(b, rb)
        before = len(log.log)
        race(a, ra, b, rb)
        assert ("PUT", 412) in log.log[before:]
    expected = {"name": "Aino", "town": "Varkaus", "phone": "050 2"}
    assert a.get("person", "p1") == b.get("person", "p1") == expected


def test_an_upload_cut_off_mid_body_stores_nothing(moto_s3: MotoS3, tmp_path: Path) -> None:
    first, second = two_documents(tmp_path / "docs")
    name = doc_name("torn")
    url = moto_s3.base_url + name
    with HttpRemote(url, auth=moto_s3.auth()) as remote:
        remote.write(first, None, scrub=frozenset())
    signed = next(moto_s3.auth().sync_auth_flow(httpx.Request("PUT", url, content=second)))
    headers = {
        k: v
        for k, v in signed.headers.items()
        if k.lower() not in ("host", "content-length", "content-type")
    }
    killed_mid_put(url, second, len(second) // 2, headers=headers, folder=tmp_path)
    assert moto_s3.wait_for("PUT", name, 2)[-1] >= 400  # moto answered the torn request
    assert moto_s3.get(name).content == first
