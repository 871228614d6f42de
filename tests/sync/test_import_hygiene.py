"""Import hygiene: ``sync`` never imports the app or textual; the domain never imports textual or
rich; the UI and the CLI reach the data only through the Repository (no ``.replica``/``.index``)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

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


# ---------------------------------------------------------------------- the app's own layers
APP_DIR = REPO_ROOT / "digikunta_tui"
DOOR_ONLY = ("ui", "commands")
"""Packages that reach the data only through the Repository's methods."""
REPOSITORY_INSIDES = frozenset({"replica", "index"})
"""Repository attributes that are its insides: the sync replica and the search index."""
DOMAIN_FORBIDDEN = ("textual", "rich")


def _dotted(node: ast.expr) -> list[str]:
    """``a.b.c`` → ``["a", "b", "c"]`` (calls and subscripts end the chain)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return parts[::-1]


def repository_insides_used(tree: ast.AST) -> list[tuple[int, str]]:
    """Where code reads ``<something>.replica`` or ``<something>.index`` (line, expression).

    A method call named ``index`` (``languages.index(x)``) and the settings section
    ``config.replica`` are something else and are not counted.
    """
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or node.attr not in REPOSITORY_INSIDES:
            continue
        if id(node) in called:
            continue
        owner = _dotted(node.value)
        if owner and owner[-1] == "config":
            continue
        found.append((node.lineno, ".".join([*owner, node.attr]) or node.attr))
    return found


def _python_files(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (APP_DIR / package).rglob("*.py"))


def test_the_ui_and_the_cli_reach_the_data_only_through_the_repository() -> None:
    files = _python_files(*DOOR_ONLY)
    assert len(files) >= 40
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, expression in repository_insides_used(tree):
            offenders.append(f"{path.relative_to(REPO_ROOT).as_posix()}:{line}: {expression}")
    assert offenders == []


def test_the_insides_check_would_notice_an_offender() -> None:
    tree = ast.parse(
        "repo.replica.get('person', pid)\n"
        "title = self.digikunta.repo.index.title_of(rid)\n"
        "r = app.repo.replica\n"
        "name = ctx.config.replica.name\n"
        "n = languages.index('fi')\n"
        "from digikunta_tui.domain.index import IndexNotReady\n"
    )
    found = sorted(expression for _, expression in repository_insides_used(tree))
    assert found == ["app.repo.replica", "repo.replica", "self.digikunta.repo.index"]


def test_the_domain_imports_no_textual_and_no_rich() -> None:
    files = _python_files("domain")
    assert len(files) >= 30
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for module in _imported_modules(tree):
            if module.split(".")[0] in DOMAIN_FORBIDDEN:
                offenders.append((path.relative_to(REPO_ROOT).as_posix(), module))
    assert offenders == []
