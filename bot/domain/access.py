"""Who may do what: the one access policy for every route, command and chat action (pure, table-tested)."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.model import Employee, Organisation, Report


class Role(StrEnum):
    """Roles a person holds in the organisation file."""

    EMPLOYEE = "employee"
    MANAGER = "manager"
    COORDINATOR = "coordinator"


class Relation(StrEnum):
    """How a person stands to one report."""

    REPORTER = "reporter"
    MANAGER = "manager"
    COORDINATOR = "coordinator"
    NONE = "none"


class Permission(StrEnum):
    """Things a person can do; report-bound ones need a report to be judged."""

    REPORT = "report"  # chat and file a report as oneself
    READ = "read"  # the whole report: description, details, timeline
    ADD = "add"  # add information or evidence to a report
    AANGIFTE = "aangifte"  # the draft police statement
    EVIDENCE = "evidence"  # download a photo or document
    ACT = "act"  # a manager's or coordinator's follow-up action
    MESSAGE = "message"  # a message to the reporter
    BACKOFFICE = "backoffice"  # the back-office pages
    FIGURES = "figures"  # steering figures
    EXPORT = "export"  # export of all reports, with everything in them
    TEAM_EXPORT = "team_export"  # the minimum data set without names, of the teams one may see


REPORT_BOUND = frozenset({Permission.READ, Permission.ADD, Permission.AANGIFTE, Permission.EVIDENCE,
                          Permission.ACT, Permission.MESSAGE})

# Report-bound permissions by relation. The reporter reads and adds to the own report and gets the own
# aangifte draft; the team's manager and the coordinator also act and message the reporter.
_BY_RELATION: dict[Relation, frozenset[Permission]] = {
    Relation.REPORTER: frozenset({Permission.READ, Permission.ADD, Permission.AANGIFTE, Permission.EVIDENCE}),
    Relation.MANAGER: frozenset({Permission.READ, Permission.AANGIFTE, Permission.EVIDENCE, Permission.ACT,
                                 Permission.MESSAGE}),
    Relation.COORDINATOR: frozenset({Permission.READ, Permission.AANGIFTE, Permission.EVIDENCE, Permission.ACT,
                                     Permission.MESSAGE}),
    Relation.NONE: frozenset(),
}


def managed_teams(org: Organisation, person: Employee) -> frozenset[str]:
    """The ids of the teams whose manager this person is."""
    if Role.MANAGER not in person.roles:
        return frozenset()
    return frozenset(t.id for t in org.teams if t.manager_id == person.id)


def relation(org: Organisation, person: Employee, report: Report) -> Relation:
    """The reporter, the manager of the report's team, the coordinator, or nobody in particular."""
    if person.id == report.reporter_id:
        return Relation.REPORTER
    if report.team_id is not None and report.team_id in managed_teams(org, person):
        return Relation.MANAGER
    if Role.COORDINATOR in person.roles:
        return Relation.COORDINATOR
    return Relation.NONE


def may(org: Organisation, person: Employee | None, permission: Permission, report: Report | None = None) -> bool:
    """Whether `person` may do `permission` (on `report` when the permission is report-bound)."""
    if person is None or org.employee(person.id) is None:
        return False
    roles = set(person.roles)
    if permission in REPORT_BOUND:
        return report is not None and permission in _BY_RELATION[relation(org, person, report)]
    if permission is Permission.REPORT:
        return True
    if permission in (Permission.BACKOFFICE, Permission.FIGURES, Permission.TEAM_EXPORT):
        return Role.COORDINATOR in roles or bool(managed_teams(org, person))
    if permission is Permission.EXPORT:
        return Role.COORDINATOR in roles
    return False


def visible_teams(org: Organisation, person: Employee) -> frozenset[str] | None:
    """Teams whose reports this person sees besides the own ones; None means every team (coordinator)."""
    if Role.COORDINATOR in person.roles:
        return None
    return managed_teams(org, person)


def acting_role(org: Organisation, person: Employee, report: Report) -> str | None:
    """The role in which someone acts on a report ('manager' or 'coordinator'), never on the own report."""
    rel = relation(org, person, report)
    if rel in (Relation.MANAGER, Relation.COORDINATOR):
        return rel.value
    return None
