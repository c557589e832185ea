"""'Klopt het dat het … was?': confirm or correct the proposed form; the plain question when unsure."""

from __future__ import annotations

from bot.conversation.draft import ReportDraft
from bot.conversation.messages import Reply
from bot.conversation.reading import classification_options, form_from_words, form_unsure, with_primary_form
from bot.conversation.report import explanation
from bot.conversation.state import ConversationState
from bot.conversation.steps.base import Answered, Choice, Outcome, Reask, Said, Step
from bot.conversation.texts import Texts
from bot.conversation.turns import TurnContext
from bot.domain.vocabulary import StepName
from nlu.result import PRIMARY_FORMS

OK = "ok"


def options(draft: ReportDraft, t: Texts) -> tuple[Choice, ...]:
    """'Klopt' and the other forms; or, when no label can be proposed, the plain forms."""
    keys = [key for key, _label in classification_options(draft, t)]
    if form_unsure(draft):
        return tuple(Choice(f, f"plain_{f}") for f in keys)
    return tuple(Choice(OK, "classification_ok") if k == OK else Choice(k, k, group="forms_short") for k in keys)


def take_form(said: Said) -> Outcome:
    draft = said.draft
    key = said.picked()
    if key is None and said.options()[0].key == OK and said.understanding.intent == "yes":
        key = OK
    if key is None:
        picked: str | None = form_from_words(said.text)
        if picked is None:
            return Reask() if not said.state.reasked else Answered(draft, said=("accepted_free_text",))
    else:
        picked = None if key == OK else key
    unsure = form_unsure(draft)
    current = draft.primary_form
    draft = draft.evolve(form_unsure=False)
    corrected: tuple[str, ...] = ()
    if picked is not None and (picked != current or unsure):
        draft = with_primary_form(draft, picked)
        corrected = () if unsure else ("corrected",)
    # From the summary: also let the reporter choose the ABCD description.
    return Answered(draft, said=corrected, then=StepName.ABCD if said.state.editing else None)


def ask_form(state: ConversationState, ctx: TurnContext, choices: tuple[str, ...],
             pid: str | None) -> list[Reply] | None:
    if form_unsure(state.draft):
        return None  # the plain question: 'Wat gebeurde er vooral?'
    return [Reply(ctx.texts("ask_classification", explanation=explanation(state.draft, ctx.texts)), choices, pid)]


STEP = Step(StepName.CLASSIFICATION, expects="choice", handle=take_form, dynamic_choices=options,
            words_question=ask_form,
            text_keys=("ask_classification_unknown", "reask_classification_unknown", "accepted_free_text",
                       "corrected", "explain_form", "explain_form_no_abcd"))
# Every label the question can offer, for the check that the texts file has them all.
ALL_CHOICES = (Choice(OK, "classification_ok"), *(Choice(f, f"plain_{f}") for f in PRIMARY_FORMS),
               *(Choice(f, f, group="forms_short") for f in PRIMARY_FORMS))
