"""'Hoe gaat het nu met je?': any words are a fine answer."""

from __future__ import annotations

from bot.conversation.reading import is_skip
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step
from bot.domain.vocabulary import Mood, StepName


def take_feeling(said: Said) -> Outcome:
    key = said.picked()
    if key is None and is_skip(said.text, said.understanding):
        return Answered(said.draft.evolve(feeling=None), skipped=True)
    # How someone feels is theirs to say: any words are a fine answer.
    feeling = said.ctx.texts.choice(key) if key is not None else said.text
    return Answered(said.draft.evolve(feeling=feeling))


STEP = Step(StepName.FEELING, expects="feeling", handle=take_feeling,
            choices=tuple(Choice(str(mood), str(mood)) for mood in Mood))
