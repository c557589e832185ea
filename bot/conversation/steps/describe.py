"""'Vertel in je eigen woorden wat er is gebeurd.': the story, and the facts it already tells."""

from __future__ import annotations

from bot.conversation.answers import words
from bot.conversation.messages import Reply
from bot.conversation.reading import (
    MIN_BEHAVIOUR_WORDS,
    MIN_DESCRIPTION_WORDS,
    apply_understanding,
    behaviour_words,
    join_description,
    understand_description,
    with_victim,
)
from bot.conversation.state import ConversationState
from bot.conversation.steps.base import Advance, GoTo, Outcome, Said, Stay, Step
from bot.conversation.turns import TurnContext
from bot.domain.vocabulary import StepName


def take_story(said: Said) -> Outcome:
    state, ctx = said.state, said.ctx
    if state.editing:
        draft = said.draft.evolve(description=said.text)
        draft = apply_understanding(draft, understand_description(said.text, ctx), fill_slots=False)
        return Advance(draft, said=("corrected",))
    description = join_description(said.draft.description, said.text)  # stored exactly as typed
    understood = understand_description(description, ctx)
    behaviour = behaviour_words(description, understood)
    if not state.reasked and (
        behaviour < MIN_BEHAVIOUR_WORDS
        or (words(description) < MIN_DESCRIPTION_WORDS and said.understanding.primary_form is None)
    ):
        # Only a time or a place ("gisteren rond 4 uur"): ask what the citizen did before guessing a label.
        key = "ask_what_happened" if behaviour < MIN_BEHAVIOUR_WORDS else "ask_description_more_detail"
        return Stay(said.draft.evolve(description=description), key, reasked=True)
    draft = apply_understanding(said.draft.evolve(description=description), understood)
    draft = with_victim(draft, description, ctx)
    if behaviour < MIN_BEHAVIOUR_WORDS:
        draft = draft.evolve(form_unsure=True)
    return GoTo(StepName.DESCRIBE_MORE, draft, record=True)


def ask_story(state: ConversationState, ctx: TurnContext, choices: tuple[str, ...], pid: str | None) -> list[Reply]:
    return [Reply(ctx.texts("ask_edit_description" if state.editing else "ask_description"))]


STEP = Step(StepName.DESCRIBE, expects="description", handle=take_story, question="ask_description",
            words_question=ask_story,
            text_keys=("ask_edit_description", "ask_what_happened", "ask_description_more_detail", "corrected"))
