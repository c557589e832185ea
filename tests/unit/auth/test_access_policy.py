"""The access policy as a table: every person × every permission on reports of the demo organisation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.access import Permission, may, visible_teams
from bot.domain.model import Employee, Organisation, Report

P = Permission


def report_of(reporter: str, team: str | None) -> Report:
    return Report(reference="MLD-2026-00001", reporter_id=reporter, team_id=team, channel="web",
                  created_at=datetime(2026, 11, 2, 10, tzinfo=UTC), description="Hij schold me uit.",
                  primary_form="verbaal", forms=("schelden",), abcd="B", severe=False, severity="laag")


# demo works in 'handhaving' (manager mgr); ahmed in 'klantcontact' (manager mgr2); coord coordinates.
DEMO_REPORT = report_of("demo", "handhaving")

# (person, permission) -> allowed, on DEMO_REPORT for report-bound permissions.
TABLE: list[tuple[str, Permission, bool]] = [
    ("demo", P.REPORT, True), ("demo", P.READ, True), ("demo", P.ADD, True), ("demo", P.AANGIFTE, True),
    ("demo", P.EVIDENCE, True), ("demo", P.ACT, False), ("demo", P.MESSAGE, False),
    ("demo", P.BACKOFFICE, False), ("demo", P.FIGURES, False), ("demo", P.EXPORT, False),
    ("demo", P.TEAM_EXPORT, False), ("mgr", P.TEAM_EXPORT, True), ("mgr2", P.TEAM_EXPORT, True),
    ("coord", P.TEAM_EXPORT, True), ("noor", P.TEAM_EXPORT, False),
    ("noor", P.REPORT, True), ("noor", P.READ, False), ("noor", P.ADD, False), ("noor", P.AANGIFTE, False),
    ("noor", P.EVIDENCE, False), ("noor", P.ACT, False), ("noor", P.MESSAGE, False),
    ("noor", P.BACKOFFICE, False), ("noor", P.EXPORT, False),
    ("mgr", P.REPORT, True), ("mgr", P.READ, True), ("mgr", P.ADD, False), ("mgr", P.AANGIFTE, True),
    ("mgr", P.EVIDENCE, True), ("mgr", P.ACT, True), ("mgr", P.MESSAGE, True),
    ("mgr", P.BACKOFFICE, True), ("mgr", P.FIGURES, True), ("mgr", P.EXPORT, False),
    ("mgr2", P.REPORT, True), ("mgr2", P.READ, False), ("mgr2", P.AANGIFTE, False), ("mgr2", P.EVIDENCE, False),
    ("mgr2", P.ACT, False), ("mgr2", P.MESSAGE, False), ("mgr2", P.BACKOFFICE, True), ("mgr2", P.EXPORT, False),
    ("coord", P.REPORT, True), ("coord", P.READ, True), ("coord", P.ADD, False), ("coord", P.AANGIFTE, True),
    ("coord", P.EVIDENCE, True), ("coord", P.ACT, True), ("coord", P.MESSAGE, True),
    ("coord", P.BACKOFFICE, True), ("coord", P.FIGURES, True), ("coord", P.EXPORT, True),
]


@pytest.mark.parametrize(("person", "permission", "allowed"), TABLE)
def test_the_access_table_holds(org: Organisation, person: str, permission: Permission, allowed: bool) -> None:
    employee = org.employee(person)
    assert employee is not None
    assert may(org, employee, permission, DEMO_REPORT) is allowed


@pytest.mark.parametrize("permission", list(Permission))
def test_nobody_and_a_stranger_may_do_nothing(org: Organisation, permission: Permission) -> None:
    stranger = Employee("mallory", "Mallory", "handhaving", roles=("employee", "manager", "coordinator"))
    assert may(org, None, permission, DEMO_REPORT) is False
    assert may(org, stranger, permission, DEMO_REPORT) is False


def test_report_bound_permissions_need_a_report(org: Organisation) -> None:
    coord = org.employee("coord")
    assert may(org, coord, P.READ, None) is False


def test_a_manager_reads_by_the_team_of_the_report_not_the_reporters_current_team(org: Organisation) -> None:
    moved = report_of("ahmed", "handhaving")  # filed while ahmed worked in handhaving
    assert may(org, org.employee("mgr"), P.READ, moved) is True
    assert may(org, org.employee("mgr2"), P.READ, moved) is False


def test_a_manager_acts_on_the_own_report_only_as_its_reporter(org: Organisation) -> None:
    own = report_of("mgr", "handhaving")
    mgr = org.employee("mgr")
    assert may(org, mgr, P.READ, own) is True
    assert may(org, mgr, P.ACT, own) is False


def test_visible_teams_by_role(org: Organisation) -> None:
    assert visible_teams(org, org.employee("demo")) == frozenset()
    assert visible_teams(org, org.employee("mgr")) == frozenset({"handhaving"})
    assert visible_teams(org, org.employee("coord")) is None
