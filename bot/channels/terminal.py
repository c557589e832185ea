"""Terminal chat: one message a line from stdin, replies printed; choices numbered (a number picks)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from bot.channels import numbered
from bot.conversation.messages import IncomingMessage, Reply, TurnOutcome

QUIT_WORDS = {"/quit", "/exit", ":q"}
CHANNEL = "terminal"


def run_terminal_chat(
    handle: Callable[[IncomingMessage], TurnOutcome],
    user: str,
    *,
    stdin: TextIO | None = None,
    write: Callable[[str], None] | None = None,
    prompt: str = "jij> ",
    opening: Callable[[], Sequence[Reply]] | None = None,
) -> int:
    """Chat until EOF; returns the number of messages sent. Interactive when stdin is a terminal.

    The greeting (or where a report was left) is shown before the first message, piped or not; `opening`
    gives it, by default read from the chat service behind `handle` without sending a message.
    """
    stdin = stdin or sys.stdin
    out: Callable[[str], None] = write or (lambda s: print(s, flush=True))  # noqa: T201
    interactive = stdin.isatty()
    count = 0

    def show(replies: Sequence[Reply]) -> None:
        for reply in replies:
            out("meldbot> " + numbered(reply).replace("\n", "\n         "))

    if interactive:
        out("meldbot — typ je bericht. Stoppen met Ctrl-D.")
    found = opening or _opening_of(handle, user)
    if found is not None:
        show(found())  # the conversation answers on the understanding that this greeting was seen
    while True:
        if interactive:
            sys.stdout.write(prompt)
            sys.stdout.flush()
        line = stdin.readline()
        if not line:
            if interactive:
                out("")  # Ctrl-D: end the prompt line, so the shell starts on a fresh one
            break
        text = line.rstrip("\r\n")
        if text.strip() in QUIT_WORDS:
            break
        if not text.strip():
            continue
        count += 1
        outcome = handle(
            IncomingMessage(
                channel=CHANNEL,
                user=user,
                text=text,
                delivery_id=str(uuid.uuid4()),
            )
        )
        show(outcome.replies)
    return count


def _opening_of(handle: Callable[[IncomingMessage], TurnOutcome], user: str) -> Callable[[], Sequence[Reply]] | None:
    """The opening from the chat service whose bound `handle` we were given (None for any other callable)."""
    open_chat: Any = getattr(getattr(handle, "__self__", None), "open_chat", None)
    if open_chat is None:
        return None
    return lambda: tuple(open_chat(CHANNEL, user))
