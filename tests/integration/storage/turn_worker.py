"""A child process for the crash test: runs scripted turns and acknowledges each after commit."""

from __future__ import annotations

import sys

from bot.bootstrap import bootstrap
from bot.conversation.messages import IncomingMessage
from bot.settings import Settings
from tests.fakes import FakeClock, FakeUnderstander

SCRIPT = [
    "Hallo",
    "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel.",
    "hij sloeg ook met zijn vuist op de balie",
    "Nee, verder",
    "Gaat wel",
    "1 en 3",
    "Klopt",
    "Versturen",
]


def main() -> None:
    url, start = sys.argv[1], int(sys.argv[2])
    container = bootstrap(Settings(database_url=url, scheduler_enabled=False), understander=FakeUnderstander(),
                          clock=FakeClock())
    for i in range(start, len(SCRIPT)):
        container.chat.handle(IncomingMessage("web", "demo", SCRIPT[i], delivery_id=f"crash-{i}"))
        sys.stdout.write(f"ACK {i}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
