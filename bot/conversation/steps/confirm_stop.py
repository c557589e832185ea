"""'Weet je zeker dat je wilt stoppen?': stop (nothing filed) or carry on with the same question."""

from __future__ import annotations

from bot.conversation.steps.base import CarryOn, Choice, Outcome, Reask, Said, Step, Stopped
from bot.domain.vocabulary import StepName

YES, NO = "stop_yes", "stop_no"


def stop_or_carry_on(said: Said) -> Outcome:
    key = said.picked()
    if key is None:
        key = {"yes": YES, "no": NO}.get(said.understanding.intent or "")
    if key == YES:
        return Stopped()
    if key == NO:
        return CarryOn()
    return Reask()


STEP = Step(StepName.CONFIRM_STOP, expects="yes_no", handle=stop_or_carry_on,
            choices=(Choice(YES, YES), Choice(NO, NO)), text_keys=("stopped", "stop_cancelled"))
