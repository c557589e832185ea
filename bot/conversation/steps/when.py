"""'Wanneer gebeurde het?': the interval and the moment meant, else the words marked unclear."""

from __future__ import annotations

from bot.conversation.answers import without_markup
from bot.conversation.reading import is_skip, time_values
from bot.conversation.steps.base import Answered, Outcome, Said, Stay, Step, Unclear
from bot.domain.vocabulary import StepName


def take_when(said: Said) -> Outcome:
    if is_skip(said.text, said.understanding):
        return Answered(said.draft.evolve(occurred_text=None), skipped=True)
    span = said.understanding.entities.when
    if span is not None and span.confidence >= 0.5:
        return Answered(said.draft.evolve(**{**time_values(span), "occurred_text": said.text}))
    clean = without_markup(said.text)
    if span is not None and span.start > said.ctx.now and not said.state.reasked:
        # Understood, but still to come ('vanochtend om 10 uur' said at seven): say so rather than 'not understood'.
        return Stay(said.draft, "reask_when_future", reasked=True)
    fallback = said.draft.evolve(occurred_text=clean or None, occurred_start=None, occurred_end=None,
                                 occurred_at=None)
    return Unclear(fallback, words=clean)


STEP = Step(StepName.WHEN, expects="when", handle=take_when, text_keys=("reask_when_future",))
