"""Teams integration fixtures: a fake Bot Connector on a local port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.settings import Settings
from tests.integration.teams.fake_connector import FakeConnector, running_connector


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    with running_connector() as c:
        yield c


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The integration settings with Teams on in dev mode (anonymous, for local testing)."""
    return settings.model_copy(update={"teams_dev_anonymous": True})
