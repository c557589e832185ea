"""Proactive messages to stored conversation references (check-ins, escalations, feedback) via the SDK."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiohttp import ClientResponseError
from microsoft_agents.hosting.core import ChannelServiceAdapter, ClaimsIdentity, TurnContext

from bot.channels.teams.cards import to_activities
from bot.channels.teams.translate import reference_from
from bot.conversation.messages import Reply
from bot.ports import Undeliverable

logger = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 30.0
GONE = (403, 404)  # the user removed the app, or the conversation no longer exists


class ProactiveSender:
    """Sends replies outside a turn through the SDK: continue_conversation opens a turn on the stored
    reference and the connector client posts to its serviceUrl. With an app id the SDK signs the
    request with the app's token (MSAL); without one (dev mode) the request is anonymous."""

    def __init__(self, adapter: ChannelServiceAdapter, *, app_id: str | None,
                 timeout: float = SEND_TIMEOUT_SECONDS) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.timeout = timeout

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        """Post every reply in order; Undeliverable when Teams says the user cannot be reached."""
        if not replies:
            return
        try:
            reference = reference_from(address)
        except ValueError as exc:
            raise Undeliverable("teams: the stored conversation reference cannot be used") from exc
        activities = to_activities(list(replies))
        failures: list[Exception] = []

        async def deliver(context: TurnContext) -> None:
            try:
                await context.send_activities(activities)
            except Exception as exc:  # noqa: BLE001 - raised below, outside the SDK's turn error handler
                failures.append(exc)

        continuation = reference.get_continuation_activity()
        try:
            async with asyncio.timeout(self.timeout):
                if self.app_id:
                    await self.adapter.continue_conversation(self.app_id, continuation, deliver)
                else:
                    await self.adapter.continue_conversation_with_claims(ClaimsIdentity(), continuation, deliver)
            if failures:
                raise failures[0]
        except ClientResponseError as exc:
            if exc.status in GONE:
                logger.info("teams: recipient unreachable (connector answered %s)", exc.status)
                raise Undeliverable(f"teams: the connector answered {exc.status}") from exc
            raise
