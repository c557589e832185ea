"""Who may do what, over HTTP: every person × every route, with the 404s and the audit rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.bootstrap import Container, bootstrap
from bot.domain.model import Evidence, Report
from bot.settings import Settings
from bot.storage.orm import AuditRow
from bot.storage.repositories import SqlReportRepository
from bot.web.app import create_app
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import running
from tests.web import signed_in

REF = "MLD-2026-00042"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class World:
    app: FastAPI
    url: str
    container: Container

    def client(self, who: str) -> httpx.Client:
        if who == "anonymous":
            return httpx.Client(base_url=self.url, timeout=10, headers={"Origin": self.url})
        return signed_in(self.app, self.url, who)

    def audit(self, actor: str, action: str) -> list[AuditRow]:
        with self.container.session_factory() as session:
            return list(session.scalars(select(AuditRow).where(AuditRow.actor == actor, AuditRow.action == action)))


def file_demo_report(container: Container, attachments: Path) -> None:
    (attachments / "telegram").mkdir(parents=True)
    (attachments / "telegram" / "photo1.png").write_bytes(PHOTO)
    report = Report(reference=REF, reporter_id="demo", team_id="handhaving", channel="web",
                    created_at=datetime(2026, 11, 17, 14, tzinfo=UTC),
                    description="Een man dreigde: ik weet waar je woont.", primary_form="bedreiging",
                    forms=("bedreigen",), abcd="D", severe=True, severity="middel",
                    evidence=(Evidence(kind="photo", path="telegram/photo1.png", mime_type="image/png",
                                       size=len(PHOTO)),))
    with container.session_factory() as session:
        SqlReportRepository(session).add(report)
        session.commit()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("access")
    with database_url(request.param, tmp) as url:
        settings = Settings(database_url=url, scheduler_enabled=False, attachments_dir=tmp / "attachments")
        container = bootstrap(settings, understander=FakeUnderstander(), clock=FakeClock())
        file_demo_report(container, tmp / "attachments")
        try:
            app = create_app(container=container)
            with running(app) as base:
                yield World(app, base, container)
        finally:
            container.close()


PEOPLE = {
    "anonymous": None,
    "employee": "demo",  # the reporter
    "other employee": "noor",  # same team, not the reporter
    "manager of the team": "mgr",
    "manager of another team": "mgr2",
    "coordinator": "coord",
}

ROUTES = {
    "chat as self": ("POST", "/api/chat", None),
    "own reports": ("GET", "/api/reports", None),
    "another's report": ("GET", f"/api/reports/{REF}", "report_read"),
    "aangifte draft": ("GET", f"/api/reports/{REF}/aangifte.txt", "aangifte_draft"),
    "evidence file": ("GET", f"/api/reports/{REF}/evidence/1", "evidence_download"),
    "export": ("GET", "/api/export?format=csv", "export"),
}

# person -> route -> status. The report is demo's: for demo "another's report" is the own one.
EXPECTED: dict[str, dict[str, int]] = {
    "anonymous": {"chat as self": 401, "own reports": 401, "another's report": 401, "aangifte draft": 401,
                  "evidence file": 401, "export": 401},
    "employee": {"chat as self": 200, "own reports": 200, "another's report": 200, "aangifte draft": 200,
                 "evidence file": 200, "export": 403},
    "other employee": {"chat as self": 200, "own reports": 200, "another's report": 404, "aangifte draft": 404,
                       "evidence file": 404, "export": 403},
    "manager of the team": {"chat as self": 200, "own reports": 200, "another's report": 200,
                            "aangifte draft": 200, "evidence file": 200, "export": 403},
    "manager of another team": {"chat as self": 200, "own reports": 200, "another's report": 404,
                                "aangifte draft": 404, "evidence file": 404, "export": 403},
    "coordinator": {"chat as self": 200, "own reports": 200, "another's report": 200, "aangifte draft": 200,
                    "evidence file": 200, "export": 200},
}
SEES_THE_REPORT = {"employee", "manager of the team", "coordinator"}


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("person", list(PEOPLE))
def test_the_access_matrix_over_http(world: World, person: str, route: str) -> None:
    method, path, audit_action = ROUTES[route]
    who = PEOPLE[person]
    before = len(world.audit(who, audit_action)) if who and audit_action else 0
    with world.client(who or "anonymous") as client:
        if method == "POST":
            res = client.post(path, json={"text": "mijn meldingen", "message_id": uuid.uuid4().hex})
        else:
            res = client.get(path)
    expected = EXPECTED[person][route]
    assert res.status_code == expected, res.text
    if expected in (401, 403, 404):
        assert res.json()["detail"] in {"Je bent niet ingelogd. Open de startpagina en log in.",
                                        "Dit mag je niet doen met jouw rol.", "Niet gevonden."}
        assert REF not in res.text
    if route == "own reports" and expected == 200:
        assert (REF in res.text) is (person in SEES_THE_REPORT)
    if route == "evidence file" and expected == 200:
        assert res.content == PHOTO
        assert res.headers["content-type"] == "image/png"
    if route == "aangifte draft" and expected == 200:
        assert "VPT-incident" in res.text
    if route == "chat as self" and expected == 200:
        assert res.json()["replies"]
    if who and audit_action:
        rows = world.audit(who, audit_action)
        if expected == 200:
            assert len(rows) == before + 1
            assert rows[-1].details is not None
            assert rows[-1].details["channel"] == "web"
            assert rows[-1].reference == (None if audit_action == "export" else REF)
        else:
            assert len(rows) == before


def test_a_reference_that_does_not_exist_answers_exactly_like_one_outside_your_rights(world: World) -> None:
    with world.client("noor") as client:
        missing = client.get("/api/reports/MLD-2026-99999")
        foreign = client.get(f"/api/reports/{REF}")
    assert (missing.status_code, missing.json()) == (foreign.status_code, foreign.json())


def test_evidence_outside_the_attachments_folder_is_never_served(world: World) -> None:
    with world.client("coord") as client:
        assert client.get(f"/api/reports/{REF}/evidence/2").status_code == 404
        assert client.get(f"/api/reports/{REF}/evidence/0").status_code == 404
        assert client.get(f"/api/reports/{REF}/evidence/..%2F..%2Fetc%2Fpasswd").status_code in (404, 422)
