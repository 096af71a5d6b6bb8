"""The Bot Framework SDK is in maintenance: every import of it stays inside ``bot/teams``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDK = ("botbuilder", "botframework", "msrest")
PACKAGES = ("bot", "core", "storage", "scheduler")


def sdk_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for name in names if name.split(".")[0] in SDK]
    return found


def test_only_bot_teams_imports_the_bot_framework_sdk() -> None:
    teams = ROOT / "bot" / "teams"
    outside = [hit for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
               if teams not in path.parents for hit in sdk_imports(path)]
    assert outside == []
    assert sdk_imports(teams / "bot.py"), "the check must see the imports it is about"
