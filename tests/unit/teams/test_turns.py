"""A Teams turn through the SDK's TestAdapter: message in, chat service, replies out (push/pop style)."""

from __future__ import annotations

import pytest
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)
from microsoft_agents.testing import TestAdapter, TestFlow

from bot.channels.teams.turns import TeamsTurns
from bot.channels.teams.welcome import Welcome
from bot.conversation.texts import Texts
from bot.domain.model import Organisation
from bot.service import ChatService
from tests.fakes import FakeClock, FakeUnitOfWork
from tests.unit.teams.activities import BOT_ID, SAM, STRANGER, TENANT


def adapter_for(aad: str, conversation_type: str = "personal") -> TestAdapter:
    return TestAdapter(conversation=ConversationReference(
        channel_id="msteams",
        service_url="https://smba.example/emea/",
        user=ChannelAccount(id=f"29:{aad}", name="Iemand", aad_object_id=aad),
        agent=ChannelAccount(id=BOT_ID, name="meldbot"),
        conversation=ConversationAccount(id=f"a:{aad}", conversation_type=conversation_type, tenant_id=TENANT),
    ))


@pytest.fixture
def turns(service: ChatService, fake_uow: FakeUnitOfWork, org: Organisation, texts: Texts,
          clock: FakeClock) -> TeamsTurns:
    fake_uow.store.identities[("teams", SAM)] = "demo"
    return TeamsTurns(service.handle, texts=texts, welcome=Welcome(fake_uow, org, texts, clock), tenant_id=TENANT)


def card_labels(reply: Activity) -> list[str]:
    [attachment] = reply.attachments
    return [a["title"] for element in attachment.content["body"] for a in element["actions"]]


def submit(reply: Activity, label: str) -> Activity:
    [attachment] = reply.attachments
    data = next(a["data"] for element in attachment.content["body"] for a in element["actions"]
                if a["title"] == label)
    return Activity(type=ActivityTypes.message, value=data)


async def test_a_known_employee_is_greeted_and_asked_what_happened(turns: TeamsTurns, texts: Texts) -> None:
    await (
        TestFlow(adapter_for(SAM), turns.on_turn)
        .send("<at>meldbot</at> Hallo")
        .assert_reply(texts("opening", name="Sam"))
        .assert_reply(texts("ask_description"))
        .assert_no_more_replies()
        .start_test()
    )


async def test_pressing_a_card_button_answers_like_typing_the_choice(turns: TeamsTurns, texts: Texts) -> None:
    adapter = adapter_for(SAM)
    flow = TestFlow(adapter, turns.on_turn)
    await flow.send("Hallo").send("Een man aan de balie schold me uit voor idioot").start_test()
    question = adapter.activity_queue[-1]
    assert card_labels(question) == [texts("choice_more_done")]
    adapter.activity_queue.clear()
    await TestFlow(adapter, turns.on_turn).send(submit(question, texts("choice_more_done"))).start_test()
    assert adapter.activity_queue[0].text == texts("ask_when")


async def test_an_old_card_button_changes_nothing(turns: TeamsTurns, texts: Texts) -> None:
    adapter = adapter_for(SAM)
    await TestFlow(adapter, turns.on_turn).send("Hallo").send("Een man aan de balie schold me uit voor idioot") \
        .send("Nee, verder").start_test()
    old = next(a for a in adapter.activity_queue if a.attachments)
    adapter.activity_queue.clear()
    await (
        TestFlow(adapter, turns.on_turn)
        .send(submit(old, texts("choice_more_done")))
        .assert_reply(texts("stale_button"))
        .start_test()
    )


async def test_an_unknown_user_gets_a_polite_dutch_refusal(turns: TeamsTurns, texts: Texts) -> None:
    await (
        TestFlow(adapter_for(STRANGER), turns.on_turn)
        .send("Hallo")
        .assert_reply(texts("unknown_user"))
        .assert_no_more_replies()
        .start_test()
    )


async def test_a_group_chat_is_pointed_to_the_personal_chat(turns: TeamsTurns, texts: Texts,
                                                          fake_uow: FakeUnitOfWork) -> None:
    await (
        TestFlow(adapter_for(SAM, conversation_type="groupChat"), turns.on_turn)
        .send("Een klant sloeg me")
        .assert_reply(texts("teams_personal_only"))
        .assert_no_more_replies()
        .start_test()
    )
    assert fake_uow.store.conversations == {}


async def test_installing_the_app_greets_a_known_employee(turns: TeamsTurns, texts: Texts) -> None:
    await (
        TestFlow(adapter_for(SAM), turns.on_turn)
        .send_conversation_update([ChannelAccount(id=BOT_ID)])
        .assert_reply(texts("opening", name="Sam"))
        .assert_reply(texts("idle_prompt"))
        .start_test()
    )


async def test_installing_the_app_says_nothing_to_a_stranger_or_when_someone_else_joins(turns: TeamsTurns) -> None:
    await (
        TestFlow(adapter_for(STRANGER), turns.on_turn)
        .send_conversation_update([ChannelAccount(id=BOT_ID)])
        .assert_no_more_replies()
        .start_test()
    )
    await (
        TestFlow(adapter_for(SAM), turns.on_turn)
        .send_conversation_update([ChannelAccount(id="29:someone-else")])
        .assert_no_more_replies()
        .start_test()
    )


async def test_other_activity_types_get_no_reply(turns: TeamsTurns) -> None:
    await (
        TestFlow(adapter_for(SAM), turns.on_turn)
        .send(Activity(type=ActivityTypes.typing))
        .send(Activity(type=ActivityTypes.message_reaction))
        .assert_no_more_replies()
        .start_test()
    )
