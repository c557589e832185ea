"""A retried activity whose replies reached the connector is not answered twice; unsent replies are sent."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import Container
from bot.channels.teams import TeamsChannel, create_teams_channel
from bot.storage.orm import DeliveryRow
from tests.integration.teams.fake_connector import FakeConnector
from tests.integration.teams.test_teams_delivery import post
from tests.unit.teams.activities import message


def sent_at_of(container: Container) -> list[object]:
    with container.session_factory() as session:
        return list(session.scalars(select(DeliveryRow.sent_at).where(DeliveryRow.channel == "teams")))


async def test_a_retried_activity_whose_replies_were_posted_gets_nothing_again(
    container: Container, connector: FakeConnector
) -> None:
    channel: TeamsChannel = create_teams_channel(container)
    activity = message("Hallo", service_url=connector.url, expect_replies=False, activity_id="1700000000042")
    assert (await post(channel, activity)).status_code == 202
    posted = list(connector.texts)
    assert posted == [container.texts("opening", name="Sam"), container.texts("ask_description")]
    assert sent_at_of(container) == [container.clock.now()]

    assert (await post(channel, activity)).status_code == 202
    assert connector.texts == posted


async def test_a_retried_activity_whose_replies_failed_gets_them_once(
    container: Container, connector: FakeConnector
) -> None:
    channel: TeamsChannel = create_teams_channel(container)
    activity = message("Hallo", service_url=connector.url, expect_replies=False, activity_id="1700000000043")
    connector.status_for["a:personal-sam"] = 503
    assert (await post(channel, activity)).status_code == 500
    assert sent_at_of(container) == [None]
    connector.status_for.clear()
    assert (await post(channel, activity)).status_code == 202
    assert (await post(channel, activity)).status_code == 202
    assert connector.texts == [container.texts("opening", name="Sam"), container.texts("ask_description")]
