"""First contact when the app is installed: store a known employee's conversation reference and greet them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.channels.teams.translate import CHANNEL
from bot.conversation.flow import first_name
from bot.conversation.messages import Reply
from bot.conversation.texts import Texts
from bot.domain.model import Organisation
from bot.ports import Clock, UnitOfWork


class Welcome:
    """Installation (often pushed by an admin) is the first contact for managers who never write to the bot:
    storing the reference here lets escalations reach them. Strangers get nothing until they write."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], org: Organisation, texts: Texts, clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.org = org
        self.texts = texts
        self.clock = clock

    def __call__(self, user: str, address: dict[str, Any]) -> tuple[Reply, ...]:
        with self.uow_factory() as uow:
            employee_id = uow.identities.find(CHANNEL, user)
            employee = self.org.employee(employee_id) if employee_id else None
            if employee is None:
                uow.rollback()
                return ()
            uow.identities.set_address(CHANNEL, user, address, self.clock.now())
            uow.commit()
        return (Reply(self.texts("opening", name=first_name(employee.name))), Reply(self.texts("idle_prompt")))
