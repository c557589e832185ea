"""The Teams endpoint of `meldbot serve`, driven with raw Bot Framework activities (expectReplies)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.storage.orm import ConversationRow, OutboxRow, ReportRow
from bot.web.app import create_app
from tests.fakes import FakeClock, FakeUnderstander
from tests.unit.teams.activities import (
    BOT_ID,
    SAM,
    STRANGER,
    card_submit,
    labels,
    members_added,
    message,
)

RICH = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."


def build(tmp_path: Path, **teams: Any) -> Container:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", model_dir=tmp_path / "model",
                        attachments_dir=tmp_path / "attachments", scheduler_enabled=False, **teams)
    return bootstrap(settings, understander=FakeUnderstander(), clock=FakeClock())


@asynccontextmanager
async def serving(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """The app of `meldbot serve` (lifespan included), reached over ASGI."""
    app = create_app(container=container)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://meldbot"
    ) as client:
        yield client


@pytest.fixture
def container(tmp_path: Path) -> Iterator[Container]:
    c = build(tmp_path, teams_dev_anonymous=True)
    yield c
    c.close()


@pytest.fixture
async def client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(container) as c:
        yield c


class TeamsUser:
    """Push an activity, pop the replies of the expectReplies response."""

    def __init__(self, client: httpx.AsyncClient, aad: str | None = SAM) -> None:
        self.client = client
        self.aad = aad
        self.replies: list[dict[str, Any]] = []

    async def post(self, activity: dict[str, Any]) -> list[dict[str, Any]]:
        response = await self.client.post("/api/messages", json=activity)
        assert response.status_code == 200, response.text
        self.replies = response.json()["activities"]
        return self.replies

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.post(message(text, aad=self.aad))

    async def press(self, label: str) -> list[dict[str, Any]]:
        question = next(r for r in reversed(self.replies) if r.get("attachments"))
        return await self.post(card_submit(question, label, aad=self.aad))

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.replies]


def count(container: Container, model: type) -> int:
    with container.session_factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_full_report_with_card_buttons_is_filed_and_escalated(
    client: httpx.AsyncClient, container: Container
) -> None:
    t = container.texts
    sam = TeamsUser(client)
    assert (await sam.say("Hallo"))[-1]["text"] == t("ask_description")
    await sam.say(RICH)
    assert labels(sam.replies[-1]) == [t("choice_more_done")]
    await sam.press(t("choice_more_done"))
    assert sam.texts[-1] == t("ask_feeling")
    await sam.press(t.choice("feeling_ok"))
    assert sam.texts[-1] == t("ask_wants")
    await sam.say("1 en 3")
    assert labels(sam.replies[-1])[0] == t.choice("classification_ok")
    await sam.press(t.choice("classification_ok"))
    assert labels(sam.replies[-1]) == [t.choice("confirm_send"), t.choice("confirm_edit"), t.choice("confirm_stop")]
    await sam.press(t.choice("confirm_send"))
    assert "MLD-2026-00001" in "\n".join(sam.texts)
    assert count(container, ReportRow) == 1
    with container.session_factory() as s:
        escalations = s.scalars(select(OutboxRow.employee_id).where(OutboxRow.kind == "escalation")).all()
    assert escalations == ["mgr"]


async def test_every_reply_is_a_bot_framework_message_to_the_user(client: httpx.AsyncClient) -> None:
    [first, *_] = await TeamsUser(client).say("Hallo")
    assert first["type"] == "message"
    assert first["from"]["id"] == BOT_ID
    assert first["recipient"]["aadObjectId"] == SAM
    assert first["conversation"]["id"] == "a:personal-sam"
    assert first["textFormat"] == "plain"


async def test_an_unknown_user_gets_a_polite_dutch_refusal_and_nothing_is_stored(
    client: httpx.AsyncClient, container: Container
) -> None:
    stranger = TeamsUser(client, STRANGER)
    await stranger.say("Een klant sloeg me")
    assert stranger.texts == [container.texts("unknown_user")]
    nobody = TeamsUser(client, None)
    await nobody.say("Hallo")
    assert nobody.texts == [container.texts("unknown_user")]
    assert count(container, ConversationRow) == 0


async def test_a_repeated_activity_gets_the_same_replies_and_has_no_second_effect(
    client: httpx.AsyncClient, container: Container
) -> None:
    sam = TeamsUser(client)
    await sam.say("Hallo")
    repeated = message(RICH, activity_id="1700000099999")
    once = await sam.post(repeated)
    with container.session_factory() as s:
        version = s.scalars(select(ConversationRow.version)).one()
    again = await sam.post(repeated)
    assert [(r["text"], r.get("attachments")) for r in again] == [(r["text"], r.get("attachments")) for r in once]
    with container.session_factory() as s:
        assert s.scalars(select(ConversationRow.version)).one() == version


async def test_a_repeated_card_submit_files_one_report(client: httpx.AsyncClient, container: Container) -> None:
    t = container.texts
    sam = TeamsUser(client)
    for line in ("Hallo", RICH):
        await sam.say(line)
    await sam.press(t("choice_more_done"))
    await sam.press(t.choice("feeling_ok"))
    await sam.say("niets")
    await sam.press(t.choice("classification_ok"))
    question = sam.replies[-1]
    send = card_submit(question, t.choice("confirm_send"))
    first = await sam.post(send)
    second = await sam.post(send)
    assert [r["text"] for r in second] == [r["text"] for r in first]
    assert count(container, ReportRow) == 1


async def test_installing_the_app_greets_a_known_employee(client: httpx.AsyncClient, container: Container) -> None:
    sam = TeamsUser(client)
    await sam.post(members_added(BOT_ID))
    assert sam.texts == [container.texts("opening", name="Sam"), container.texts("idle_prompt")]


async def test_activities_that_need_no_answer_get_an_empty_reply_list(client: httpx.AsyncClient) -> None:
    typing = message(None, type="typing")
    response = await client.post("/api/messages", json=typing)
    assert (response.status_code, response.json()) == (200, {"activities": []})


async def test_a_body_that_is_not_an_activity_is_a_400(client: httpx.AsyncClient) -> None:
    for body in (b"nope", b"[]", b'{"type": "message", "from": 5, "conversation": {"id": "a"}}'):
        response = await client.post("/api/messages", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, body
    response = await client.post("/api/messages", json={"type": "message"})
    assert response.status_code == 400


async def test_without_credentials_or_dev_mode_the_endpoint_is_not_served(tmp_path: Path) -> None:
    container = build(tmp_path)
    try:
        async with serving(container) as client:
            response = await client.post("/api/messages", json=message("Hallo"))
        assert response.status_code == 404
    finally:
        container.close()
