"""The Teams adapter only translates: it reaches storage through ports, never through SQL or the web app."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "bot" / "channels" / "teams"
FORBIDDEN = ("sqlalchemy", "bot.storage", "bot.web", "bot.service", "actions", "nlu")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_teams_package_imports_no_storage_web_or_understanding_code() -> None:
    offenders = {
        path.name: sorted(m for m in imported_modules(path) if m.startswith(FORBIDDEN))
        for path in sorted(PACKAGE.glob("*.py"))
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}
