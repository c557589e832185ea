"""One Teams turn: the activity in, the chat service's replies out (an Agent for the SDK's CloudAdapter)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from microsoft_agents.activity import ActivityTypes, DeliveryModes
from microsoft_agents.hosting.core import TurnContext

from bot.channels.teams.cards import to_activities
from bot.channels.teams.translate import address_of, is_personal, to_incoming, user_of
from bot.conversation.messages import IncomingMessage, Reply, TurnOutcome
from bot.conversation.texts import Texts

logger = logging.getLogger(__name__)

TURN_BUDGET_SECONDS = 10.0  # Teams gives up after 15 s; slower turns are logged

Welcome = Callable[[str, dict[str, Any]], tuple[Reply, ...]]


def _never(msg: IncomingMessage) -> bool:
    return False


def _nothing(msg: IncomingMessage) -> None:
    return None


class TeamsTurns:
    """Implements the SDK's Agent protocol (on_turn) by composition: no SDK class is subclassed.

    Messages go to the chat service in a worker thread (it is synchronous: one transaction a turn).
    The service deduplicates on the activity id and returns the stored replies for a retried
    activity, so a retry never has a second effect. Replies posted to the connector are noted as
    sent (`mark_sent`); a retried activity whose replies went out gets nothing again. With
    deliveryMode expectReplies the replies travel in the HTTP response, which the caller may have
    lost, so a retry always gets them again (as the web chat does).
    When the bot is added to a personal chat, a known employee's conversation reference is stored
    and they are greeted. Other activity types need no answer.
    """

    def __init__(
        self, handle: Callable[[IncomingMessage], TurnOutcome], *, texts: Texts, welcome: Welcome,
        tenant_id: str | None = None,
        was_sent: Callable[[IncomingMessage], bool] = _never,
        mark_sent: Callable[[IncomingMessage], None] = _nothing,
    ) -> None:
        self.handle = handle
        self.was_sent = was_sent
        self.mark_sent = mark_sent
        self.texts = texts
        self.welcome = welcome
        self.tenant_id = tenant_id

    async def on_turn(self, context: TurnContext) -> None:
        kind = context.activity.type
        if kind == ActivityTypes.message:
            await self.on_message(context)
        elif kind == ActivityTypes.conversation_update:
            await self.on_members_added(context)

    async def on_message(self, context: TurnContext) -> None:
        activity = context.activity
        if not is_personal(activity):
            await context.send_activities(to_activities([Reply(self.texts("teams_personal_only"))]))
            return
        msg = to_incoming(activity, tenant_id=self.tenant_id)
        started = time.monotonic()
        outcome = await asyncio.to_thread(self.handle, msg)
        elapsed = time.monotonic() - started
        if elapsed > TURN_BUDGET_SECONDS:
            logger.warning("teams: a turn took %.1f s; Teams waits at most 15 s", elapsed)
        in_response = activity.delivery_mode == DeliveryModes.expect_replies
        if outcome.duplicate:
            if not in_response and await asyncio.to_thread(self.was_sent, msg):
                logger.info("teams: repeated activity; its replies were sent before")
                return
            logger.info("teams: repeated activity; sending the stored replies again")
        if outcome.replies:
            await context.send_activities(to_activities(outcome.replies))
        if not in_response:
            try:
                await asyncio.to_thread(self.mark_sent, msg)
            except Exception as exc:  # noqa: BLE001 - the replies were sent; a retry would only repeat them
                logger.warning("teams: could not note a delivery as sent (%s)", exc.__class__.__name__)

    async def on_members_added(self, context: TurnContext) -> None:
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        added = {m.id for m in activity.members_added or ()}
        if bot_id is None or bot_id not in added or not is_personal(activity):
            return
        user = user_of(activity, self.tenant_id)
        if not user:
            return
        replies = await asyncio.to_thread(self.welcome, user, address_of(activity))
        if replies:
            await context.send_activities(to_activities(replies))
