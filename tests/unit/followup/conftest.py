"""A chat service with the follow-up filer and interceptors, on fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.aangifte import AangifteRequests
from actions.aftercare import CheckInAnswers
from actions.escalation import ManagerActions, ReportViewer
from actions.filing import ReportFiler
from actions.referral import ReferralAnswers
from actions.timeline import FollowUpPolicy
from bot.conversation.texts import Texts
from bot.domain.model import Organisation
from bot.service import ChatService
from tests.conftest import TZ, ChatHarness
from tests.fakes import FakeClock, FakeUnderstander
from tests.unit.followup.fakes import FakeFollowUpStore, FollowUpFakeUnitOfWork


@pytest.fixture
def uow() -> FollowUpFakeUnitOfWork:
    return FollowUpFakeUnitOfWork()


@pytest.fixture
def store(uow: FollowUpFakeUnitOfWork) -> FakeFollowUpStore:
    return uow.followup


@pytest.fixture
def policy() -> FollowUpPolicy:
    return FollowUpPolicy(aftercare=(timedelta(days=1), timedelta(days=14), timedelta(days=42)))


@pytest.fixture
def followup_service(org: Organisation, texts: Texts, clock: FakeClock, uow: FollowUpFakeUnitOfWork,
                     policy: FollowUpPolicy) -> ChatService:
    return ChatService(
        uow_factory=uow, understander=FakeUnderstander(), texts=texts, org=org, clock=clock, tz=TZ,
        on_filed=ReportFiler(org, texts, policy, TZ, push_channels=("telegram", "email")),
        interceptors=[ManagerActions(org, texts, TZ), ReferralAnswers(org, texts, can_email=True),
                      CheckInAnswers(org, texts, TZ), AangifteRequests(org, texts, TZ), ReportViewer(org, texts, TZ)],
    )


@pytest.fixture
def reporter(followup_service: ChatService) -> ChatHarness:
    return ChatHarness(followup_service.handle, user="demo")


@pytest.fixture
def manager(followup_service: ChatService) -> ChatHarness:
    return ChatHarness(followup_service.handle, user="mgr")

