"""The registry of the steps of the reporting conversation (see flow.md)."""

from __future__ import annotations

from bot.conversation.draft import ReportDraft
from bot.conversation.reading import for_someone_else
from bot.conversation.steps import (
    abcd,
    classification,
    confirm,
    confirm_stop,
    describe,
    describe_more,
    edit_field,
    feeling,
    harm_and_witnesses,
    idle,
    injury,
    tell_victim,
    victim,
    wants,
    when,
    where,
    witnesses,
    witnesses_who,
)
from bot.conversation.steps.base import Step
from bot.domain.vocabulary import StepName

REGISTRY: dict[StepName, Step] = {
    module.STEP.name: module.STEP
    for module in (idle, describe, describe_more, victim, when, where, harm_and_witnesses, injury, witnesses,
                   witnesses_who, feeling,
                   wants, tell_victim, classification, abcd, confirm, edit_field, confirm_stop)
}
# The questions the description may leave open, in the order they are asked.
SLOTS = (StepName.VICTIM, StepName.WHEN, StepName.WHERE, StepName.HARM_AND_WITNESSES, StepName.INJURY,
         StepName.WITNESSES,
         StepName.WITNESSES_WHO, StepName.FEELING, StepName.WANTS, StepName.TELL_VICTIM)


def next_step(draft: ReportDraft) -> StepName:
    """The first question the draft still needs answered, then the classification, then the summary."""
    for slot in SLOTS:
        if slot == StepName.HARM_AND_WITNESSES and (draft.is_answered(StepName.INJURY)
                                                    or draft.is_answered(StepName.WITNESSES)):
            continue  # one question for both only when the story told neither
        if slot == StepName.WITNESSES_WHO and draft.witnesses != "ja":
            continue  # only when there were witnesses and nobody said who
        if slot in (StepName.VICTIM, StepName.TELL_VICTIM) and not for_someone_else(draft):
            continue  # it happened to the reporter
        if slot == StepName.TELL_VICTIM and not draft.victim_id:
            continue  # only a colleague from the organisation file can be told
        if not draft.is_answered(slot):
            return slot
    return StepName.CLASSIFICATION if not draft.is_answered(StepName.CLASSIFICATION) else StepName.CONFIRM


def step(name: str) -> Step:
    return REGISTRY[StepName(name)]
