"""Immutable results of Dutch understanding; pure data, no model code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

INTENTS = (
    "describe",  # a report / description of an incident
    "yes",
    "no",
    "dont_know",  # "weet ik niet", "sla over"
    "stop",
    "help",
    "back",
    "my_reports",
    "question",  # question about the norm or the procedure
    "greeting",
    "thanks",
    "other",
)

PRIMARY_FORMS = ("verbaal", "bedreiging", "fysiek")

FINE_FORMS = (
    "schelden_beledigen",
    "vernederen",
    "intimidatie",
    "dreigen_nadelige_gevolgen",
    "bedreigen",
    "doodsbedreiging",
    "lichamelijk_geweld",
    "vasthouden_insluiten",
    "gooien_voorwerpen",
    "vernieling",
    "seksueel",
    "discriminatie",
    "chantage",
    "stalking",
    "online_doxing",
    "dreigen_zelfdoding",
)

ABCD = ("A", "B", "C", "D")

LOCATION_TYPES = ("balie", "telefoon", "veldbezoek", "online", "openbare_ruimte", "anders")

SEVERITIES = ("laag", "middel", "hoog")


@dataclass(frozen=True, slots=True)
class UnderstandContext:
    """What the dialogue expects right now, and the reference time for relative dates."""

    now: datetime  # timezone-aware
    expecting: str | None = None  # e.g. "description", "when", "location", "yes_no", "choice"


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """A resolved time phrase: an interval with the words it came from."""

    text: str
    start: datetime
    end: datetime
    confidence: float


@dataclass(frozen=True, slots=True)
class Entities:
    """Facts taken from the text; None means 'not mentioned'."""

    when: TimeSpan | None = None
    location_type: str | None = None  # one of LOCATION_TYPES
    location_text: str | None = None
    injury: bool | None = None
    injury_text: str | None = None
    damage: bool | None = None
    damage_text: str | None = None
    weapon: str | None = None
    witnesses: bool | None = None
    witnesses_text: str | None = None
    quotes: tuple[str, ...] = ()
    perpetrator: tuple[str, ...] = ()
    suicide_threat: bool = False
    doxing: bool = False


@dataclass(frozen=True, slots=True)
class Understanding:
    """Everything the dialogue and the report need from one text."""

    intent: str
    intent_confidence: float = 1.0
    forms: tuple[str, ...] = ()  # top-level labels from PRIMARY_FORMS plus fine labels from FINE_FORMS
    primary_form: str | None = None  # one of PRIMARY_FORMS, None when no incident is described
    abcd: str | None = None
    abcd_probs: dict[str, float] = field(default_factory=dict)
    severe: bool = False
    severity: str = "laag"
    entities: Entities = field(default_factory=Entities)
    explanation: str = ""
    confidence: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO 8601 times) as printed by `meldbot classify`."""
        ent = self.entities
        when = None
        if ent.when is not None:
            when = {
                "text": ent.when.text,
                "start": ent.when.start.isoformat(),
                "end": ent.when.end.isoformat(),
                "confidence": round(ent.when.confidence, 3),
            }
        return {
            "intent": self.intent,
            "intent_confidence": round(self.intent_confidence, 3),
            "primary_form": self.primary_form,
            "forms": list(self.forms),
            "abcd": self.abcd,
            "abcd_probs": {k: round(v, 3) for k, v in self.abcd_probs.items()},
            "severe": self.severe,
            "severity": self.severity,
            "entities": {
                "when": when,
                "location_type": ent.location_type,
                "location_text": ent.location_text,
                "injury": ent.injury,
                "injury_text": ent.injury_text,
                "damage": ent.damage,
                "damage_text": ent.damage_text,
                "weapon": ent.weapon,
                "witnesses": ent.witnesses,
                "witnesses_text": ent.witnesses_text,
                "quotes": list(ent.quotes),
                "perpetrator": list(ent.perpetrator),
                "suicide_threat": ent.suicide_threat,
                "doxing": ent.doxing,
            },
            "explanation": self.explanation,
            "confidence": round(self.confidence, 3),
        }
