"""'Waren er getuigen?': who saw it, or 'ja' when nobody was named (then witnesses_who asks)."""

from __future__ import annotations

from bot.conversation.answers import without_markup
from bot.conversation.draft import ReportDraft
from bot.conversation.reading import is_skip, named_witnesses, with_injury_said
from bot.conversation.steps.base import Answered, Choice, Outcome, Said, Step, Unclear
from bot.domain.vocabulary import StepName


def _answered(draft: ReportDraft, witnesses: str | None, *, skipped: bool = False) -> Answered:
    # A new answer about witnesses may need a new 'who'.
    return Answered(draft.evolve(witnesses=witnesses).without_answered(StepName.WITNESSES_WHO), skipped=skipped)


def take_witnesses(said: Said) -> Outcome:
    draft = said.draft
    key = said.picked()
    if key is not None:
        return _answered(draft, {"affirm": "ja", "deny": "nee"}.get(key), skipped=key == "dont_know")
    u = said.understanding
    if is_skip(said.text, u):
        return _answered(draft, None, skipped=True)
    ent = u.entities
    clean = without_markup(said.text)
    if ent.witnesses is not None:
        draft = with_injury_said(draft, u, clean)  # 'niet gewond, collega Ahmed stond ernaast'
        return _answered(draft, named_witnesses(ent.witnesses_text or clean) if ent.witnesses else "nee")
    if u.intent in ("yes", "no"):
        return _answered(draft, "ja" if u.intent == "yes" else "nee")
    return Unclear(draft.evolve(witnesses=clean or None), words=clean)


STEP = Step(StepName.WITNESSES, expects="witnesses", handle=take_witnesses,
            choices=(Choice("affirm", "affirm"), Choice("deny", "deny"), Choice("dont_know", "dont_know")))
