"""How a step's question is put: its key (the 'other' and toggle variants), its buttons, its prompt id."""

from __future__ import annotations

from bot.conversation.messages import Reply
from bot.conversation.reading import for_someone_else, form_unsure
from bot.conversation.state import ConversationState
from bot.conversation.steps.registry import step as step_of
from bot.conversation.texts import Texts
from bot.conversation.turns import TurnContext
from bot.domain.vocabulary import StepName


def choices_for(step: str, state: ConversationState, t: Texts) -> tuple[str, ...]:
    """The labels offered at a step (empty for open questions)."""
    return tuple(c.label(t) for c in step_of(step).choices_for(state.draft, t))


def shown_choices(state: ConversationState, ctx: TurnContext) -> tuple[str, ...]:
    """The labels as this channel shows them: several-choice questions get a done button on toggle channels."""
    if not state.in_report:
        return ()
    return tuple(c.label(ctx.texts) for c in step_of(state.step).shown(state.draft, ctx.texts, ctx.channel))


def question_key(state: ConversationState, ctx: TurnContext, prefix: str) -> str:
    """The text key of the question ('ask') or of the question with an example ('reask')."""
    step = step_of(state.step)
    if step.name == StepName.CLASSIFICATION and form_unsure(state.draft):
        return f"{prefix}_classification_unknown"
    if step.toggles(ctx.channel):
        return f"{prefix}_{step.name}_toggle"
    if prefix == "ask" and for_someone_else(state.draft) and f"ask_{step.name}_other" in ctx.texts:
        return f"ask_{step.name}_other"  # 'Is er iemand gewond geraakt…' instead of 'Ben je gewond geraakt…'
    own = step.question if prefix == "ask" else step.reask
    return own or f"{prefix}_{step.name}"


def question(state: ConversationState, ctx: TurnContext) -> list[Reply]:
    """The current question again, with the same prompt id (nothing changes)."""
    step = step_of(state.step)
    if step.name == StepName.IDLE:
        return [Reply(ctx.texts("idle_prompt"))]
    choices = shown_choices(state, ctx)
    pid = state.prompt_id if choices else None
    own = step.words_question(state, ctx, choices, pid) if step.words_question else None
    if own is not None:
        return own
    return [Reply(ctx.texts(question_key(state, ctx, "ask")), choices, pid)]


def reask(state: ConversationState, ctx: TurnContext) -> Reply:
    """The question once more, with an example (the state has its new prompt id)."""
    choices = shown_choices(state, ctx)
    return Reply(ctx.texts(question_key(state, ctx, "reask")), choices, state.prompt_id if choices else None)
