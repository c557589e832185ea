"""Follow-up logic stays free of database, scheduler and network code; all its Dutch lives in the data file."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from actions.aftercare import MOOD_KEYS, STRESS_KEYS
from actions.records import ACTION_STOPS, BACKOFFICE_ACTIONS, CHAT_BUTTONS, LEGACY_BUTTONS
from actions.timeline import CLOCK_KINDS
from bot.conversation.texts import Texts

ROOT = Path(__file__).resolve().parents[3]
PURE = ["actions/timeline.py", "actions/records.py", "actions/escalation.py", "actions/feedback.py",
        "actions/aftercare.py", "actions/aangifte.py", "actions/filing.py", "actions/followup.py",
        "actions/calendar.py", "actions/referral.py"]
IO = {"sqlalchemy", "apscheduler", "smtplib", "socket", "telegram", "microsoft_agents", "fastapi", "starlette",
      "httpx", "aiohttp", "requests", "uvicorn", "alembic", "psycopg"}
FOLLOWUP = [*PURE, "actions/dispatch.py", "actions/scheduler.py", "actions/email.py"]


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_follow_up_logic_imports_no_database_scheduler_or_network_library() -> None:
    offenders = {f: sorted(imports(ROOT / f) & IO) for f in PURE}
    assert {f: v for f, v in offenders.items() if v} == {}


def test_follow_up_logic_does_not_reach_into_storage() -> None:
    for f in PURE:
        assert not any(n.startswith("bot.storage") for n in _modules(ROOT / f)), f


def _modules(path: Path) -> set[str]:
    return {n.module for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.ImportFrom) and n.module}


def test_every_text_key_used_in_follow_up_exists(texts: Texts) -> None:
    used: set[str] = set()
    for f in FOLLOWUP:
        source = (ROOT / f).read_text(encoding="utf-8")
        used |= set(re.findall(r"\b(?:t|texts|self\.texts)\(\s*[\"']([a-z_0-9]+)[\"']", source))
    assert used, "no text keys found"
    assert used - texts.keys() == set()


def test_every_action_mood_stress_sign_and_clock_has_its_dutch_text(texts: Texts) -> None:
    for key, _action, _details in CHAT_BUTTONS:
        assert texts.choice(f"action_{key}")
    for action in LEGACY_BUTTONS:
        assert texts.choice(f"legacy_action_{action}")
    for action in BACKOFFICE_ACTIONS:
        assert texts.choice(f"action_{action}")
    for action in ACTION_STOPS:
        assert "{role}" in texts.label("feedback", action)
    for key in ("checkin_good", "checkin_mixed", "checkin_bad", "checkin_stop", "stress_none",
                *(f"stress_{k}" for k in STRESS_KEYS)):
        assert texts.choice(key)
    assert len(MOOD_KEYS) == 3
    for kind in CLOCK_KINDS:
        assert "{due}" in texts.label("clock_tasks", kind)
        assert texts.label("clock_names", kind)
        assert texts.label("clock_names_reporter", kind)


def test_no_dutch_sentence_is_hard_coded_in_follow_up_code() -> None:
    for f in FOLLOWUP:
        tree = ast.parse((ROOT / f).read_text(encoding="utf-8"))
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        strings = [n.value for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]
        sentences = [s for s in strings if re.search(r"\b(je|jij|jouw|melding|leidinggevende)\b", s)
                     and len(s.split()) > 4]
        assert sentences == [], f
