"""Reading the organisation file (YAML) into the domain's Organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from bot.domain.model import AftercareContact, Employee, Organisation, Team


class _Team(BaseModel):
    id: str
    name: str
    manager: str | None = None


class _Employee(BaseModel):
    id: str
    name: str
    team: str | None = None
    roles: list[str] = Field(default_factory=lambda: ["employee"])
    email: str | None = None
    aad_object_id: str | None = None
    telegram_user_id: str | None = None


class _Contact(BaseModel):
    role: str
    name: str
    phone: str | None = None
    email: str | None = None


class _OrgFile(BaseModel):
    name: str
    employer_address: str
    coordinator: str | None = None
    teams: list[_Team] = Field(default_factory=list)
    employees: list[_Employee] = Field(default_factory=list)
    aftercare: list[_Contact] = Field(default_factory=list)


def parse_organisation(data: dict[str, Any]) -> Organisation:
    """Validate an organisation file's content; unknown team or manager ids are errors."""
    raw = _OrgFile.model_validate(data)
    ids = {e.id for e in raw.employees}
    if len(ids) != len(raw.employees):
        raise ValueError("employee ids in the organisation file must be unique")
    team_ids = {t.id for t in raw.teams}
    for t in raw.teams:
        if t.manager and t.manager not in ids:
            raise ValueError(f"team {t.id}: unknown manager {t.manager}")
    for e in raw.employees:
        if e.team and e.team not in team_ids:
            raise ValueError(f"employee {e.id}: unknown team {e.team}")
    if raw.coordinator and raw.coordinator not in ids:
        raise ValueError(f"unknown coordinator {raw.coordinator}")
    return Organisation(
        name=raw.name,
        employer_address=raw.employer_address,
        teams=tuple(Team(t.id, t.name, t.manager) for t in raw.teams),
        employees=tuple(
            Employee(e.id, e.name, e.team, tuple(e.roles), e.email, e.aad_object_id, e.telegram_user_id)
            for e in raw.employees
        ),
        coordinator_id=raw.coordinator,
        aftercare_contacts=tuple(AftercareContact(c.role, c.name, c.phone, c.email) for c in raw.aftercare),
    )


def load_organisation(path: Path) -> Organisation:
    with path.open(encoding="utf-8") as fh:
        return parse_organisation(yaml.safe_load(fh))
