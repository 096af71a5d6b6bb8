"""The core stays plain (no environment reads, no clock reads, no framework imports) and no module
imports itself in a circle.

import-linter (``lint-imports``, in ``make lint``) checks which way the imports point; these tests
check what its contracts can't see.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

CORE = Path(__file__).resolve().parents[2] / "core"
FORBIDDEN_MODULES = {
    "os", "sqlalchemy", "slack_bolt", "slack_sdk", "botbuilder", "aiohttp", "jinja2", "apscheduler",
    "alembic", "pymysql", "yaml", "storage", "bot", "scheduler",
    "requests", "google", "msal", "icalendar",
}
CLOCK_READS = {"now", "today", "utcnow", "time", "monotonic"}
PACKAGES = ("core", "storage", "bot", "scheduler")


def modules() -> list[Path]:
    return sorted(CORE.glob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.name)
def test_core_module_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN_MODULES, f"{path.name}:{node.lineno} imports {name}"
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}:
            raise AssertionError(f"{path.name}:{node.lineno} reads the environment")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLOCK_READS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"datetime", "date", "time"}
        ):
            raise AssertionError(f"{path.name}:{node.lineno} reads the clock; take a Clock instead")


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    """The test above must be able to fail."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nx = os.environ['A']\n")
    with pytest.raises(AssertionError, match="imports os"):
        test_core_module_is_pure(bad)


def import_circles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Every import that leads back to its importer, as the circle it closes (importer first).

    The graph counts every import: at the top of a module, inside a function and under
    ``TYPE_CHECKING`` alike, since each of them ties the two modules together all the same.
    """
    circles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                circles.append((importer, *back))
    return circles


def test_no_module_imports_itself_in_a_circle() -> None:
    """A circle makes the import order matter and hides which module depends on which."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert graph.modules, "no modules found"
    assert import_circles(graph) == []


def test_the_circle_check_sees_a_circle() -> None:
    """The test above must be able to fail, also for an import that only the type checker runs."""
    graph = grimp.ImportGraph()
    graph.add_import(importer="pkg.a", imported="pkg.b", line_number=1, line_contents="from pkg.b import B")
    graph.add_import(importer="pkg.b", imported="pkg.a", line_number=9, line_contents="from pkg.a import A")
    graph.add_import(importer="pkg.b", imported="pkg.c", line_number=2, line_contents="from pkg.c import C")
    assert import_circles(graph) == [("pkg.a", "pkg.b", "pkg.a"), ("pkg.b", "pkg.a", "pkg.b")]


def test_the_graph_counts_type_checking_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import under ``TYPE_CHECKING`` still ties two modules together, so the graph must see it."""
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circled.b import B\n\nclass A: ...\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from circled.a import A\n\nclass B: ...\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("circled", cache_dir=None)
    assert import_circles(graph) == [("circled.a", "circled.b", "circled.a"), ("circled.b", "circled.a", "circled.b")]
