"""What a chat shows when it opens or resumes: the greeting, where a report was left, what was said so far."""

from __future__ import annotations

from typing import Any

from bot.conversation.messages import Reply
from bot.conversation.questions import question
from bot.conversation.state import ConversationState
from bot.conversation.turns import TurnContext, first_name


def moved_here(state: ConversationState, ctx: TurnContext) -> bool:
    """A report in progress that was last worked on in another channel (the same conversation everywhere)."""
    return state.in_report and bool(ctx.channel) and state.channel not in (None, ctx.channel)


def resume(state: ConversationState, ctx: TurnContext) -> Reply:
    """'Je was bezig met een melding…', saying where when the report was started on another channel."""
    where = ctx.texts.labels("channel_where").get(str(state.channel))
    if moved_here(state, ctx) and where:
        return Reply(ctx.texts("resume_elsewhere", where=where))
    return Reply(ctx.texts("resume"))


def opening(state: ConversationState, ctx: TurnContext) -> list[Reply]:
    """What a chat that opens shows before anyone types: the greeting, or where a report was left."""
    if state.in_report:
        return [resume(state, ctx), *question(state, ctx)]
    return [Reply(ctx.texts("opening", name=first_name(ctx.reporter.name))), Reply(ctx.texts("idle_prompt"))]


def conversation_so_far(state: ConversationState, ctx: TurnContext) -> list[dict[str, Any]]:
    """What a reopened chat shows, without taking a turn: what was said, else the current question or a greeting.

    Entries are {"who": "me" | "bot", "text", "choices", "prompt_id"}; only the last question's buttons still work.
    """
    if state.transcript:
        return [dict(e) for e in state.transcript]
    return [{"who": "bot", "text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id}
            for r in opening(state, ctx)]
