"""The APScheduler tick: started by the server with its channels, sends on the server's loop, shuts down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from actions.scheduler import start_scheduler
from bot.conversation.messages import Reply
from tests.integration.followup.conftest import FollowUp
from tests.unit.followup.script import INSULT, file_report


class LoopCheckingSender:
    name = "telegram"

    def __init__(self) -> None:
        self.loops: list[asyncio.AbstractEventLoop] = []

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        self.loops.append(asyncio.get_running_loop())


async def test_the_tick_job_sends_on_the_servers_event_loop_and_stops_on_shutdown(followup: FollowUp) -> None:
    file_report(followup.chat("demo"), INSULT)  # one message: the manager, at once
    sender = LoopCheckingSender()
    scheduler = start_scheduler(followup.container, {"telegram": sender})
    try:
        for _ in range(200):
            if sender.loops:
                break
            await asyncio.sleep(0.02)
    finally:
        scheduler.shutdown()
    assert sender.loops == [asyncio.get_running_loop()]
    assert scheduler.ticks >= 1
    assert [(o.kind, o.status) for o in followup.outbox()] == [("escalation", "sent")]


def test_without_a_server_loop_the_tick_sends_on_its_own(followup: FollowUp) -> None:
    file_report(followup.chat("demo"), INSULT)  # one message: the manager, at once
    scheduler = start_scheduler(followup.container, {"telegram": followup.sender})
    try:
        result = scheduler.tick()
    finally:
        scheduler.shutdown()
    assert result is not None
    assert len(followup.sender.to("mgr")) == 1


class HangingSender:
    name = "telegram"

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        self.started.set()
        await asyncio.Event().wait()


async def test_shutdown_during_a_send_on_the_server_loop_returns_and_leaves_the_row_to_retry(
    followup: FollowUp,
) -> None:
    file_report(followup.chat("demo"), INSULT)  # one message: the manager, at once
    sender = HangingSender()
    scheduler = start_scheduler(followup.container, {"telegram": sender})
    await asyncio.wait_for(sender.started.wait(), timeout=10)
    began = time.monotonic()
    scheduler.shutdown()
    assert time.monotonic() - began < 3
    [row] = followup.outbox()
    assert (row.status, row.claimed_by) == ("pending", None)
