"""What one turn may consult (its context) and what it returns: the new state, the replies and the effects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.domain.model import Employee, Evidence, Report, ReportSummary
from nlu.result import UnderstandContext, Understanding


@dataclass(frozen=True, slots=True)
class FileReport:
    """Effect: store this report (its reference is already allocated)."""

    report: Report


@dataclass(frozen=True, slots=True)
class AddEvidence:
    """Effect: add these files to a filed report of the reporter's own ('bewijs toevoegen aan MLD-…')."""

    reference: str
    evidence: tuple[Evidence, ...]


Effect = FileReport | AddEvidence


@dataclass(frozen=True, slots=True)
class TurnContext:
    """What the engine may consult during one turn; every callable is a port."""

    reporter: Employee
    now: datetime
    texts: Texts
    tz: tzinfo
    understand: Callable[[str, UnderstandContext], Understanding]
    next_reference: Callable[[], str]
    own_reports: Callable[[], Sequence[ReportSummary]]
    channel: str = ""
    resume_after: timedelta = timedelta(minutes=30)
    # A colleague of the reporter by name ('Noor', 'Noor Bakker'), from the organisation file; None if not one.
    colleague: Callable[[str], Employee | None] = lambda _name: None


@dataclass(frozen=True, slots=True)
class Turn:
    """The result of one turn: the new state, what to say, and what to do."""

    state: ConversationState
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = field(default=())


def first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name
