"""'Wat wil je nu?': several wishes at once ('1 en 3'), toggles with 'Klaar' on the web."""

from __future__ import annotations

from bot.conversation.answers import normalise, without_markup
from bot.conversation.reading import is_skip, wants_from_words
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step, Unclear
from bot.domain.vocabulary import StepName, Wish

NOTHING_WORDS = {"niets", "niks", "nee", "geen", "niets extra", "hoeft niet", "nee hoor", "niks extra"}
NOTHING = "nothing"


def take_wants(said: Said) -> Outcome:
    draft = said.draft
    keys = said.picked_several()
    if keys is None:
        key = said.picked()
        keys = [key] if key is not None else None
    if keys is not None:
        return Answered(draft.evolve(wants=[Wish(k) for k in keys if k in set(Wish)]))
    u = said.understanding
    if is_skip(said.text, u):
        return Answered(draft.evolve(wants=()), skipped=True)
    found = wants_from_words(said.text)
    if found:
        return Answered(draft.evolve(wants=found))
    if normalise(said.text) in NOTHING_WORDS or u.intent == "no":
        return Answered(draft.evolve(wants=()))
    clean = without_markup(said.text)
    return Unclear(draft.evolve(wants=(), wants_text=clean or None), words=clean)


STEP = Step(StepName.WANTS, expects="wants", handle=take_wants, several=True,
            choices=(Choice(Wish.MANAGER_CONTACT, "wants_manager"), Choice(Wish.AANGIFTE_HELP, "wants_aangifte"),
                     Choice(Wish.AFTERCARE, "wants_aftercare"), Choice(NOTHING, "wants_nothing")),
            text_keys=("ask_wants_toggle", "reask_wants_toggle"))
