"""Terminal chat: one message a line from stdin, replies printed; choices numbered (a number picks)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from bot.channels import numbered
from bot.conversation.messages import IncomingMessage, TurnOutcome

QUIT_WORDS = {"/quit", "/exit", ":q"}


def run_terminal_chat(
    handle: Callable[[IncomingMessage], TurnOutcome],
    user: str,
    *,
    stdin: TextIO | None = None,
    write: Callable[[str], None] | None = None,
    prompt: str = "jij> ",
) -> int:
    """Chat until EOF; returns the number of messages sent. Interactive when stdin is a terminal."""
    stdin = stdin or sys.stdin
    out: Callable[[str], None] = write or (lambda s: print(s, flush=True))  # noqa: T201
    interactive = stdin.isatty()
    count = 0
    if interactive:
        out("meldbot — typ je bericht. Stoppen met Ctrl-D.")
    while True:
        if interactive:
            sys.stdout.write(prompt)
            sys.stdout.flush()
        line = stdin.readline()
        if not line:
            break
        text = line.rstrip("\r\n")
        if text.strip() in QUIT_WORDS:
            break
        if not text.strip():
            continue
        count += 1
        outcome = handle(
            IncomingMessage(
                channel="terminal",
                user=user,
                text=text,
                delivery_id=str(uuid.uuid4()),
            )
        )
        for reply in outcome.replies:
            out("meldbot> " + numbered(reply).replace("\n", "\n         "))
    return count
