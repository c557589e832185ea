"""Follow-up vocabularies: what a manager can record, the clocks each action stops, and the prompt ids of buttons."""

from __future__ import annotations

from bot.ports import (
    ANSWERED,
    ASKED,
    EXPIRED,
    SCHEDULED,
    STOPPED,
    ActionRecord,
    CheckIn,
    ClockState,
    FollowUpStore,
)

__all__ = ["ANSWERED", "ASKED", "EXPIRED", "SCHEDULED", "STOPPED", "ActionRecord", "CheckIn", "ClockState",
           "FollowUpStore"]

# The answer a check-in is waiting for.
STEP_MOOD, STEP_STRESS, STEP_CONSENT = "mood", "stress", "consent"
MOODS = ("goed", "wisselend", "niet_goed")

# What a manager (or the coordinator) records on a report. Contact with the employee (spoke) and the
# reaction to the citizen (reaction, measure) are different acts with different clocks.
SPOKE, SUPPORT, REACTION, MEASURE = "spoke", "support", "reaction", "measure"
AANGIFTE, NO_AANGIFTE, AFTERCARE, MESSAGE, NOTE, DONE = (
    "aangifte", "no_aangifte", "aftercare", "message", "note", "done",
)
CONTACT = "contact"  # the old, ambiguous "contact opgenomen": kept only to read older records

# The chat buttons, in this order: each is an action with its typed details.
CHAT_BUTTONS: tuple[tuple[str, str, dict[str, str] | None], ...] = (
    ("spoke", SPOKE, None),
    ("citizen_called", REACTION, {"how": "telefoon"}),
    ("support", SUPPORT, None),
    ("aangifte", AANGIFTE, None),
    ("no_aangifte", NO_AANGIFTE, None),
    ("done", DONE, None),
)
# The buttons of messages sent before the actions were split, by position (their meaning stays what they said).
LEGACY_BUTTONS = (SPOKE, CONTACT, REACTION, AANGIFTE, NO_AANGIFTE, DONE)
# The back-office form offers every kind of action (the same records as the chat buttons).
BACKOFFICE_ACTIONS = (SPOKE, SUPPORT, REACTION, MEASURE, AANGIFTE, NO_AANGIFTE, AFTERCARE, MESSAGE, DONE)
ACTION_STOPS: dict[str, tuple[str, ...]] = {
    SPOKE: ("contact_today",),
    SUPPORT: ("contact_today", "support_72h"),  # a support talk is contact with the employee too
    REACTION: ("perpetrator_48h",),  # a phone call, a letter or an incident talk with the citizen
    MEASURE: ("perpetrator_48h",),  # a warning, a ban, written-only contact: each is a reaction to the perpetrator
    AANGIFTE: ("aangifte_2wd",),
    NO_AANGIFTE: ("aangifte_2wd",),
    AFTERCARE: ("referral_2wd",),
    MESSAGE: (),
    NOTE: (),
    CONTACT: (),
    DONE: ("contact_today", "support_72h", "perpetrator_48h", "aangifte_2wd", "referral_2wd"),
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
MANAGER_PROMPT = "m:"  # m:<reference>, the manager's action buttons
LEGACY_MANAGER_PROMPT = "a:"  # a:<reference>, buttons of messages sent before the actions were split
CHECKIN_PROMPT = "c:"  # c:<check-in id>
STRESS_PROMPT = "s:"  # s:<check-in id>
CONSENT_PROMPT = "k:"  # k:<check-in id>
REFERRAL_PROMPT = "r:"  # r:<reference>, the reporter's consent to a referral to the aftercare contact
FOLLOWUP_PROMPTS = (MANAGER_PROMPT, LEGACY_MANAGER_PROMPT, CHECKIN_PROMPT, STRESS_PROMPT, CONSENT_PROMPT,
                    REFERRAL_PROMPT)


def is_followup_prompt(prompt_id: str | None) -> bool:
    return prompt_id is not None and prompt_id.startswith(FOLLOWUP_PROMPTS)
