"""Follow-up on a real database: people linked to a recording chat channel, a dispatcher and a chat per person."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from actions.dispatch import Dispatcher, TickResult
from actions.scheduler import build_dispatcher
from bot.bootstrap import Container
from bot.conversation.messages import Reply
from bot.ports import Undeliverable
from bot.storage.orm import OutboxRow
from tests.conftest import ChatHarness
from tests.fakes import FakeClock
from tests.integration.followup.smtp import Inbox, smtp_server

CHAT_IDS = {"demo": 1001, "noor": 1002, "mgr": 2001, "coord": 3001}


@dataclass
class RecordingSender:
    """A chat channel that records what it sends; chats in `blocked` raise Undeliverable."""

    name: str = "telegram"
    sent: list[tuple[int, tuple[Reply, ...]]] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    errors: list[Exception] = field(default_factory=list)

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        chat_id = int(address["chat_id"])
        if chat_id in self.blocked:
            raise Undeliverable("blocked")
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((chat_id, tuple(replies)))

    def to(self, employee_id: str) -> list[tuple[Reply, ...]]:
        return [replies for chat_id, replies in self.sent if chat_id == CHAT_IDS[employee_id]]

    def texts_to(self, employee_id: str) -> list[str]:
        return ["\n".join(r.text for r in replies) for replies in self.to(employee_id)]


def link(container: Container, employee_id: str, chat_id: int) -> None:
    with container.uow_factory() as uow:
        now = container.clock.now()
        uow.identities.link("telegram", str(chat_id), employee_id, now)
        uow.identities.set_address("telegram", str(chat_id), {"chat_id": chat_id}, now)
        uow.commit()


@dataclass
class FollowUp:
    """The pieces a follow-up test drives: chats, the clock, the tick and what was sent."""

    container: Container
    clock: FakeClock
    sender: RecordingSender
    dispatcher: Dispatcher

    def chat(self, employee_id: str) -> ChatHarness:
        return ChatHarness(self.container.chat.handle, user=employee_id)

    def tick(self) -> TickResult:
        return self.dispatcher.run_once()

    def travel(self, **delta: float) -> TickResult:
        self.clock.advance(**delta)
        return self.tick()

    def outbox(self) -> list[OutboxRow]:
        with self.container.session_factory() as s:
            return list(s.scalars(select(OutboxRow).order_by(OutboxRow.id)))


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def followup(container: Container, clock: FakeClock, sender: RecordingSender) -> FollowUp:
    for employee_id, chat_id in CHAT_IDS.items():
        link(container, employee_id, chat_id)
    dispatcher = build_dispatcher(container, {"telegram": sender})
    dispatcher.lease = timedelta(seconds=120)
    return FollowUp(container, clock, sender, dispatcher)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as found:
        yield found
