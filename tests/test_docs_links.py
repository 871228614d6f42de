"""docs/sync-model.md stays true to the tests: every test it cites exists, and every link to it
or from it lands on a heading that exists.

The doc names the tests that prove each invariant (``tests/…py::test_name``); a test renamed or
removed would leave the doc citing a proof that is gone. Read statically (``ast``), so the check
imports nothing and takes milliseconds.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "sync-model.md"

# `tests/sync/test_engine.py::test_name` or a bare `tests/…/file.py` in backticks
_CITED = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")
# [text](target) with a relative target (not a URL)
_LINK = re.compile(r"\]\(([^)\s:]+?)\)")
# docs/sync-model.md#<anchor> anywhere (code, docstrings, README)
_POINTER = re.compile(r"sync-model\.md#([\w-]+)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading anchor of a Markdown text (headings inside code fences are not headings)."""
    found: set[str] = set()
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"#{1,6} (.+)", line)):
            base = slug(m.group(1))
            name, n = base, 0
            while name in found:  # GitHub numbers repeated headings: x, x-1, x-2
                n += 1
                name = f"{base}-{n}"
            found.add(name)
    return found


def collected_names(path: Path) -> set[str]:
    """Names pytest collects at a test module's top level: test functions, Test classes, and
    names bound to one (``TestThreeReplicasConverge = ThreeReplicas.TestCase``)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {n for n in names if n.startswith(("test_", "Test"))}


def test_every_test_the_sync_model_cites_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    cited = _CITED.findall(text)
    assert len(cited) >= 50, "the doc should name the tests behind each invariant"
    missing = []
    defined: dict[str, set[str]] = {}
    for file, name in cited:
        path = ROOT / file
        if not path.is_file():
            missing.append(file)
            continue
        if name:
            if file not in defined:
                defined[file] = collected_names(path)
            if name not in defined[file]:
                missing.append(f"{file}::{name}")
    assert missing == [], f"docs/sync-model.md cites tests that do not exist: {missing}"


def test_every_link_in_the_sync_model_lands() -> None:
    text = DOC.read_text(encoding="utf-8")
    own = anchors(text)
    links = _LINK.findall(text)
    assert links, "the doc links its sections and the pages it does not repeat"
    broken = []
    for target in links:
        page, _, anchor = target.partition("#")
        path = (DOC.parent / page) if page else DOC
        if not path.is_file():
            broken.append(target)
            continue
        there = anchors(path.read_text(encoding="utf-8")) if page else own
        if anchor and anchor not in there:
            broken.append(target)
    assert broken == [], f"links in docs/sync-model.md that land nowhere: {broken}"


def test_every_pointer_to_a_section_of_the_sync_model_lands() -> None:
    own = anchors(DOC.read_text(encoding="utf-8"))
    sources = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for folder in ("tests", "sync", "digikunta_tui"):
        sources += sorted((ROOT / folder).rglob("*.py"))
    pointers = [
        (src.relative_to(ROOT).as_posix(), anchor)
        for src in sources
        for anchor in _POINTER.findall(src.read_text(encoding="utf-8"))
    ]
    assert len(pointers) >= 10, "the tests and the README point at the doc's sections"
    broken = [(src, anchor) for src, anchor in pointers if anchor not in own]
    assert broken == [], f"pointers to docs/sync-model.md sections that do not exist: {broken}"


def test_the_checks_notice_a_broken_citation_and_a_wrong_anchor() -> None:
    sample = "# The engine\n\n```\n# not a heading\n```\n\n## Edits made while a sync runs\n"
    assert anchors(sample) == {"the-engine", "edits-made-while-a-sync-runs"}
    assert slug("Speed (`bench/sync_bench.py --http`)") == "speed-benchsync_benchpy---http"
    names = collected_names(ROOT / "tests" / "sync" / "test_convergence_machine.py")
    assert "TestThreeReplicasConverge" in names and "ThreeReplicas" not in names
    assert "test_no_such_thing" not in collected_names(ROOT / "tests" / "sync" / "test_engine.py")
