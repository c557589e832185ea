"""`meldbot chat` with piped stdin: one message a line, replies printed, ends at EOF."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LINES = [
    "Hallo",
    "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Ik ben niet gewond.",
    "Nee, verder",
    "2",
    "1 en 3",
    "Klopt",
    "Versturen",
    "mijn meldingen",
]


@pytest.mark.slow
def test_piped_terminal_chat_files_a_report_and_lists_it(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MELDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
        "MELDBOT_UNDERSTANDING": "rules",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "demo"],
        input="\n".join(LINES) + "\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "meldbot> Hoi Sam" in out
    assert "  1. Nee, verder" in out
    assert "Je melding is opgeslagen onder MLD-20" in out
    assert "Je meldingen:" in out


def test_unknown_terminal_user_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "MELDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
           "MELDBOT_UNDERSTANDING": "rules"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "onbekend"],
        input="Hallo\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Ik ken je nog niet." in result.stdout
