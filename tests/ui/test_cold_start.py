"""Cold start: importing the CLI and the app must not load what the first screen does not need.

Runs in a fresh interpreter (this test process has imported everything already).
"""

from __future__ import annotations

import json
import os
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

PYDANTIC_MODULES = (
    # The typed models and their validators load when something is written or computed (in
    # workers or after the first paint); the config file's rules only when there is a file.
    "pydantic",
    "pydantic_core",
    "email_validator",
    "phonenumbers",
    "stdnum",
    "digikunta_tui.domain.models",
    "digikunta_tui.domain.validation",
    "digikunta_tui.domain.impact",
    "digikunta_tui.config_schema",
    # The sync engine and the remotes load when a sync starts or a remote is configured.
    "sync.engine",
    "sync.document",
    "sync.file_remote",
    "filelock",
    "httpx",
)


def _loaded_after(code: str, watched: tuple[str, ...], **env: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; return which of ``watched`` it loaded."""
    report = f"print(json.dumps([m for m in {list(watched)!r} if m in sys.modules]))"
    script = f"import json, sys\n{code}\n{report}\n"
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, check=True, cwd=REPO_ROOT, timeout=120,
        env={**os.environ, **env},
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


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


def test_importing_cli_and_app_leaves_pydantic_and_the_sync_engine_unloaded() -> None:
    assert _loaded_after("import digikunta_tui.cli, digikunta_tui.ui.app", PYDANTIC_MODULES) == []


def test_opening_a_repository_and_reading_lists_loads_no_pydantic(tmp_path: Path) -> None:
    from digikunta_tui.domain.repository import Repository

    with Repository.open(tmp_path / "data", replica_name="cold") as repo:
        repo.load_demo()
    code = (
        "from pathlib import Path\n"
        "from digikunta_tui.i18n import set_language\n"
        "set_language('fi')\n"
        "from digikunta_tui.domain.repository import Repository\n"
        f"repo = Repository.open(Path({str(tmp_path / 'data')!r}), replica_name='cold')\n"
        "assert repo.count('person') > 0 and repo.page('person', query='a', limit=5)\n"
        "assert repo.counts()['organization'] > 0 and repo.recent_changes(3)\n"
        "repo.close()\n"
    )
    assert _loaded_after(code, PYDANTIC_MODULES) == []


def test_the_cli_without_a_config_file_loads_no_pydantic(tmp_path: Path) -> None:
    code = (
        "from digikunta_tui.commands.context import CommandContext\n"
        "ctx = CommandContext.from_args(None, None)\n"
        "assert ctx.config.source is None and ctx.config.sync.retries == 3\n"
    )
    env = {
        "DIGIKUNTA_CONFIG": str(tmp_path / "none.toml"),
        "DIGIKUNTA_DATA_DIR": str(tmp_path / "data"),
    }
    assert _loaded_after(code, PYDANTIC_MODULES, **env) == []


def test_the_lazy_names_still_import_where_they_did() -> None:
    from digikunta_tui.domain import models, repository
    from digikunta_tui.domain.impact import Impact
    from digikunta_tui.domain.kinds import KINDS, REFERENCES

    assert tuple(models.MODELS) == KINDS
    assert models.REFERENCES is REFERENCES
    assert repository.Impact is Impact
    code = (
        "import sync\n"
        "from sync import Replica, FileRemote, sync as run, SyncReport, ConflictEntry, "
        "DocumentError, HttpRemote\n"
        "assert run is sync.sync and run.__module__ == 'sync.engine'\n"
        "assert FileRemote.__module__ == 'sync.file_remote'\n"
    )
    assert "sync.engine" in _loaded_after(code, PYDANTIC_MODULES)
