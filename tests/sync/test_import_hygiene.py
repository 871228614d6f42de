"""``sync`` is a standalone library: it never imports the app (``digikunta_tui``) or textual."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from sync_testkit import REPO_ROOT, child_env

SYNC_DIR = REPO_ROOT / "sync"
FORBIDDEN = ("textual", "digikunta_tui")

CHECK = """
import importlib, json, pkgutil, sys
import sync
names = ["sync"]
for info in pkgutil.iter_modules(sync.__path__):
    importlib.import_module("sync." + info.name)
    names.append("sync." + info.name)
sync.HttpRemote  # the lazily imported attribute too
print(json.dumps({
    "file": sync.__file__,
    "imported": names,
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "digikunta_tui")),
}))
"""


def test_importing_every_sync_module_loads_no_app_code() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHECK],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=str(REPO_ROOT),
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["file"] == str(SYNC_DIR / "__init__.py")
    expected = {f"sync.{p.stem}" for p in SYNC_DIR.glob("*.py") if p.stem != "__init__"}
    assert expected <= set(result["imported"])
    assert len(expected) >= 10
    assert result["loaded"] == []


def _imported_modules(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                found.add(str(node.args[0].value))
    return found


def test_no_file_under_sync_imports_the_app_statically() -> None:
    files = sorted(SYNC_DIR.rglob("*.py"))
    assert len(files) >= 10
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for module in _imported_modules(tree):
            if module.split(".")[0] in FORBIDDEN:
                offenders.append((path.relative_to(REPO_ROOT).as_posix(), module))
    assert offenders == []


def test_the_static_check_would_notice_an_offender() -> None:
    tree = ast.parse(
        "import os\nfrom textual.app import App\nimport digikunta_tui.cli as c\n"
        "import importlib\nimportlib.import_module('textual.widgets')\n"
    )
    found = _imported_modules(tree)
    assert {"textual.app", "digikunta_tui.cli", "textual.widgets"} <= found
