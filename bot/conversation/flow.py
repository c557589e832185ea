"""The reporting dialogue's public names, in one place: the engine, its turn types and the steps (see flow.md).

The steps live in `steps/` (one module each), the engine in `engine.py`; this module keeps the names that
channels, actions and the service import.
"""

from __future__ import annotations

from bot.conversation.answers import match_choice, match_numbers, normalise
from bot.conversation.draft import ReportDraft
from bot.conversation.engine import Engine
from bot.conversation.evidence import accepts_evidence, evidence_of
from bot.conversation.opening import moved_here
from bot.conversation.reading import for_someone_else, is_skip
from bot.conversation.report import build_report, harm_text, summary, where_text
from bot.conversation.state import IDLE, ConversationState
from bot.conversation.steps.base import TOGGLE_CHANNELS
from bot.conversation.steps.edit_field import FIELDS as EDIT_FIELDS
from bot.conversation.steps.registry import REGISTRY, SLOTS, next_step
from bot.conversation.transcript import TRANSCRIPT_LIMIT, with_transcript
from bot.conversation.turns import AddEvidence, Effect, FileReport, Turn, TurnContext, first_name
from bot.domain.vocabulary import Abcd, Location, StepName, Wish

# Steps of the flow, by their old names.
DESCRIBE = StepName.DESCRIBE
DESCRIBE_MORE = StepName.DESCRIBE_MORE
WHEN = StepName.WHEN
WHERE = StepName.WHERE
INJURY = StepName.INJURY
WITNESSES = StepName.WITNESSES
WITNESSES_WHO = StepName.WITNESSES_WHO
FEELING = StepName.FEELING
WANTS = StepName.WANTS
CLASSIFICATION = StepName.CLASSIFICATION
ABCD_STEP = StepName.ABCD
CONFIRM = StepName.CONFIRM
EDIT_FIELD = StepName.EDIT_FIELD
CONFIRM_STOP = StepName.CONFIRM_STOP
VICTIM = StepName.VICTIM
TELL_VICTIM = StepName.TELL_VICTIM

LOCATION_KEYS = tuple(str(place) for place in Location)
WANT_KEYS = tuple(str(wish) for wish in Wish)
ABCD_KEYS = tuple(str(letter) for letter in Abcd)
MULTI_STEPS = frozenset(name for name, step in REGISTRY.items() if step.several)
# What the understanding should listen for at each step.
EXPECTING: dict[str, str | None] = {name: step.expects for name, step in REGISTRY.items()}


def expecting(state: ConversationState) -> str | None:
    """What the understanding should listen for in the next message."""
    return EXPECTING.get(state.step)


__all__ = [
    "ABCD_KEYS", "ABCD_STEP", "CLASSIFICATION", "CONFIRM", "CONFIRM_STOP", "DESCRIBE", "DESCRIBE_MORE",
    "EDIT_FIELD", "EDIT_FIELDS", "EXPECTING", "FEELING", "IDLE", "INJURY", "LOCATION_KEYS", "MULTI_STEPS", "SLOTS",
    "TELL_VICTIM", "TOGGLE_CHANNELS", "TRANSCRIPT_LIMIT", "VICTIM", "WANTS", "WANT_KEYS", "WHEN", "WHERE",
    "WITNESSES", "WITNESSES_WHO", "AddEvidence", "ConversationState", "Effect", "Engine", "FileReport",
    "ReportDraft", "Turn", "TurnContext", "accepts_evidence", "build_report", "evidence_of", "expecting",
    "first_name", "for_someone_else", "harm_text", "is_skip", "match_choice", "match_numbers", "moved_here",
    "next_step", "normalise", "summary", "where_text", "with_transcript",
]
