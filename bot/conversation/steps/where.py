"""'Waar gebeurde het?': a kind of place, an address or a building in a town."""

from __future__ import annotations

from bot.conversation.answers import has_words, normalise, place_in, without_markup
from bot.conversation.reading import BARE_YES, is_skip, office_or_other
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step, Unclear
from bot.domain.vocabulary import Location, StepName


def take_where(said: Said) -> Outcome:
    draft = said.draft
    key = said.picked()
    if key is not None:
        return Answered(draft.evolve(location_type=key))
    if is_skip(said.text, said.understanding):
        return Answered(draft.evolve(location_type=None), skipped=True)
    clean = without_markup(said.text)
    place = place_in(clean)
    kind = said.understanding.entities.location_type
    if place is not None:
        if kind in (None, Location.ANDERS) and office_or_other(place) == Location.BALIE:
            kind = Location.BALIE
        return Answered(draft.evolve(location_type=kind or Location.ANDERS, location_text=place))
    if kind and has_words(clean) and normalise(clean) not in BARE_YES:
        return Answered(draft.evolve(location_type=kind, location_text=clean))
    fallback = draft.evolve(location_type=Location.ANDERS if has_words(clean) else None, location_text=clean or None)
    return Unclear(fallback, words=clean)


STEP = Step(StepName.WHERE, expects="location", handle=take_where,
            choices=tuple(Choice(str(place), str(place), group="location") for place in Location),
            text_keys=("ask_where_other",))
