"""Two real Syncthing devices on loopback sharing one folder, driven through their REST API.

``run_syncthing_pair(folder)`` generates two homes (``syncthing generate``), configures each
(no global or local discovery, no relays, no NAT, no usage reports or upgrades; sync and GUI
on free 127.0.0.1 ports, the GUI/REST with an API key; the peer at a static
``tcp://127.0.0.1:PORT``; one shared folder with the file watcher off and hourly rescans, so
that scans happen only when a test asks for one), starts both and waits until they are
connected. Nothing waits on intervals: :meth:`Device.scan` asks for a scan (the REST call
returns once it is done), :meth:`SyncthingPair.settle` polls REST and the two folders until
both devices hold the same files and are idle, within a generous deadline that fails with a
clear message. :meth:`SyncthingPair.disconnected` pauses the devices to each other (REST
``/rest/system/pause``) so that both can change the same file, then resumes them.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from servers.processes import HOST, ServerFailed, free_port, start, stop, tail, wait_until

FOLDER_ID = "digikunta-shared"
SETTLE_DEADLINE = 120.0
"""Seconds two devices may take to agree (a guard against hanging, not a speed check)."""
_OPTIONS = {
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "urAccepted": "-1",
    "autoUpgradeIntervalH": "0",
    "crashReportingEnabled": "false",
    "startBrowser": "false",
    "reconnectionIntervalS": "1",
    "progressUpdateIntervalS": "-1",
}


def syncthing_version(binary: str) -> str:
    """``syncthing v1.19.2-ds1`` (the first two words of ``syncthing --version``)."""
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return " ".join(out.stdout.split()[:2]) or "unknown"


@dataclass
class Device:
    """One running Syncthing: its shared folder, REST address and key, and device id."""

    name: str
    home: Path
    folder: Path
    device_id: str
    port: int
    gui_port: int
    api_key: str
    process: subprocess.Popen[bytes] | None = None
    peer_id: str = ""

    @property
    def log(self) -> Path:
        return self.home / "syncthing.log"

    def rest(self, method: str, path: str, **params: str) -> Any:
        """Call the REST API; the decoded JSON answer (None when empty)."""
        answer = httpx.request(
            method,
            f"http://{HOST}:{self.gui_port}{path}",
            params=params,
            headers={"X-API-Key": self.api_key},
            timeout=60,
        )
        answer.raise_for_status()
        return answer.json() if answer.content.strip() else None

    def scan(self) -> None:
        """Scan the shared folder now (returns when the scan is done)."""
        self.rest("POST", "/rest/db/scan", folder=FOLDER_ID)

    def status(self) -> dict[str, Any]:
        """``/rest/db/status`` of the shared folder (state, needTotalItems, sequence...)."""
        return self.rest("GET", "/rest/db/status", folder=FOLDER_ID)

    def connected(self) -> bool:
        """True when this device is connected to its peer."""
        connections = self.rest("GET", "/rest/system/connections")["connections"]
        return bool(connections.get(self.peer_id, {}).get("connected"))

    def files(self) -> dict[str, bytes]:
        """Every file of the shared folder (relative path -> bytes), Syncthing's own left out."""
        found = {}
        for path in sorted(self.folder.rglob("*")):
            rel = path.relative_to(self.folder).as_posix()
            if rel.startswith(".stfolder") or path.name.startswith(".syncthing."):
                continue
            if path.is_file():
                found[rel] = path.read_bytes()
        return found


@dataclass
class SyncthingPair:
    """Two connected devices sharing :data:`FOLDER_ID`; ``version`` of Syncthing."""

    a: Device
    b: Device
    version: str

    def _agree(self, extra: Callable[[dict[str, bytes]], bool]) -> bool:
        files = self.a.files()
        if files != self.b.files() or not extra(files):
            return False
        for device in (self.a, self.b):
            status = device.status()
            if status.get("state") != "idle" or status.get("needTotalItems", 1) != 0:
                return False
        return True

    def settle(self, until: Callable[[dict[str, bytes]], bool] = lambda _: True) -> None:
        """Scan both devices, then wait until both folders hold the same files, ``until`` them.

        Raises:
            ServerFailed: they did not within :data:`SETTLE_DEADLINE` (with both logs' ends).
        """
        self.a.scan()
        self.b.scan()
        end = time.monotonic() + SETTLE_DEADLINE
        delay = 0.05
        while not self._agree(until):
            if time.monotonic() > end:
                raise ServerFailed(
                    f"the two Syncthing devices did not agree within {SETTLE_DEADLINE:g} s:"
                    f" A has {sorted(self.a.files())}, B has {sorted(self.b.files())}\n"
                    f"A: {tail(self.a.log, 10)}\nB: {tail(self.b.log, 10)}"
                )
            time.sleep(delay)  # polling interval only
            delay = min(delay * 2, 0.5)

    @contextmanager
    def disconnected(self) -> Iterator[None]:
        """Pause the devices to each other; on leaving, scan both, resume and reconnect."""
        for device in (self.a, self.b):
            device.rest("POST", "/rest/system/pause", device=device.peer_id)
        wait_until(lambda: not self.a.connected() and not self.b.connected(), "pausing")
        yield
        for device in (self.a, self.b):
            device.scan()  # both local changes are known before they meet
        for device in (self.a, self.b):
            device.rest("POST", "/rest/system/resume", device=device.peer_id)
        wait_until(lambda: self.a.connected() and self.b.connected(), "reconnecting")


