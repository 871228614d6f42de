"""Apache httpd with ``mod_dav_fs`` over TLS (``mod_ssl``) and basic auth, on loopback.

``run_apache(folder, ca, users)`` writes its own ``httpd.conf`` (own ServerRoot, PidFile,
lock database, logs and port in ``folder``; never the system's configuration), starts
``apache2 -f httpd.conf -DFOREGROUND`` and yields an :class:`ApacheDav`. The served folder is
``folder / "dav"``; every document URL is ``https://127.0.0.1:PORT/dav/NAME``.

Run as root, httpd serves requests as ``www-data`` (it will not run as root), so the served
folder and the lock database belong to that user and the temporary folder is world-traversable.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from servers.processes import HOST, ServerFailed, accepts, free_port, start, stop, wait_until
from servers.tls import PrivateCa

MODULES = Path("/usr/lib/apache2/modules")
_LOAD = [
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("authn_file_module", "mod_authn_file.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("auth_basic_module", "mod_auth_basic.so"),
    ("alias_module", "mod_alias.so"),
    ("dav_module", "mod_dav.so"),
    ("dav_fs_module", "mod_dav_fs.so"),
    ("ssl_module", "mod_ssl.so"),
    ("socache_shmcb_module", "mod_socache_shmcb.so"),
]
RUN_AS = "www-data"


@dataclass(frozen=True)
class ApacheDav:
    """A running Apache: its base URL (``https://127.0.0.1:PORT/dav/``), folder and login."""

    base_url: str
    root: Path
    """The folder served at ``/dav/`` (a document NAME is the file ``root / NAME``)."""
    username: str
    password: str
    ca: PrivateCa
    version: str
    error_log: Path


def apache_binary() -> str | None:
    """The httpd program (Debian calls it ``apache2``), or None when not installed."""
    return shutil.which("apache2") or shutil.which("httpd")


def apache_version(binary: str) -> str:
    """``Apache/2.4.x (Debian)`` as ``apache2 -v`` says it."""
    out = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("Server version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _htpasswd_line(user: str, password: str) -> str:
    """An ``AuthUserFile`` line in Apache's ``{SHA}`` form (base64 SHA-1; fine for a test)."""
    digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()
    return f"{user}:{{SHA}}{digest}\n"


def _config(folder: Path, port: int, ca: PrivateCa, as_root: bool, extra: str) -> str:
    loads = "\n".join(f"LoadModule {name} {MODULES / so}" for name, so in _LOAD)
    user = f"User {RUN_AS}\nGroup {RUN_AS}\n" if as_root else ""
    return f"""\
ServerRoot "{folder}"
ServerName {HOST}
Listen {HOST}:{port}
PidFile "{folder}/httpd.pid"
DefaultRuntimeDir "{folder}/run"
Mutex file:{folder}/run default
{loads}
{user}ErrorLog "{folder}/httpd.log"
LogLevel warn
Timeout 30
KeepAlive On
StartServers 1
ServerLimit 2
ThreadsPerChild 8
MaxRequestWorkers 16
SSLEngine on
SSLCertificateFile "{ca.server_cert}"
SSLCertificateKeyFile "{ca.server_key}"
SSLSessionCache none
DAVLockDB "{folder}/davlock/lockdb"
DocumentRoot "{folder}/htdocs"
Alias /dav "{folder}/dav"
<Directory "{folder}/dav">
    Dav On
    AuthType Basic
    AuthName "Digikunta tests"
    AuthBasicProvider file
    AuthUserFile "{folder}/htpasswd"
    Require valid-user
{extra}</Directory>
"""


@contextmanager
def run_apache(
    folder: Path,
    ca: PrivateCa,
    username: str = "ville",
    password: str = "Kuopio-dav-297",
    *,
    extra: str = "",
) -> Iterator[ApacheDav]:
    """Run Apache with mod_dav_fs over TLS while the block runs (see the module docstring).

    Raises:
        ServerFailed: httpd is missing, exits, or does not listen within the deadline.
    """
    binary = apache_binary()
    if binary is None:
        raise ServerFailed("apache2 is not installed")
    as_root = os.geteuid() == 0
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("dav", "davlock", "run", "htdocs"):
        (folder / sub).mkdir(exist_ok=True)
    (folder / "htpasswd").write_text(_htpasswd_line(username, password))
    if as_root:
        user = pwd.getpwnam(RUN_AS)
        for sub in ("dav", "davlock"):
            os.chown(folder / sub, user.pw_uid, user.pw_gid)
        for parent in (folder, *folder.parents):  # the children must reach the served folder
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o111)
    log = folder / "httpd.log"  # httpd's ErrorLog and its stdout/stderr
    for _attempt in range(3):  # another process may take the free port before httpd binds it
        port = free_port()
        conf = folder / "httpd.conf"
        conf.write_text(_config(folder, port, ca, as_root, extra))
        process = start([binary, "-f", str(conf), "-DFOREGROUND"], log)
        try:
            wait_until(lambda port=port: accepts(port), "apache2", process=process, log=log)
            break
        except ServerFailed:
            stop(process)
            if "Address already in use" not in log.read_text(errors="replace"):
                raise
    else:
        raise ServerFailed("apache2 found no free port")
    try:
        yield ApacheDav(
            f"https://{HOST}:{port}/dav/",
            folder / "dav",
            username,
            password,
            ca,
            apache_version(binary),
            log,
        )
    finally:
        stop(process)
