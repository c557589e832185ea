"""'Wat wil je aanpassen?': one question, then back to the summary."""

from __future__ import annotations

from bot.conversation.steps.base import Choice, GoTo, Outcome, Reask, Said, Step
from bot.domain.vocabulary import StepName

DESCRIPTION = "description"
FIELDS = (DESCRIPTION, StepName.WHEN, StepName.WHERE, StepName.INJURY, StepName.WITNESSES, StepName.FEELING,
          StepName.WANTS, StepName.CLASSIFICATION)


def pick_field(said: Said) -> Outcome:
    key = said.picked()
    if key is None:
        return Reask() if not said.state.reasked else GoTo(StepName.CONFIRM, editing=False)
    return GoTo(StepName.DESCRIBE if key == DESCRIPTION else StepName(key), editing=True)


STEP = Step(StepName.EDIT_FIELD, expects="choice", handle=pick_field,
            choices=tuple(Choice(str(f), str(f), group="edit_fields") for f in FIELDS))
