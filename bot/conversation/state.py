"""Conversation state: plain data, serialised to JSON and committed every turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.conversation.draft import ReportDraft
from bot.conversation.frozen import Copier
from bot.domain.vocabulary import StepName

IDLE = StepName.IDLE
# Channels where the user id is the employee id. They share one conversation per employee, so that a report
# started in the browser goes on in the terminal and the other way round. The shared conversation is kept
# under the first channel's key, where it was kept before the terminal joined it (existing rows keep working).
DIRECT_CHANNELS = ("web", "terminal")


def conversation_key(channel: str, user: str) -> tuple[str, str]:
    """Where a user's conversation is kept: one per employee on the direct channels, else one per chat account."""
    return (DIRECT_CHANNELS[0], user) if channel in DIRECT_CHANNELS else (channel, user)


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Where one user is in the flow, and the report draft built so far."""

    step: str = IDLE
    draft: ReportDraft = field(default_factory=ReportDraft)
    history: tuple[str, ...] = ()  # steps answered before, for 'terug'
    reasked: bool = False  # the current question was re-asked once already
    return_step: str | None = None  # where 'stop → nee' or an edit goes back to
    editing: bool = False  # answering one question from the summary's 'iets aanpassen'
    prompt_seq: int = 0
    questions: int = 0  # distinct bot questions asked for the current report
    last_activity: datetime | None = None
    channel: str | None = None  # where the last turn came from; a report goes on where the reporter is now
    evidence_for: str | None = None  # a filed report of one's own that the next files are added to
    # What was said in this conversation (for a web page reloaded mid-report): {"who", "text", ...} entries.
    transcript: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.draft, ReportDraft):  # a draft in its old, loose form (a dict)
            object.__setattr__(self, "draft", ReportDraft.from_json(self.draft))

    @property
    def prompt_id(self) -> str:
        return f"p{self.prompt_seq}"

    @property
    def in_report(self) -> bool:
        return self.step != IDLE

    def evolve(self, **changes: Any) -> ConversationState:
        new = _copy(self, changes)
        new.__post_init__()  # a draft given in its old, loose form
        return new

    def to_json(self) -> dict[str, Any]:
        return {
            "step": str(self.step),
            "draft": self.draft.to_json(),
            "history": list(self.history),
            "reasked": self.reasked,
            "return_step": self.return_step,
            "editing": self.editing,
            "prompt_seq": self.prompt_seq,
            "questions": self.questions,
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "channel": self.channel,
            "evidence_for": self.evidence_for,
            "transcript": list(self.transcript),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        if not data:
            return cls()
        last = data.get("last_activity")
        return cls(
            step=data.get("step", IDLE),
            draft=ReportDraft.from_json(data.get("draft")),
            history=tuple(data.get("history") or ()),
            reasked=bool(data.get("reasked", False)),
            return_step=data.get("return_step"),
            editing=bool(data.get("editing", False)),
            prompt_seq=int(data.get("prompt_seq", 0)),
            questions=int(data.get("questions", 0)),
            last_activity=datetime.fromisoformat(last) if last else None,
            channel=data.get("channel"),
            evidence_for=data.get("evidence_for"),
            transcript=tuple(dict(e) for e in data.get("transcript") or ()),
        )


_copy = Copier(ConversationState)
