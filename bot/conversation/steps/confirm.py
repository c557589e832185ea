"""The summary: 'Versturen', 'Iets aanpassen' or 'Stoppen'."""

from __future__ import annotations

from bot.conversation.messages import Reply
from bot.conversation.report import summary
from bot.conversation.state import ConversationState
from bot.conversation.steps.base import AskStop, Choice, File, GoTo, Outcome, Reask, Said, Step
from bot.conversation.turns import TurnContext
from bot.domain.vocabulary import StepName

SEND, EDIT, STOP = "confirm_send", "confirm_edit", "confirm_stop"


def send_edit_or_stop(said: Said) -> Outcome:
    key = said.picked()
    if key is None and said.understanding.intent == "yes":
        key = SEND
    if key == SEND:
        return File()
    if key == EDIT or (key is None and said.understanding.intent == "no"):
        return GoTo(StepName.EDIT_FIELD)
    if key == STOP:
        return AskStop()
    return Reask()


def ask_confirm(state: ConversationState, ctx: TurnContext, choices: tuple[str, ...], pid: str | None) -> list[Reply]:
    return [Reply(summary(state.draft, ctx)), Reply(ctx.texts("ask_confirm"), choices, pid)]


STEP = Step(StepName.CONFIRM, expects="choice", handle=send_edit_or_stop, words_question=ask_confirm,
            choices=(Choice(SEND, SEND), Choice(EDIT, EDIT), Choice(STOP, STOP)),
            text_keys=("summary_header", "summary_description", "summary_when", "summary_where", "summary_injury",
                       "summary_witnesses", "summary_feeling", "summary_wants", "summary_form", "summary_victim",
                       "summary_role", "summary_tell_victim", "unknown_value", "unclear_value", "none_value"))
