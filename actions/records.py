"""Follow-up records (clocks, manager actions, check-ins) and the port that stores them in a turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.ports import UnitOfWork

# Check-in statuses and the answer a check-in is waiting for.
SCHEDULED, ASKED, ANSWERED, STOPPED, EXPIRED = "scheduled", "asked", "answered", "stopped", "expired"
STEP_MOOD, STEP_STRESS, STEP_CONSENT = "mood", "stress", "consent"
MOODS = ("goed", "wisselend", "niet_goed")

# What a manager (or the coordinator) records on a report, and the clocks each action stops.
SPOKE, CONTACT, REACTION, AANGIFTE, NO_AANGIFTE, DONE, NOTE = (
    "spoke", "contact", "reaction", "aangifte", "no_aangifte", "done", "note",
)
MEASURE, AFTERCARE, MESSAGE = "measure", "aftercare", "message"
ACTIONS = (SPOKE, CONTACT, REACTION, AANGIFTE, NO_AANGIFTE, DONE)  # the chat buttons, in this order
# The back-office form offers every kind of action (the same records as the chat buttons).
BACKOFFICE_ACTIONS = (SPOKE, REACTION, MEASURE, AANGIFTE, NO_AANGIFTE, AFTERCARE, MESSAGE, DONE)
ACTION_STOPS: dict[str, tuple[str, ...]] = {
    SPOKE: ("contact_today", "support_72h"),
    CONTACT: (),
    REACTION: ("perpetrator_48h",),
    MEASURE: ("perpetrator_48h",),  # a warning, a ban, written-only contact: each is a reaction to the perpetrator
    AANGIFTE: ("aangifte_2wd",),
    NO_AANGIFTE: ("aangifte_2wd",),
    AFTERCARE: (),
    MESSAGE: (),
    DONE: ("contact_today", "support_72h", "perpetrator_48h", "aangifte_2wd"),
    NOTE: (),
}
# The typed details some actions carry (key -> allowed values; None means free text).
REACTION_HOW = ("telefoon", "brief", "incidentgesprek")
MEASURES = ("waarschuwing", "rode_kaart", "schriftelijk_contact", "pandverbod", "schade_verhalen",
            "aangifte_werkgever")
AANGIFTE_BY = ("medewerker", "werkgever")
PAID_OFF = ("ja", "nee")
ACTION_DETAILS: dict[str, dict[str, tuple[str, ...] | None]] = {
    REACTION: {"how": REACTION_HOW},
    MEASURE: {"measure": MEASURES},
    AANGIFTE: {"by": AANGIFTE_BY, "police_reference": None},
    AFTERCARE: {"to": None},
    DONE: {"paid_off": PAID_OFF},
}
NOTE_REQUIRED = frozenset({MESSAGE, NOTE})

# Prompt ids of buttons in follow-up messages; the reporting flow's own ids start with "p".
MANAGER_PROMPT = "a:"  # a:<reference>
CHECKIN_PROMPT = "c:"  # c:<check-in id>
STRESS_PROMPT = "s:"  # s:<check-in id>
CONSENT_PROMPT = "k:"  # k:<check-in id>
FOLLOWUP_PROMPTS = (MANAGER_PROMPT, CHECKIN_PROMPT, STRESS_PROMPT, CONSENT_PROMPT)


@dataclass(frozen=True, slots=True)
class ClockState:
    """A deadline of a report as stored."""

    id: int
    reference: str
    kind: str
    owner_id: str
    starts_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    alerts_sent: int = 0
    next_alert_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """Something the manager or coordinator did, as the reporter hears it (`summary`)."""

    reference: str
    actor_id: str
    role: str  # "manager" | "coordinator"
    action: str
    note: str | None
    at: datetime
    summary: str
    details: dict[str, str] | None = None  # typed details (how, measure, by, ...), see ACTION_DETAILS


@dataclass(frozen=True, slots=True)
class CheckIn:
    """An aftercare check-in: scheduled, asked (waiting for `step`), answered or stopped."""

    id: int
    reference: str
    employee_id: str
    seq: int
    due_at: datetime
    stress: bool
    status: str = SCHEDULED
    step: str | None = None
    asked_at: datetime | None = None
    answered_at: datetime | None = None
    mood: str | None = None
    note: str | None = None
    referral_offered: bool = False
    manager_informed: bool | None = None


class FollowUpStore(Protocol):
    """Follow-up rows, read and written inside the turn's transaction."""

    def add_clock(self, reference: str, kind: str, owner_id: str, starts_at: datetime, due_at: datetime,
                  next_alert_at: datetime | None) -> None: ...
    def clocks(self, reference: str) -> Sequence[ClockState]: ...
    def acknowledge(self, reference: str, kinds: Sequence[str], actor_id: str, at: datetime) -> list[str]:
        """Stop these open clocks; returns the kinds that were still open."""

    def add_action(self, action: ActionRecord) -> int: ...
    def actions(self, reference: str) -> Sequence[ActionRecord]: ...
    def add_checkin(self, reference: str, employee_id: str, seq: int, due_at: datetime, stress: bool) -> None: ...
    def checkin(self, checkin_id: int) -> CheckIn | None: ...
    def open_checkin(self, employee_id: str) -> CheckIn | None:
        """The newest asked check-in of this employee that still waits for an answer."""

    def update_checkin(self, checkin_id: int, **changes: Any) -> None: ...
    def stop_checkins(self, employee_id: str, at: datetime) -> int:
        """Stop all scheduled and open check-ins of this employee; returns how many."""

    def add_digest_item(self, manager_id: str, reference: str, digest_at: datetime) -> None: ...


def followup_of(uow: UnitOfWork) -> FollowUpStore | None:
    """The follow-up store of a unit of work, or None where the storage has none (plain fakes)."""
    store: FollowUpStore | None = getattr(uow, "followup", None)
    return store


def is_followup_prompt(prompt_id: str | None) -> bool:
    return prompt_id is not None and prompt_id.startswith(FOLLOWUP_PROMPTS)
