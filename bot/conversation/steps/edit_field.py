"""'Wat wil je aanpassen?': one question, then back to the summary."""

from __future__ import annotations

from bot.conversation.draft import ReportDraft
from bot.conversation.reading import for_someone_else
from bot.conversation.steps.base import Choice, GoTo, Outcome, Reask, Said, Step
from bot.conversation.texts import Texts
from bot.domain.vocabulary import StepName

DESCRIPTION = "description"
FIELDS = (DESCRIPTION, StepName.WHEN, StepName.WHERE, StepName.INJURY, StepName.WITNESSES, StepName.FEELING,
          StepName.WANTS, StepName.CLASSIFICATION)


def pick_field(said: Said) -> Outcome:
    key = said.picked()
    if key is None:
        return Reask() if not said.state.reasked else GoTo(StepName.CONFIRM, editing=False)
    return GoTo(StepName.DESCRIBE if key == DESCRIPTION else StepName(key), editing=True)


CHOICES = tuple(Choice(str(f), str(f), group="edit_fields") for f in FIELDS)
# Who it happened to, after the story, when the report is for a colleague or by a witness.
WITH_VICTIM = (CHOICES[0], Choice(str(StepName.VICTIM), str(StepName.VICTIM), group="edit_fields"), *CHOICES[1:])


def fields_for(draft: ReportDraft, _t: Texts) -> tuple[Choice, ...]:
    return WITH_VICTIM if for_someone_else(draft) else CHOICES


STEP = Step(StepName.EDIT_FIELD, expects="choice", handle=pick_field, choices=CHOICES, dynamic_choices=fields_for)
