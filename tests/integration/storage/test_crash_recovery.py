"""kill -9 at any point of a conversation loses no acknowledged answer and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import bootstrap
from bot.conversation.messages import IncomingMessage
from bot.settings import Settings
from bot.storage.orm import ReportRow
from tests.fakes import FakeClock, FakeUnderstander
from tests.integration.storage.turn_worker import SCRIPT

ROOT = Path(__file__).resolve().parents[3]


def run_until_killed(url: str, kill_after_ack: int) -> list[int]:
    """Start the worker, kill -9 it right after it acknowledged turn `kill_after_ack`; return the acks."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.storage.turn_worker", url, "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )
    acks: list[int] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        acks.append(int(line.split()[1]))
        if acks[-1] >= kill_after_ack:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    proc.stdout.close()
    return acks


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0, 2, 5, 6])
def test_kill_9_loses_no_acknowledged_answer(db_url: str, kill_after: int, tmp_path: Path) -> None:
    acks = run_until_killed(db_url, kill_after)
    assert acks[-1] >= kill_after
    container = bootstrap(Settings(database_url=db_url, scheduler_enabled=False), understander=FakeUnderstander(),
                          clock=FakeClock())
    try:
        # The client did not see replies after the kill, so it sends everything again (same ids).
        outcomes = [
            container.chat.handle(IncomingMessage("web", "demo", text, delivery_id=f"crash-{i}"))
            for i, text in enumerate(SCRIPT)
        ]
        for i in acks:
            assert outcomes[i].duplicate is True, f"acknowledged turn {i} was processed twice"
        assert "MLD-2026-00001" in outcomes[-1].replies[0].text
        with container.session_factory() as s:
            reports = s.scalars(select(ReportRow)).all()
        assert len(reports) == 1
        assert reports[0].description.endswith("hij sloeg ook met zijn vuist op de balie")
        assert reports[0].feeling == "Gaat wel"
    finally:
        container.close()
