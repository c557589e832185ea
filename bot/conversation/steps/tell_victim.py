"""'Mag ik Noor laten weten…?': the reporter's consent; without a clear yes nobody is told."""

from __future__ import annotations

from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step, Unclear
from bot.conversation.turns import TurnContext, first_name
from bot.domain.vocabulary import StepName

YES, NO = "tell_victim_yes", "tell_victim_no"


def take_consent(said: Said) -> Outcome:
    key = said.picked()
    if key is None and said.understanding.intent in ("yes", "no"):
        key = YES if said.understanding.intent == "yes" else NO
    if key is None:
        return Unclear(said.draft.evolve(victim_told=False))
    return Answered(said.draft.evolve(victim_told=key == YES))


def ask_consent(state: ConversationState, ctx: TurnContext, choices: tuple[str, ...], pid: str | None) -> list[Reply]:
    name = state.draft.victim_name or ""
    return [Reply(ctx.texts("ask_tell_victim", name=name, first=first_name(name)), choices, pid)]


STEP = Step(StepName.TELL_VICTIM, expects="yes_no", handle=take_consent, words_question=ask_consent,
            choices=(Choice(YES, YES), Choice(NO, NO)))
