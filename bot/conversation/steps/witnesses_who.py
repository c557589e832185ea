"""'Wie waren de getuigen?': after 'Ja' without saying who."""

from __future__ import annotations

from bot.conversation.answers import has_words, normalise, without_markup
from bot.conversation.reading import BARE_YES, is_skip
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step, Unclear
from bot.domain.vocabulary import StepName


def take_witnesses_who(said: Said) -> Outcome:
    if said.picked() == "dont_know" or is_skip(said.text, u := said.understanding):
        return Answered(said.draft)
    clean = without_markup(said.text)
    if has_words(clean) and normalise(clean) not in BARE_YES and u.intent not in ("yes", "no"):
        return Answered(said.draft.evolve(witnesses=clean))
    return Unclear(said.draft, words=clean)


STEP = Step(StepName.WITNESSES_WHO, expects="witnesses", handle=take_witnesses_who,
            choices=(Choice("dont_know", "dont_know"),))
