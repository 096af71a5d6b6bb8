"""The core stays plain: no environment reads, no clock reads, no framework imports.

import-linter (``lint-imports``, in ``make lint``) checks the import graph; this test checks what
the graph can't see.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"
FORBIDDEN_MODULES = {
    "os", "sqlalchemy", "slack_bolt", "slack_sdk", "botbuilder", "aiohttp", "jinja2", "apscheduler",
    "alembic", "pymysql", "yaml", "storage", "bot", "scheduler",
    "requests", "google", "msal", "icalendar",
}
CLOCK_READS = {"now", "today", "utcnow", "time", "monotonic"}


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
