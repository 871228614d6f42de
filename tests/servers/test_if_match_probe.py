"""The If-Match check against WsgiDAV 4.4, which skips If-Match only for missing resources.

Its first probe is therefore written (201); the second, on the now existing probe, is refused
(412), so the server counts as checking If-Match; the probe is deleted and the write goes on.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from webdav_server import run_webdav

from servers.dav_helpers import DocumentLog, two_documents
from sync import HttpRemote
from sync.http_capabilities import PROBE_SUFFIX


class ProbeLog(DocumentLog):
    """Records every request's (method, path suffix, status)."""

    def __init__(self) -> None:
        super().__init__()
        self.all: list[tuple[str, bool, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        probe = request.url.path.endswith(PROBE_SUFFIX)
        self.all.append((request.method, probe, response.status_code))
        return response


@pytest.mark.parametrize("strict", [False, True])
def test_wsgidav_passes_the_check_in_two_steps_and_the_probe_is_removed(
    tmp_path: Path, strict: bool
) -> None:
    first, second = two_documents(tmp_path / "docs")
    root = tmp_path / "dav"
    log = ProbeLog()
    with run_webdav(root, strict=strict) as base, HttpRemote(base + "d.json", transport=log) as r:
        tag = r.write(first, None, scrub=frozenset())
        r.write(second, tag, scrub=frozenset())
    probes = [(method, status) for method, probe, status in log.all if probe]
    assert probes[:2] == [("PUT", 201), ("PUT", 412)] and probes[2][0] == "DELETE"
    assert len(probes) == 3  # checked once per remote, not per write
    assert sorted(p.name for p in root.iterdir()) == ["d.json"]
    assert (root / "d.json").read_bytes() == second
