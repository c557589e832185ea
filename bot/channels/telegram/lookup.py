"""Read-only look-ups made before a turn (no state changes; the turn itself decides)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.conversation.flow import accepts_evidence as evidence_wanted
from bot.ports import UnitOfWork
from bot.service import ChatService


def evidence_check(uow_factory: Callable[[], UnitOfWork], chat: ChatService, channel: str) -> Callable[[str], bool]:
    """Whether a user is linked and a file sent now becomes evidence (of the report going on, or of a filed
        one asked for just now), so that it is worth downloading."""

    def accepts_evidence(user: str) -> bool:
        with uow_factory() as uow:
            try:
                if chat.employee_for(uow, channel, user) is None:
                    return False
                loaded = uow.conversations.load(channel, user)
                window = timedelta(minutes=chat.resume_after_minutes)
                return loaded is not None and evidence_wanted(loaded[0], chat.clock.now(), window)
            finally:
                uow.rollback()

    return accepts_evidence
