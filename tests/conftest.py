"""Shared fixtures: the demo organisation, the texts, and a chat harness on fakes."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from actions.filing import ReportFiler
from bot.bootstrap import load_texts
from bot.conversation.messages import IncomingMessage, Reply, TurnOutcome
from bot.conversation.texts import Texts
from bot.domain.model import Organisation
from bot.org import load_organisation
from bot.service import ChatService
from bot.settings import Settings
from tests.fakes import FakeClock, FakeUnderstander, FakeUnitOfWork

TZ = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="session")
def org() -> Organisation:
    return load_organisation(Settings().org_file)


@pytest.fixture(scope="session")
def texts() -> Texts:
    return load_texts(Settings())


class ChatHarness:
    """Push a Dutch line, pop the replies (errbot testbot style)."""

    def __init__(self, handle: Callable[[IncomingMessage], TurnOutcome], user: str = "demo",
                 channel: str = "web") -> None:
        self.handle = handle
        self.user = user
        self.channel = channel
        self.replies: list[Reply] = []
        self.questions: list[str] = []
        self._ids = itertools.count(1)
        self._prefix = uuid.uuid4().hex[:8]

    def say(self, text: str, *, in_reply_to: str | None = None, delivery_id: str | None = None) -> list[Reply]:
        delivery_id = delivery_id or f"{self._prefix}-{next(self._ids)}"
        outcome = self.handle(IncomingMessage(self.channel, self.user, text, delivery_id=delivery_id,
                                              in_reply_to=in_reply_to))
        self.replies = list(outcome.replies)
        return self.replies

    def press(self, label: str) -> list[Reply]:
        """Press a button of the last reply that has choices."""
        last = next(r for r in reversed(self.replies) if r.choices)
        index = last.choices.index(label)
        return self.say(str(index + 1), in_reply_to=last.prompt_id)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def choices(self) -> tuple[str, ...]:
        return next((r.choices for r in reversed(self.replies) if r.choices), ())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def service(org: Organisation, texts: Texts, clock: FakeClock, fake_uow: FakeUnitOfWork) -> ChatService:
    return ChatService(uow_factory=fake_uow, understander=FakeUnderstander(), texts=texts, org=org, clock=clock,
                       tz=TZ, on_filed=ReportFiler(org))


@pytest.fixture
def chat(service: ChatService) -> ChatHarness:
    return ChatHarness(service.handle)