def _generate(binary: str, name: str, root: Path) -> Device:
    home = root / f"home-{name}"
    subprocess.run(
        [binary, "generate", "--home", str(home), "--no-default-folder", "--skip-port-probing"],
        capture_output=True,
        check=True,
    )
    out = subprocess.run(
        [binary, "serve", "--home", str(home), "--device-id"],
        capture_output=True,
        text=True,
        check=True,
    )
    folder = root / f"folder-{name}"
    (folder / ".stfolder").mkdir(parents=True)
    return Device(
        name, home, folder, out.stdout.strip(), free_port(), free_port(), secrets.token_hex(16)
    )


def _configure(device: Device, peer: Device) -> None:
    path = device.home / "config.xml"
    tree = ET.parse(path)
    root = tree.getroot()
    gui = root.find("gui")
    assert gui is not None
    gui.find("address").text = f"{HOST}:{device.gui_port}"  # type: ignore[union-attr]
    gui.find("apikey").text = device.api_key  # type: ignore[union-attr]
    options = root.find("options")
    assert options is not None
    options.find("listenAddress").text = f"tcp://{HOST}:{device.port}"  # type: ignore[union-attr]
    for key, value in _OPTIONS.items():
        element = options.find(key)
        if element is None:
            element = ET.SubElement(options, key)
        element.text = value
    peer_element = ET.SubElement(
        root, "device", id=peer.device_id, name=peer.name, compression="metadata"
    )
    ET.SubElement(peer_element, "address").text = f"tcp://{HOST}:{peer.port}"
    ET.SubElement(peer_element, "autoAcceptFolders").text = "false"
    folder = ET.SubElement(
        root,
        "folder",
        id=FOLDER_ID,
        label="Digikunta",
        path=str(device.folder),
        type="sendreceive",
        rescanIntervalS="3600",
        fsWatcherEnabled="false",
    )
    for member in (device, peer):
        ET.SubElement(folder, "device", id=member.device_id)
    ET.SubElement(folder, "maxConflicts").text = "10"
    tree.write(path)
    device.peer_id = peer.device_id


@contextmanager
def run_syncthing_pair(root: Path) -> Iterator[SyncthingPair]:
    """Two Syncthing devices on loopback sharing one folder (see the module docstring).

    Raises:
        ServerFailed: syncthing is missing, exits, or the two do not connect in time.
    """
    binary = shutil.which("syncthing")
    if binary is None:
        raise ServerFailed("syncthing is not installed")
    a, b = _generate(binary, "A", root), _generate(binary, "B", root)
    _configure(a, b)
    _configure(b, a)
    env = {"STNOUPGRADE": "1", "STNODEFAULTFOLDER": "1", "STGUIASSETS": ""}
    with ExitStack() as stack:
        for device in (a, b):
            argv = [
                binary, "serve", "--home", str(device.home), "--no-browser", "--no-restart",
                "--no-upgrade", f"--logfile={device.log}",
            ]  # fmt: skip
            device.process = start(argv, device.home / "stdout.log", env=env)
            stack.callback(stop, device.process)
        for device in (a, b):
            wait_until(
                lambda d=device: _answers(d), f"syncthing {device.name}",
                process=device.process, log=device.home / "stdout.log",
            )  # fmt: skip
        wait_until(lambda: a.connected() and b.connected(), "the two Syncthing devices connecting")
        yield SyncthingPair(a, b, syncthing_version(binary))


def _answers(device: Device) -> bool:
    try:
        device.rest("GET", "/rest/system/ping")
    except httpx.HTTPError:
        return False
    return True
