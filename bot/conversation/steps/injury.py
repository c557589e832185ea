"""'Is er letsel of schade?': injury and damage, never a bare 'ja' or markup."""

from __future__ import annotations

from bot.conversation.answers import has_words, normalise, without_markup
from bot.conversation.reading import BARE_YES, injury_values, is_skip, with_witnesses_said
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step, Unclear
from bot.domain.vocabulary import StepName


def take_injury(said: Said) -> Outcome:
    draft = said.draft
    key = said.picked()
    if key is not None:
        injury, damage = {
            "injury_none": ("nee", "nee"),
            "injury_hurt": ("ja", draft.damage),
            "injury_damage": (draft.injury, "ja"),
            "injury_both": ("ja", "ja"),
            "dont_know": (None, None),
        }[key]
        return Answered(draft.evolve(injury=injury, damage=damage), skipped=key == "dont_know")
    u = said.understanding
    if is_skip(said.text, u):
        return Answered(draft.evolve(injury=None, damage=None), skipped=True)
    ent = u.entities
    clean = without_markup(said.text)
    if normalise(clean) in BARE_YES or not has_words(clean):
        # "Klopt" or "ja" does not say whether it was injury or damage; markup says nothing at all.
        return Unclear(draft.evolve(injury=None, damage=None), words=clean)
    if ent.injury is not None or ent.damage is not None:
        return Answered(with_witnesses_said(draft.evolve(**injury_values(ent.injury, ent.damage, clean)), u, clean))
    if u.intent == "no":
        return Answered(draft.evolve(injury="nee", damage="nee"))
    return Unclear(draft.evolve(injury=None, damage=None), words=clean)


STEP = Step(StepName.INJURY, expects="injury", handle=take_injury,
            choices=tuple(Choice(k, k) for k in ("injury_none", "injury_hurt", "injury_damage", "injury_both",
                                                 "dont_know")),
            text_keys=("ask_injury_other",))
