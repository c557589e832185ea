"""Processed deliveries are kept well over 24 hours, then forgotten by the tick."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from actions.dispatch import DELIVERY_RETENTION
from actions.scheduler import build_dispatcher
from bot.bootstrap import Container
from bot.conversation.messages import IncomingMessage
from bot.storage.orm import DeliveryRow
from tests.fakes import FakeClock


def test_deliveries_older_than_the_retention_are_purged_and_newer_kept(container: Container,
                                                                        clock: FakeClock) -> None:
    container.chat.handle(IncomingMessage("web", "demo", "Hallo", delivery_id="old"))
    clock.advance(seconds=(DELIVERY_RETENTION - timedelta(hours=1)).total_seconds())
    container.chat.handle(IncomingMessage("web", "demo", "Hallo", delivery_id="new"))
    clock.advance(hours=2)
    dispatcher = build_dispatcher(container, {})
    assert dispatcher.purge_deliveries(clock.now()) == 1
    with container.session_factory() as s:
        assert s.scalars(select(DeliveryRow.delivery_id)).all() == ["new"]
