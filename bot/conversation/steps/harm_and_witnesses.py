"""'Was er letsel of schade, en waren er getuigen?': both in one question when the story told neither.

What the answer says of either is kept; what it leaves open is asked on its own next (injury, witnesses).
"""

from __future__ import annotations

from bot.conversation.answers import has_words, normalise, without_markup
from bot.conversation.reading import BARE_YES, injury_values, is_skip, with_witnesses_said
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step, Unclear
from bot.domain.vocabulary import StepName
from nlu.result import Understanding

NEITHER = "harm_witnesses_none"


def _bare_no(u: Understanding) -> bool:
    """A plain 'nee' that says nothing about either (so: neither hurt nor witnesses)."""
    return u.intent == "no" and u.entities.injury is None and u.entities.witnesses is None


def take_harm_and_witnesses(said: Said) -> Outcome:
    draft, key = said.draft, said.picked()
    if key == "dont_know" or (key is None and is_skip(said.text, said.understanding)):
        both = draft.evolve(injury=None, damage=None, witnesses=None)
        return Answered(both.with_answered(StepName.INJURY, StepName.WITNESSES), skipped=True)
    clean = without_markup(said.text)
    if key == NEITHER or (key is None and _bare_no(said.understanding)):
        neither = draft.evolve(injury="nee", damage="nee", witnesses="nee")
        return Answered(neither.with_answered(StepName.INJURY, StepName.WITNESSES))
    ent = said.understanding.entities
    if not has_words(clean) or normalise(clean) in BARE_YES:
        return Unclear(draft, words=clean)  # asked again with an example, then each on its own
    if ent.injury is not None or ent.damage is not None:
        draft = draft.evolve(**injury_values(ent.injury, ent.damage, clean)).with_answered(StepName.INJURY)
    return Answered(with_witnesses_said(draft, said.understanding, clean))


STEP = Step(StepName.HARM_AND_WITNESSES, expects="injury", handle=take_harm_and_witnesses,
            choices=(Choice(NEITHER, NEITHER), Choice("dont_know", "dont_know")),
            text_keys=("ask_harm_and_witnesses_other",))
