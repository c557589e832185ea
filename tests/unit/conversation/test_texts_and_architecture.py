"""Texts live in the data file by key; the core imports no I/O library."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.conversation import flow
from bot.conversation.texts import Texts

ROOT = Path(__file__).resolve().parents[3]
IO_LIBRARIES = {
    "telegram", "sqlalchemy", "fastapi", "starlette", "apscheduler", "microsoft_agents", "httpx", "aiohttp",
    "requests", "uvicorn", "alembic", "psycopg", "smtplib", "socket", "spacy", "yaml", "typer", "rich",
}
CORE = ["bot/conversation", "bot/domain", "nlu/result.py"]


def _modules(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _modules(path)}


def _core_files() -> list[Path]:
    files: list[Path] = []
    for entry in CORE:
        p = ROOT / entry
        files.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p])
    return files


def test_core_imports_no_io_library() -> None:
    offenders = {str(f.relative_to(ROOT)): sorted(_imports(f) & IO_LIBRARIES) for f in _core_files()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_domain_imports_nothing_of_ours_outside_the_domain() -> None:
    ours = ("bot", "nlu", "actions")
    for f in (ROOT / "bot/domain").rglob("*.py"):
        outside = {m for m in _modules(f) if m.split(".")[0] in ours and not m.startswith("bot.domain")}
        assert outside == set(), f


def test_every_step_has_its_question_and_reask_texts(texts: Texts) -> None:
    keys = texts.keys()
    for step in (flow.WHEN, flow.WHERE, flow.INJURY, flow.WITNESSES, flow.FEELING, flow.WANTS, flow.ABCD_STEP,
                 flow.EDIT_FIELD, flow.CONFIRM_STOP):
        assert f"ask_{step}" in keys, step
        assert f"reask_{step}" in keys, step
    for step in (flow.CLASSIFICATION, flow.CONFIRM):
        assert f"reask_{step}" in keys, step


def _flow_sources() -> list[Path]:
    """The flow: the engine, the steps and what they use (every module of the conversation package)."""
    return sorted((ROOT / "bot/conversation").rglob("*.py"))


def test_every_text_key_used_in_the_flow_exists(texts: Texts) -> None:
    for path in _flow_sources():
        source = path.read_text(encoding="utf-8")
        used = set(re.findall(r"\b(?:t|texts)\(\s*\"([a-z_0-9]+)\"", source))
        assert used - texts.keys() == set(), path


def test_no_dutch_user_text_is_hard_coded_in_the_flow() -> None:
    for path in _flow_sources():
        _assert_no_dutch_sentences(path.read_text(encoding="utf-8"))


def _assert_no_dutch_sentences(source: str) -> None:
    tree = ast.parse(source)
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    strings = [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value
        and id(node) not in docstrings
    ]
    dutch = [s for s in strings if re.search(r"\b(je|jij|melding|gebeurd|wil)\b", s)]
    # Only the fixed command and answer words may appear; every sentence is in the data file.
    assert all(len(s.split()) <= 4 for s in dutch), dutch
