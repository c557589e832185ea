"""Domain objects: people, teams, the organisation and incident reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

REPORT_STATUSES = ("ingediend", "in_behandeling", "afgerond")
WANTS = ("manager_contact", "aangifte_help", "aftercare")


class ReporterRole(StrEnum):
    """How the reporter was involved: it happened to them, they report for a colleague, or they saw it."""

    SELF = "self"
    ON_BEHALF = "on_behalf"
    WITNESS = "witness"


@dataclass(frozen=True, slots=True)
class Employee:
    """A person of the organisation; roles: employee, manager, coordinator."""

    id: str
    name: str
    team_id: str | None
    roles: tuple[str, ...] = ("employee",)
    email: str | None = None
    aad_object_id: str | None = None
    telegram_user_id: str | None = None

    @property
    def is_manager(self) -> bool:
        return "manager" in self.roles

    @property
    def is_coordinator(self) -> bool:
        return "coordinator" in self.roles


@dataclass(frozen=True, slots=True)
class Team:
    """A team with its manager."""

    id: str
    name: str
    manager_id: str | None


@dataclass(frozen=True, slots=True)
class AftercareContact:
    """Someone the reporter can turn to: company social work, confidential adviser, ..."""

    role: str
    name: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Organisation:
    """The organisation as read from the organisation file."""

    name: str
    employer_address: str
    teams: tuple[Team, ...]
    employees: tuple[Employee, ...]
    coordinator_id: str | None
    aftercare_contacts: tuple[AftercareContact, ...] = ()
    # Look-ups by id (every request looks its person up; an organisation has thousands of people).
    _employees_by_id: dict[str, Employee] = field(init=False, repr=False, compare=False)
    _teams_by_id: dict[str, Team] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The first of a duplicated id wins, as a search from the start would find it.
        object.__setattr__(self, "_employees_by_id", {e.id: e for e in reversed(self.employees)})
        object.__setattr__(self, "_teams_by_id", {t.id: t for t in reversed(self.teams)})

    def employee(self, employee_id: str) -> Employee | None:
        return self._employees_by_id.get(employee_id)

    def team(self, team_id: str | None) -> Team | None:
        return self._teams_by_id.get(team_id) if team_id is not None else None

    def employee_named(self, name: str, *, besides: str | None = None) -> Employee | None:
        """The one person with this full name, or else this first name ('Noor'); None when none or several."""
        wanted = " ".join(name.split()).casefold()
        if not wanted:
            return None
        people = [e for e in self.employees if e.id != besides]
        for matches in (
            [e for e in people if " ".join(e.name.split()).casefold() == wanted],
            [e for e in people if e.name.split()[:1] and e.name.split()[0].casefold() == wanted],
        ):
            if matches:
                return matches[0] if len(matches) == 1 else None
        return None

    def manager_of(self, employee_id: str) -> Employee | None:
        emp = self.employee(employee_id)
        team = self.team(emp.team_id) if emp else None
        if team is None or team.manager_id is None:
            return None
        return self.employee(team.manager_id)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A photo, document or location attached to a report."""

    kind: str
    path: str | None = None
    mime_type: str | None = None
    size: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    original_name: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """A filed incident report: the minimum data set plus classification and status."""

    reference: str
    reporter_id: str
    team_id: str | None
    channel: str
    created_at: datetime
    description: str
    primary_form: str | None
    forms: tuple[str, ...]
    abcd: str | None
    severe: bool
    severity: str
    explanation: str = ""
    corrected_by_reporter: bool = False
    occurred_text: str | None = None
    occurred_start: datetime | None = None
    occurred_end: datetime | None = None
    occurred_at: datetime | None = None  # the moment the reporter named ('om 14:00'), inside start–end
    location_type: str | None = None
    location_text: str | None = None
    injury: str | None = None
    damage: str | None = None
    weapon: str | None = None
    witnesses: str | None = None
    perpetrator: str | None = None
    quotes: tuple[str, ...] = ()
    feeling: str | None = None
    wants: tuple[str, ...] = ()
    suicide_threat: bool = False
    doxing: bool = False
    evidence: tuple[Evidence, ...] = ()
    status: str = "ingediend"
    # Who it happened to, when that is not the reporter: a colleague from the organisation file (victim_id)
    # or only words (victim_name); victim_told: the reporter agreed that the colleague hears of it.
    reporter_role: str = ReporterRole.SELF  # a ReporterRole value
    victim_id: str | None = None
    victim_name: str | None = None
    victim_told: bool = False


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What a reporter sees of an own report under 'mijn meldingen'."""

    reference: str
    created_at: datetime
    primary_form: str | None
    status: str
    actions: tuple[str, ...] = field(default=())


def format_reference(year: int, number: int) -> str:
    """The reference a reporter quotes: MLD-2026-00042."""
    return f"MLD-{year:04d}-{number:05d}"


def is_severe(primary_form: str | None, forms: tuple[str, ...] = ()) -> bool:
    """A manager must act now on threats, physical violence, doxing, stalking and suicide threats."""
    if primary_form in ("bedreiging", "fysiek"):
        return True
    return bool({"online_doxing", "stalking", "dreigen_zelfdoding", "doodsbedreiging"} & set(forms))


def severity_for(primary_form: str | None, forms: tuple[str, ...] = (), *, injury: bool = False,
                 weapon: bool = False) -> str:
    """laag / middel / hoog from the form of behaviour and its consequences."""
    if primary_form == "fysiek" or injury or weapon or "doodsbedreiging" in forms:
        return "hoog"
    if is_severe(primary_form, forms):
        return "middel"
    return "laag"
