"""The app in a real terminal: tmux runs ``digikunta demo`` at 120×36 and we read the screen.

Each run uses its own tmux server (``-L`` with a unique socket name and ``-f`` with a config of
our own), so the user's tmux sessions are never touched. The waits are bounds on waiting (a slow
machine gets a minute to paint), not assertions on speed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

WAIT_BOUND_S = 60.0
DIGIKUNTA = Path(sys.executable).with_name("digikunta")


class Tmux:
    """One private tmux server holding one session."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def run(self, *args: str) -> str:
        """Run a tmux command on the private server; returns its stdout."""
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True, text=True, env=self.env, check=True, timeout=30,
        )  # fmt: skip
        return out.stdout

    def screen(self) -> str:
        """The visible pane as plain text."""
        return self.run("capture-pane", "-p", "-t", "app")

    def pane(self, fmt: str) -> str:
        """A pane format variable, e.g. ``#{pane_dead}``."""
        return self.run("display-message", "-p", "-t", "app", fmt).strip()

    def keys(self, *keys: str) -> None:
        """Send keys (tmux key names, or literal text with ``-l``)."""
        self.run("send-keys", "-t", "app", *keys)

    def wait_for(self, check: Callable[[str], bool], what: str) -> str:
        """Poll the screen until ``check`` holds (bounded by :data:`WAIT_BOUND_S`)."""
        deadline = time.monotonic() + WAIT_BOUND_S
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.2)
        pytest.fail(f"waited {WAIT_BOUND_S:.0f} s for {what}; the screen shows:\n{text}")

    def wait_text(self, *texts: str) -> str:
        """Poll until every one of ``texts`` is on screen."""
        return self.wait_for(lambda screen: all(t in screen for t in texts), repr(texts))

    def settled(self) -> str:
        """The screen once two captures 0.3 s apart are the same (bounded by WAIT_BOUND_S).

        A capture can be taken halfway through the app's repaint: part old view, part new.
        """
        before = self.screen()

        def same_as_before(text: str) -> bool:
            nonlocal before
            time.sleep(0.1)
            same, before = text == before, text
            return same

        return self.wait_for(same_as_before, "the screen to stop changing")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server running ``digikunta demo`` (Finnish UI) in a 120×36 pane."""
    assert DIGIKUNTA.exists(), f"the digikunta script is not beside {sys.executable}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_MESSAGES": "fi_FI.UTF-8",  # the language the app chooses (LANG keeps UTF-8 output)
        "DIGIKUNTA_DATA_DIR": str(tmp_path / "data"),
        "DIGIKUNTA_CONFIG": str(tmp_path / "config.toml"),
        "TMUX_TMPDIR": str(tmp_path),
    }
    conf = tmp_path / "tmux.conf"
    conf.write_text(
        'set -g remain-on-exit on\nset -g default-terminal "screen-256color"\nset -g status off\n',
        encoding="utf-8",
    )
    inner = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items() if k != "TMUX_TMPDIR")
    script = (
        f"env {inner} {shlex.quote(str(DIGIKUNTA))} demo; "
        'status=$?; echo "after-app status=$status"; exit $status'
    )
    server = Tmux(f"digikunta-test-{uuid.uuid4().hex[:12]}", env)
    server.run("-f", str(conf), "new-session", "-d", "-s", "app", "-x", "120", "-y", "36",
               "sh", "-c", script)  # fmt: skip
    try:
        yield server
    finally:
        subprocess.run(["tmux", "-L", server.socket, "kill-server"], env=env, capture_output=True)


def test_demo_in_tmux_views_search_and_quit(tmux: Tmux) -> None:
    # The dashboard, filled in by its worker (the impact panel shows euros and the chart).
    tmux.wait_text("1 Yleiskatsaus", "Vaikutukset", "Säästöt organisaatioittain", "€")
    assert "Ladataan…" not in tmux.wait_text("Tervo", "Varkaus")

    views = {
        "2": ("Toni Auvinen",),
        "3": ("Digikokeileva kunta -webinaari 2",),
        "4": ("Kaavaluonnoksen kommentointi",),
        "5": ("digikunta.json",),
        "1": ("Seuraava webinaari", "Viimeisin webinaari", "klo 12–14"),
    }
    for key, texts in views.items():
        tmux.keys(key)
        tmux.wait_text(*texts)

    # Search the members: "/" moves to the filter box. The footer tells where the focus is: in
    # the filter box, letters are text, so the one-letter keys (q Lopeta …) leave the footer.
    tmux.keys("2")
    tmux.wait_text("Toni Auvinen", "16 näkyvissä", "q Lopeta")
    tmux.keys("/")
    tmux.wait_for(lambda text: "q Lopeta" not in text, "the focus in the filter box")
    tmux.keys("-l", "Kuopio")
    # The list shows the three Kuopio people, and the detail pane (a moment later, on a busy
    # machine) one of them, no longer Toni Auvinen (Pohjois-Savon liitto) from before.
    tmux.wait_for(
        lambda text: (
            "3 näkyvissä" in text
            and "Sanna Kokeilija  Kuopio" in text
            and "Toni Auvinen" not in text
        ),
        "the filtered list and its detail",
    )

    # Enter moves to the list, where q is the quit key again.
    tmux.keys("Enter")
    tmux.wait_text("q Lopeta")
    tmux.keys("q")

    # The exit status: the shell echoes the app's ``$?``, and tmux (remain-on-exit) keeps the
    # dead pane with the shell's status; either may be the one still readable when we look.
    def exit_status(screen: str) -> str:
        found = re.search(r"after-app status=(\d+)", screen)
        if found:
            return found.group(1)
        dead, _, status = tmux.pane("#{pane_dead}:#{pane_dead_status}").partition(":")
        return status if dead == "1" else ""

    after = tmux.wait_for(lambda screen: exit_status(screen) != "", "the app to exit")
    assert exit_status(after) == "0", after
    # The alternate screen was left: the pane shows what came after the app, not the app.
    assert tmux.pane("#{alternate_on}") == "0"
    after = tmux.screen()
    assert "Yleiskatsaus" not in after and "Jäsenet" not in after


def test_keys_sent_at_once_in_tmux_reach_the_member_filter(tmux: Tmux) -> None:
    # The dashboard is up (its worker has filled the panels), then one send-keys call types
    # "2/sanna" as fast as a terminal delivers it: the view switch, "/" and the letters (the
    # n's included: "n" is "new person" on the list) must all reach the members' filter.
    tmux.wait_text("1 Yleiskatsaus", "Säästöt organisaatioittain")
    tmux.keys("2", "/sanna")
    # The detail pane follows the list's one row (her e-mail shows only there), then the
    # screen is read once it has stopped changing (a capture can be half a repaint).
    tmux.wait_text("1 näkyvissä", "Sanna Kokeilija", "sanna.kokeilija@example.fi")
    screen = tmux.settled()
    assert "sanna" in screen and "1 näkyvissä" in screen
    # No "new person" form, and no other person left in the list or the detail pane.
    assert "Henkilö: uusi" not in screen and "Toni Auvinen" not in screen
    # Enter and a command at once: back on the list, "e" edits the person the filter shows.
    # (Not Escape: a terminal sends Escape and "e" as one Alt+e sequence.)
    tmux.keys("Enter", "e")
    tmux.wait_text("Henkilö: muokkaus", "Kokeilija")


def test_palette_name_and_enter_in_tmux_opens_the_person_and_undoes_nothing(tmux: Tmux) -> None:
    # A person added just now: "undo" (once run by a name typed into the palette) would take
    # her away again.
    tmux.wait_text("1 Yleiskatsaus", "Säästöt organisaatioittain")
    tmux.keys("2")
    tmux.wait_text("Toni Auvinen", "16 näkyvissä")
    tmux.keys("n")
    tmux.wait_text("Henkilö: uusi")
    tmux.keys("-l", "Tiina")
    tmux.wait_text("▊  Tiina")  # in the first field
    tmux.keys("Tab")
    tmux.keys("-l", "Testaaja")
    tmux.wait_text("▊  Testaaja")
    tmux.keys("C-o")
    tmux.wait_text("17 näkyvissä", "1 odottaa")
    # The palette: the name and Enter in one go, as fast as a terminal delivers them.
    tmux.keys("Escape")
    tmux.keys("C-p")
    tmux.wait_text("Hae henkilöä")
    tmux.keys("-l", "tiina testaaja")
    tmux.keys("Enter")
    screen = tmux.wait_for(
        lambda text: "Hae henkilöä" not in text and "Tiina Testaaja" in text, "the person opened"
    )
    assert "Kumottu" not in screen and "Kumoa" not in screen.split("\n")[-1]
    tmux.wait_text("17 näkyvissä", "1 odottaa")  # still there, the change still pending
