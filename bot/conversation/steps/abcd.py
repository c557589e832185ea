"""'Welke beschrijving past het best?': the ABCD description, asked only from the summary."""

from __future__ import annotations

from bot.conversation.answers import normalise
from bot.conversation.steps.base import Advance, Choice, Outcome, Reask, Said, Step
from bot.domain.vocabulary import Abcd, StepName


def take_abcd(said: Said) -> Outcome:
    key = said.picked()
    if key is None:
        letter = normalise(said.text).upper()
        key = letter if letter in set(Abcd) else None
    if key is None:
        return Reask() if not said.state.reasked else Advance(editing=True)
    return Advance(said.draft.evolve(abcd=key, corrected=True), said=("corrected",), editing=True)


STEP = Step(StepName.ABCD, expects="choice", handle=take_abcd,
            choices=tuple(Choice(str(letter), str(letter), group="abcd") for letter in Abcd),
            text_keys=("corrected",))
