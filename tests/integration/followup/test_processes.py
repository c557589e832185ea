"""Durability across processes: kill -9 with work due and restart; two workers on one PostgreSQL database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import Container, bootstrap
from bot.conversation.messages import Reply
from bot.settings import Settings
from bot.storage.orm import OutboxRow
from tests.conftest import ChatHarness
from tests.fakes import FakeUnderstander
from tests.integration.followup.conftest import CHAT_IDS, link
from tests.unit.followup.script import INSULT, file_report

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


@contextmanager
def worker(url: str, sink: Path, name: str, budget: int = -1, lease: float = 1.0) -> Iterator[subprocess.Popen[str]]:
    """A running tick worker; killed with SIGKILL when the block ends (if still alive)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.followup.tick_worker", url, str(sink), name, str(budget),
         str(lease)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def deliveries(sink: Path) -> list[dict[str, object]]:
    if not sink.exists():
        return []
    return [json.loads(line) for line in sink.read_text(encoding="utf-8").splitlines() if line]


def statuses(container: Container) -> list[tuple[str, str]]:
    with container.session_factory() as s:
        return [(r.kind, r.status) for r in s.scalars(select(OutboxRow).order_by(OutboxRow.id))]


@pytest.fixture
def real_time(db_url: str) -> Iterator[Container]:
    """A container on the system clock (the workers use it too), people linked to the file channel."""
    settings = Settings(database_url=db_url, scheduler_enabled=False, aftercare_schedule="1s,60s", digest_time="")
    container = bootstrap(settings, understander=FakeUnderstander())
    for employee_id, chat_id in CHAT_IDS.items():
        link(container, employee_id, chat_id)
    yield container
    container.close()


@pytest.mark.parametrize("delivered_before_kill", [0, 1, 2])
def test_kill_9_with_a_check_in_due_then_restart_delivers_everything_exactly_once(
    real_time: Container, db_url: str, tmp_path: Path, delivered_before_kill: int
) -> None:
    sink = tmp_path / "sink.jsonl"
    reference = file_report(ChatHarness(real_time.chat.handle, user="demo"), INSULT)  # to the manager only
    with worker(db_url, sink, "first", budget=delivered_before_kill) as first:
        # Wait until the check-in is due and the first worker has sent what it may send and hangs on the next.
        wait_for(lambda: len(deliveries(sink)) == delivered_before_kill)
        expected = [("escalation", "sent"), ("checkin", "sent")][:delivered_before_kill]
        if delivered_before_kill < 2:
            expected = [*expected, (("escalation", "checkin")[delivered_before_kill], "sending")]
        wait_for(lambda: statuses(real_time)[:len(expected)] == expected)
        time.sleep(1.1 if delivered_before_kill == 0 else 0)  # the check-in falls due while the worker hangs
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    with worker(db_url, sink, "second"):
        wait_for(lambda: statuses(real_time) == [("escalation", "sent"), ("checkin", "sent")])
        time.sleep(1.5)  # several more ticks, past the lease: nothing may be sent again
    sent = Counter((d["chat_id"], d["prompt"]) for d in deliveries(sink))
    assert sent == {(CHAT_IDS["mgr"], f"m:{reference}"): 1, (CHAT_IDS["demo"], "c:1"): 1}


@pytest.mark.postgres
def test_two_workers_on_one_postgresql_database_deliver_every_message_exactly_once(
    tmp_path: Path
) -> None:
    from tests.dbs import postgres_database

    with postgres_database() as url:
        container = bootstrap(Settings(database_url=url, scheduler_enabled=False), understander=FakeUnderstander())
        try:
            for employee_id, chat_id in CHAT_IDS.items():
                link(container, employee_id, chat_id)
            sink = tmp_path / "sink.jsonl"
            with worker(url, sink, "one", lease=60), worker(url, sink, "two", lease=60):
                with container.uow_factory() as uow:
                    now = container.clock.now()
                    for i in range(60):
                        person = list(CHAT_IDS)[i % len(CHAT_IDS)]
                        uow.outbox.add(person, [Reply(f"bericht {i}", (), f"m:{i}")], due_at=now)
                    uow.commit()
                wait_for(lambda: {s for _, s in statuses(container)} == {"sent"}, timeout=60)
                time.sleep(1.0)
        finally:
            container.close()
    sent = deliveries(sink)
    assert sorted(Counter(d["prompt"] for d in sent).values()) == [1] * 60
    by_worker = Counter(d["worker"] for d in sent)
    assert set(by_worker) == {"one", "two"}, by_worker
