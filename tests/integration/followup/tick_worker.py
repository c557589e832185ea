"""A child process running the real scheduler against a database, with a chat channel that writes to a file.

    python -m tests.integration.followup.tick_worker URL SINK NAME BUDGET LEASE

The channel delivers BUDGET messages (one JSON line each in SINK, flushed to disk before it
returns) and then hangs, as a send that never completes; -1 means no limit. The process runs
until it is killed.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from actions.scheduler import start_scheduler
from bot.bootstrap import bootstrap
from bot.conversation.messages import Reply
from bot.settings import Settings


class FileSink:
    """A 'telegram' channel that appends what it sends to a file."""

    name = "telegram"

    def __init__(self, path: str, worker: str, budget: int) -> None:
        self.path = path
        self.worker = worker
        self.budget = budget

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        if self.budget == 0:
            await asyncio.sleep(3600)  # hangs before anything leaves
        line = json.dumps({"worker": self.worker, "chat_id": address["chat_id"], "prompt": replies[-1].prompt_id,
                           "text": replies[0].text.splitlines()[0]}, ensure_ascii=False)
        with open(self.path, "a", encoding="utf-8") as fh:  # noqa: ASYNC230 - a tiny local append
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        if self.budget > 0:
            self.budget -= 1
        await asyncio.sleep(0.01)


class NoUnderstanding:
    def understand(self, text: str, context: object) -> object:
        raise RuntimeError("the worker runs no turns")


def main() -> None:
    url, sink, name, budget, lease = sys.argv[1:6]
    settings = Settings(database_url=url, tick_seconds=0.2, outbox_lease_seconds=float(lease), outbox_batch_size=3,
                        send_timeout_seconds=600)
    container = bootstrap(settings, understander=NoUnderstanding())  # type: ignore[arg-type]
    start_scheduler(container, {"telegram": FileSink(sink, name, int(budget))})
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
