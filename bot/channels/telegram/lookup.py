"""Read-only look-ups made before a turn (no state changes; the turn itself decides)."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation.flow import CONFIRM_STOP
from bot.ports import UnitOfWork
from bot.service import ChatService


def evidence_check(uow_factory: Callable[[], UnitOfWork], chat: ChatService, channel: str) -> Callable[[str], bool]:
    """Whether a user is linked and in the middle of a report, so that a file sent now is worth downloading."""

    def accepts_evidence(user: str) -> bool:
        with uow_factory() as uow:
            try:
                if chat.employee_for(uow, channel, user) is None:
                    return False
                loaded = uow.conversations.load(channel, user)
                return loaded is not None and loaded[0].in_report and loaded[0].step != CONFIRM_STOP
            finally:
                uow.rollback()

    return accepts_evidence
