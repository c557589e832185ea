"""'Wil je nog iets toevoegen?': more of the story (bursts are joined) until 'Nee, verder'."""

from __future__ import annotations

from bot.conversation.answers import normalise
from bot.conversation.reading import apply_understanding, join_description, understand_description, with_victim
from bot.conversation.steps.base import Advance, Choice, Outcome, Said, Stay, Step
from bot.domain.vocabulary import StepName

DONE_WORDS = {"nee", "nee verder", "verder", "klaar", "dat was het", "dat is alles", "niks", "niets", "nee hoor",
              "nope", "ok", "oke", "okay", "door", "ga door", "nee dank je", "nee bedankt"}


def add_to_story(said: Said) -> Outcome:
    norm = normalise(said.text)
    done = said.picked() == "done" or norm in DONE_WORDS
    if done or (len(norm) < 25 and said.understanding.intent in ("no", "dont_know")):
        return Advance()
    description = join_description(said.draft.description, said.text)
    draft = apply_understanding(said.draft.evolve(description=description),
                                understand_description(description, said.ctx))
    return Stay(with_victim(draft, description, said.ctx), "added_more")


STEP = Step(StepName.DESCRIBE_MORE, expects="description", handle=add_to_story, question="ask_more",
            choices=(Choice("done", "choice_more_done", in_texts=True),), text_keys=("added_more",))
