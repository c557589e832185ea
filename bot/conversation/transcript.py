"""What was said in a conversation, kept with its state so that a reopened chat shows it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.state import ConversationState
from bot.conversation.turns import FileReport, Turn

TRANSCRIPT_LIMIT = 80


def with_transcript(
    before: ConversationState, turn: Turn, msg: IncomingMessage, choices: Sequence[str],
    files: Sequence[str] = (), shown: Sequence[Reply] = (),
) -> ConversationState:
    """The new state with this exchange remembered; a stopped or filed report keeps only the closing words.

    `files` are the lines that stand for the files sent with the message ('Bijlage: foto.jpg'); `shown` what the
    chat showed before the message (the greeting before someone's first message), kept in front of it.
    """
    said = msg.text.strip()
    if msg.in_reply_to is not None and said.isdigit() and 0 < int(said) <= len(choices):
        said = choices[int(said) - 1]  # a pressed button, shown by its label
    bot = [_bot(r) for r in turn.replies]
    ended = any(isinstance(e, FileReport) for e in turn.effects) or (before.in_report and not turn.state.in_report)
    started = not before.in_report and turn.state.in_report
    if ended:
        entries: list[dict[str, Any]] = bot  # nothing of the report stays here: it is filed, or nothing is kept
    else:
        kept = [_bot(r) for r in shown] + ([] if started else list(before.transcript))
        mine = [{"who": "me", "text": line} for line in (*files, *([said] if said else []))]
        entries = [*kept, *mine, *bot]
    return turn.state.evolve(transcript=tuple(entries[-TRANSCRIPT_LIMIT:]))


def _bot(reply: Reply) -> dict[str, Any]:
    return {"who": "bot", "text": reply.text, "choices": list(reply.choices), "prompt_id": reply.prompt_id}
