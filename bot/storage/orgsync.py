"""Copy the organisation file into the database: teams, employees and their known channel identities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.domain.model import Organisation
from bot.storage.orm import EmployeeRow, TeamRow
from bot.storage.repositories import SqlIdentities

_SYNC_LOCK = 7305_0002  # pg_advisory_xact_lock key: one process at a time copies the organisation


def sync_organisation(session: Session, org: Organisation, now: datetime) -> None:
    """Upsert teams and employees; register Teams (aadObjectId) and Telegram ids given in the file.

    Several workers start at once on an empty database: on PostgreSQL they take turns (a lock held until
    the caller commits), so no two of them insert the same team.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SYNC_LOCK})
    for team in org.teams:
        session.merge(TeamRow(id=team.id, name=team.name, manager_id=team.manager_id))
    for emp in org.employees:
        session.merge(EmployeeRow(id=emp.id, name=emp.name, team_id=emp.team_id, roles=",".join(emp.roles),
                                  email=emp.email))
    session.flush()
    identities = SqlIdentities(session)
    for emp in org.employees:
        if emp.aad_object_id and identities.find("teams", emp.aad_object_id) != emp.id:
            identities.link("teams", emp.aad_object_id, emp.id, now)
        if emp.telegram_user_id and identities.find("telegram", emp.telegram_user_id) != emp.id:
            identities.link("telegram", emp.telegram_user_id, emp.id, now)
