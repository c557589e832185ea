"""The Teams channel: the SDK's adapter and authentication from the settings, the route, proactive sends."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import AgentAuthConfiguration, Connections, TurnContext
from microsoft_agents.hosting.core.authorization import AuthTypes
from microsoft_agents.hosting.fastapi import CloudAdapter

from bot.channels.teams.auth import ActivityAuth
from bot.channels.teams.proactive import ProactiveSender
from bot.channels.teams.route import messages_router
from bot.channels.teams.translate import CHANNEL
from bot.channels.teams.turns import TeamsTurns
from bot.channels.teams.welcome import Welcome
from bot.conversation.messages import Reply
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.bootstrap import Container

logger = logging.getLogger(__name__)

SERVICE_CONNECTION = "SERVICE_CONNECTION"  # the SDK's name for the bot's own connection
DEV_WARNING = (
    "!!! MELDBOT_TEAMS_DEV_ANONYMOUS is on: /api/messages accepts activities WITHOUT authentication. "
    "Local testing only; never in production !!!"
)


class TeamsConfigError(ValueError):
    """The Teams settings are incomplete: production needs app id, password and tenant id."""


def has_credentials(settings: Settings) -> bool:
    return bool(settings.teams_app_id and settings.teams_app_password and settings.teams_tenant_id)


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    """The SDK's configuration of the bot's identity: JWT audience and tenant, MSAL credentials."""
    password = settings.teams_app_password.get_secret_value() if settings.teams_app_password else None
    return AgentAuthConfiguration(
        auth_type=AuthTypes.client_secret,
        client_id=settings.teams_app_id,
        tenant_id=settings.teams_tenant_id,
        client_secret=password,
        connection_name=SERVICE_CONNECTION,
        anonymous_allowed=settings.teams_dev_anonymous,
    )


async def _turn_failed(context: TurnContext, error: Exception) -> None:
    """Replaces the SDK's default, which would show the exception text to the user."""
    logger.error("teams: turn failed (%s)", type(error).__name__)
    raise error


class TeamsChannel:
    """Serves POST /api/messages and sends proactive messages; the SDK's CloudAdapter does the protocol."""

    name = CHANNEL

    def __init__(self, *, adapter: CloudAdapter, turns: TeamsTurns, auth: ActivityAuth,
                 sender: ProactiveSender) -> None:
        self.adapter = adapter
        self.turns = turns
        self.auth = auth
        self.sender = sender
        self.router = messages_router(adapter=adapter, turns=turns, auth=auth)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        """A message outside a turn (outbox); Undeliverable when the user removed the app."""
        await self.sender.send(address, replies)


def create_teams_channel(container: Container, *, connections: Connections | None = None) -> TeamsChannel:
    """The channel from the settings. `connections` replaces the MSAL connection manager (tests)."""
    settings = container.settings
    credentials = has_credentials(settings)
    if not credentials and not settings.teams_dev_anonymous:
        missing = [name for name, value in (("MELDBOT_TEAMS_APP_ID", settings.teams_app_id),
                                            ("MELDBOT_TEAMS_APP_PASSWORD", settings.teams_app_password),
                                            ("MELDBOT_TEAMS_TENANT_ID", settings.teams_tenant_id)) if not value]
        raise TeamsConfigError(
            f"Teams: {', '.join(missing)} not set. Set all three for production, "
            "or MELDBOT_TEAMS_DEV_ANONYMOUS=true for local testing only."
        )
    if settings.teams_dev_anonymous:
        logger.warning(DEV_WARNING)
    configuration = auth_configuration(settings)
    connections = connections or MsalConnectionManager(connections_configurations={SERVICE_CONNECTION: configuration})
    adapter = CloudAdapter(connection_manager=connections)
    adapter.on_turn_error = _turn_failed
    turns = TeamsTurns(
        container.chat.handle,
        texts=container.texts,
        welcome=Welcome(container.uow_factory, container.org, container.texts, container.clock),
        tenant_id=settings.teams_tenant_id,
        was_sent=container.chat.was_sent,
        mark_sent=container.chat.mark_sent,
    )
    sender = ProactiveSender(adapter, app_id=settings.teams_app_id if credentials else None)
    return TeamsChannel(adapter=adapter, turns=turns, auth=ActivityAuth(configuration), sender=sender)
