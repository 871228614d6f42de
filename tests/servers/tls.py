"""A private certificate authority made with the ``openssl`` command, and a server certificate.

``make_ca(folder)`` writes ``ca.pem`` (the bundle a client trusts: the ``ca_bundle`` setting),
``server.pem`` / ``server.key`` for 127.0.0.1 and localhost signed by it, and ``other-ca.pem``,
a second CA that signed nothing here (the "wrong CA" case).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
_SERVER_EXT = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
"""


@dataclass(frozen=True)
class PrivateCa:
    """The files of a private CA and of the server certificate it signed."""

    ca_bundle: Path
    server_cert: Path
    server_key: Path
    other_ca_bundle: Path


def _openssl(*args: str, cwd: Path) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.decode(errors='replace')}")


def _self_signed_ca(folder: Path, name: str, subject: str) -> None:
    _openssl(
        "req", "-x509", *_EC, "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "3",
        "-subj", subject,
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip


def make_ca(folder: Path) -> PrivateCa:
    """Write a CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA."""
    folder.mkdir(parents=True, exist_ok=True)
    _self_signed_ca(folder, "ca", "/O=Digikunta tests/CN=Digikunta test CA")
    _self_signed_ca(folder, "other-ca", "/O=Someone else/CN=Unrelated test CA")
    _openssl(
        "req", *_EC, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
        cwd=folder,
    )  # fmt: skip
    (folder / "server.ext").write_text(_SERVER_EXT)
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "3", "-extfile", "server.ext",
        cwd=folder,
    )  # fmt: skip
    return PrivateCa(
        folder / "ca.pem", folder / "server.pem", folder / "server.key", folder / "other-ca.pem"
    )
