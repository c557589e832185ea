"""The words the conversation and the domain share: steps, locations, wishes, moods, forms and statuses."""

from __future__ import annotations

from enum import StrEnum


class StepName(StrEnum):
    """A step of the reporting conversation (one module each under bot/conversation/steps)."""

    IDLE = "idle"
    DESCRIBE = "describe"
    DESCRIBE_MORE = "describe_more"
    VICTIM = "victim"
    WHEN = "when"
    WHERE = "where"
    HARM_AND_WITNESSES = "harm_and_witnesses"
    INJURY = "injury"
    WITNESSES = "witnesses"
    WITNESSES_WHO = "witnesses_who"
    FEELING = "feeling"
    WANTS = "wants"
    TELL_VICTIM = "tell_victim"
    CLASSIFICATION = "classification"
    ABCD = "abcd"
    CONFIRM = "confirm"
    EDIT_FIELD = "edit_field"
    CONFIRM_STOP = "confirm_stop"


class Location(StrEnum):
    """Where it happened, as the reporter picks it."""

    BALIE = "balie"
    TELEFOON = "telefoon"
    VELDBEZOEK = "veldbezoek"
    ONLINE = "online"
    OPENBARE_RUIMTE = "openbare_ruimte"
    ANDERS = "anders"


class Wish(StrEnum):
    """What the reporter wants now ('Wat wil je nu?')."""

    MANAGER_CONTACT = "manager_contact"
    AANGIFTE_HELP = "aangifte_help"
    AFTERCARE = "aftercare"


class Mood(StrEnum):
    """How the reporter feels, as offered (each is a choice key in the texts)."""

    GOOD = "feeling_good"
    OK = "feeling_ok"
    BAD = "feeling_bad"


class Form(StrEnum):
    """The main form of the behaviour."""

    VERBAAL = "verbaal"
    BEDREIGING = "bedreiging"
    FYSIEK = "fysiek"


class Abcd(StrEnum):
    """The ABCD model of behaviour."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Status(StrEnum):
    """Where a filed report is in its handling."""

    INGEDIEND = "ingediend"
    IN_BEHANDELING = "in_behandeling"
    AFGEROND = "afgerond"
