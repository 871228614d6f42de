"""Cold start: importing the CLI and the app must not load what the first screen does not need.

Runs in a fresh interpreter (this test process has imported everything already).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

LAZY_MODULES = (
    # The other views load when first shown (``lazy_screen`` in ui/app.py); the stories view
    # pulls in Markdown (markdown_it) and the sync view the sync library.
    "digikunta_tui.ui.screens.members",
    "digikunta_tui.ui.screens.webinars",
    "digikunta_tui.ui.screens.stories",
    "digikunta_tui.ui.screens.sync_view",
    "markdown_it",
    # Data work happens after the first paint, in the dashboard's thread worker or on demand.
    "httpx",
    "sqlite3",
    "digikunta_tui.domain.validation",
    "digikunta_tui.domain.repository",
)


def test_importing_cli_and_app_leaves_heavy_modules_unloaded() -> None:
    code = (
        "import json, sys\n"
        "import digikunta_tui.cli, digikunta_tui.ui.app\n"
        f"print(json.dumps([m for m in {list(LAZY_MODULES)!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, check=True, cwd=REPO_ROOT, timeout=120,
    )  # fmt: skip
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_dashboard_is_the_only_view_imported_with_the_app() -> None:
    code = (
        "import sys\n"
        "import digikunta_tui.ui.app\n"
        "print(sorted(m for m in sys.modules if m.startswith('digikunta_tui.ui.screens.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, check=True, cwd=REPO_ROOT, timeout=120,
    )  # fmt: skip
    loaded = out.stdout.strip().splitlines()[-1]
    assert "dashboard" in loaded
    for view in ("members", "webinars", "stories", "sync_view"):
        assert f"screens.{view}'" not in loaded
