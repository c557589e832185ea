"""'Wie is het overkomen?': only for someone else, when not named or not found in the organisation file."""

from __future__ import annotations

from bot.conversation.answers import has_words, name_candidates, normalise, victim_in_answer, without_markup
from bot.conversation.messages import Reply
from bot.conversation.reading import BARE_YES, is_skip
from bot.conversation.state import ConversationState
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step, Unclear
from bot.conversation.turns import TurnContext
from bot.domain.vocabulary import StepName


def take_victim(said: Said) -> Outcome:
    """A colleague from the organisation file, else the words as they are (asked once)."""
    if said.picked() == "dont_know" or is_skip(said.text, u := said.understanding):
        return Answered(said.draft, skipped=True)  # a name said before stays, as words
    clean = without_markup(said.text)
    if not has_words(clean) or normalise(clean) in BARE_YES or u.intent in ("yes", "no"):
        return Unclear(said.draft, words=clean)
    name = victim_in_answer(clean)
    colleague = next((c for c in map(said.ctx.colleague, name_candidates(name)) if c is not None), None)
    found = (colleague.id, colleague.name) if colleague is not None else (None, name)
    draft = said.draft
    if found[0] != draft.victim_id:  # someone else now: nobody is told without asking about them
        draft = draft.evolve(victim_told=False)
    return Answered(draft.evolve(victim_id=found[0], victim_name=found[1]))


def ask_victim(state: ConversationState, ctx: TurnContext, choices: tuple[str, ...],
               pid: str | None) -> list[Reply] | None:
    name = state.draft.victim_name
    if state.editing or not name:  # from the summary: the plain question
        return None
    return [Reply(ctx.texts("ask_victim_unknown", name=name), choices, pid)]


STEP = Step(StepName.VICTIM, expects="witnesses", handle=take_victim, choices=(Choice("dont_know", "dont_know"),),
            words_question=ask_victim, text_keys=("ask_victim_unknown",))
