"""The back-office figures and downloads over HTTP, on SQLite and PostgreSQL: who sees which numbers,
the minimum data set as CSV and XLSX, the yearly PDF, and an audit row for every download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import select

from bot.bootstrap import Container, bootstrap
from bot.domain.model import Report
from bot.settings import Settings
from bot.storage.followup import CheckInRow, ClockRow
from bot.storage.orm import AuditRow
from bot.storage.repositories import SqlReportRepository
from bot.web.app import create_app
from bot.web.exports import COLUMNS
from bot.web.overview import load_figure_texts
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import running
from tests.web import signed_in

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # FakeClock's moment
HEADERS = load_figure_texts()["export"]["headers"]


@dataclass
class World:
    app: FastAPI
    url: str
    container: Container

    def client(self, who: str) -> httpx.Client:
        if who == "anonymous":
            return httpx.Client(base_url=self.url, timeout=30)
        client = signed_in(self.app, self.url, who)
        client.timeout = httpx.Timeout(30)
        return client

    def exports(self, actor: str) -> list[AuditRow]:
        with self.container.session_factory() as session:
            return list(session.scalars(select(AuditRow).where(AuditRow.actor == actor, AuditRow.action == "export")
                                        .order_by(AuditRow.id)))


def report(number: int, team: str, at: datetime, form: str = "verbaal", **extra: Any) -> Report:
    return Report(reference=f"MLD-{at.year}-{number:05d}", reporter_id="demo" if team == "handhaving" else "ahmed",
                  team_id=team, channel="web", created_at=at, description="Hij schold mij uit.", primary_form=form,
                  forms=extra.pop("forms", (form,)), abcd="D" if form != "verbaal" else "B",
                  severe=form != "verbaal", severity="laag" if form == "verbaal" else "middel",
                  location_type=extra.pop("location_type", "balie"), **extra)


def seed(container: Container) -> None:
    """Handhaving: 7 reports in the last 12 months; klantcontact: 3; one old report outside the period."""
    handhaving = [
        report(1, "handhaving", datetime(2026, 1, 10, 10, tzinfo=UTC), "bedreiging", location_type="telefoon"),
        report(2, "handhaving", datetime(2026, 3, 5, 8, tzinfo=UTC), forms=("=HYPERLINK(\"http://x\")",)),
        report(3, "handhaving", datetime(2026, 5, 31, 22, 30, tzinfo=UTC), "fysiek", injury="blauwe plek"),
        report(4, "handhaving", datetime(2026, 9, 1, 12, tzinfo=UTC)),
        report(5, "handhaving", datetime(2026, 10, 1, 12, tzinfo=UTC)),
        report(6, "handhaving", datetime(2026, 11, 1, 12, tzinfo=UTC)),
        report(7, "handhaving", NOW - timedelta(hours=1)),
    ]
    klantcontact = [report(10 + i, "klantcontact", datetime(2026, 6, 1 + i, 9, tzinfo=UTC), location_type="online")
                    for i in range(3)]
    old = report(99, "handhaving", datetime(2025, 6, 1, 9, tzinfo=UTC))
    # contact_today of handhaving: 4 on time (30, 60, 90, 120 minutes), 1 late, 1 missed, 1 still open.
    acks: list[float | None] = [30, 60, 90, 120, 25 * 60, None, None]
    with container.session_factory() as session:
        repo = SqlReportRepository(session)
        for r in [*handhaving, *klantcontact, old]:
            repo.add(r)
        for r, minutes in zip(handhaving, acks, strict=True):
            ack = None if minutes is None else r.created_at + timedelta(minutes=minutes)
            session.add(ClockRow(reference=r.reference, kind="contact_today", owner_id="mgr", starts_at=r.created_at,
                                 due_at=r.created_at + timedelta(hours=24), acknowledged_at=ack, alerts_sent=0,
                                 team_id=r.team_id, filed_at=r.created_at))
        for i, (r, mood) in enumerate(zip(handhaving, ["goed", "niet_goed", "wisselend", None], strict=False)):
            status = "answered" if mood else "asked"
            session.add(CheckInRow(reference=r.reference, employee_id="demo", seq=1,
                                   due_at=r.created_at + timedelta(days=1), status=status, mood=mood,
                                   answered_at=r.created_at + timedelta(days=1, hours=i) if mood else None,
                                   team_id=r.team_id, filed_at=r.created_at))
        session.commit()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("overview")
    with database_url(request.param, tmp) as url:
        settings = Settings(database_url=url, scheduler_enabled=False, attachments_dir=tmp / "attachments")
        container = bootstrap(settings, understander=FakeUnderstander(), clock=FakeClock())
        seed(container)
        try:
            app = create_app(container=container)
            with running(app) as base:
                yield World(app, base, container)
        finally:
            container.close()


def table_rows(html: str, caption: str) -> dict[str, list[str]]:
    """The rows of the table with this caption: row header -> cells (a tiny parser for our own markup)."""
    import re

    part = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", part, flags=re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row)
        if head:
            rows[head.group(1)] = re.findall(r"<td>(.*?)</td>", row)
    return rows


def test_the_coordinator_sees_all_teams_with_small_counts_shown_as_less_than_five(world: World) -> None:
    with world.client("coord") as client:
        res = client.get("/beheer/overzicht")
    assert res.status_code == 200
    html = res.text
    assert "Alle teams" in html
    teams = table_rows(html, "Meldingen per team, naast de grootte van het team")
    assert teams["Handhaving en inspectie"] == ["3", "7", "&lt;5", "233,3"]
    assert teams["Klantcontactcentrum"] == ["2", "&lt;5", "0", "–"]
    months = table_rows(html, "Aantal meldingen per maand")
    assert len(months) == 12
    assert months["november 2026"] == ["&lt;5"]
    assert months["december 2025"] == ["0"]
    assert 'role="img"' in html
    assert "<caption>" in html


def test_a_manager_sees_exact_numbers_of_the_own_team_only(world: World) -> None:
    with world.client("mgr") as client:
        res = client.get("/beheer/overzicht")
    assert res.status_code == 200
    html = res.text
    assert "Klantcontactcentrum" not in html
    assert table_rows(html, "Meldingen per team, naast de grootte van het team") == {
        "Handhaving en inspectie": ["3", "7", "2", "233,3"]}
    months = table_rows(html, "Aantal meldingen per maand")
    # 31 May 22:30 UTC is 1 June in Amsterdam: months are bucketed in local time.
    assert (months["mei 2026"], months["juni 2026"], months["november 2026"]) == (["0"], ["1"], ["2"])
    forms = table_rows(html, "Meldingen naar vorm van het gedrag")
    assert forms["Verbaal"] == ["5", "71%"]
    assert forms["Fysiek"] == ["1", "14%"]
    clocks = table_rows(html, "Termijnen na een melding en hoe vaak ze gehaald zijn")
    # 4 on time, 1 late, 1 missed, 1 open: 4 of 6 decided on time; median of 30, 60, 90, 120, 1500 minutes.
    assert clocks["Contact met medewerker dezelfde dag"] == ["4", "1", "1", "1", "67%", "1 u 30 min"]
    care = table_rows(html, "Nazorgvragen na de meldingen van deze periode")
    assert care["Nazorgvragen gesteld"][0] == "4"
    assert care["Het gaat niet goed"] == ["1", "33%"]


def test_a_period_filter_narrows_the_figures(world: World) -> None:
    with world.client("mgr") as client:
        res = client.get("/beheer/overzicht", params={"van": "2025-01-01", "tot": "2025-12-31"})
        bad = client.get("/beheer/overzicht", params={"van": "2026-05-01", "tot": "2026-04-01"})
    assert table_rows(res.text, "Meldingen per team, naast de grootte van het team")[
        "Handhaving en inspectie"][1] == "1"
    assert bad.status_code == 400
    assert "De periode klopt niet" in bad.text


def test_the_coordinator_can_look_at_one_team(world: World) -> None:
    with world.client("coord") as client:
        res = client.get("/beheer/overzicht", params={"team": "klantcontact"})
    assert res.status_code == 200
    assert list(table_rows(res.text, "Meldingen per team, naast de grootte van het team")) == ["Klantcontactcentrum"]


@pytest.mark.parametrize("path", ["/beheer/overzicht", "/beheer/export.csv", "/beheer/export.xlsx",
                                  "/beheer/jaaroverzicht.pdf"])
def test_a_manager_asking_for_another_team_gets_not_found(world: World, path: str) -> None:
    with world.client("mgr") as client:
        other = client.get(path, params={"team": "klantcontact"})
        unknown = client.get(path, params={"team": "bestaat-niet"})
    assert (other.status_code, unknown.status_code) == (404, 404)
    assert other.text == unknown.text
    assert world.exports("mgr") == [] or all(r.details and r.details.get("teams") != ["klantcontact"]
                                             for r in world.exports("mgr"))


@pytest.mark.parametrize("path", ["/beheer/overzicht", "/beheer/export.csv", "/beheer/export.xlsx",
                                  "/beheer/jaaroverzicht.pdf"])
def test_an_employee_is_refused_and_nobody_unknown_gets_in(world: World, path: str) -> None:
    with world.client("demo") as client:
        res = client.get(path)
    assert res.status_code == 403
    assert "Alleen voor leidinggevenden" in res.text
    with world.client("anonymous") as client:
        res = client.get(path, follow_redirects=False)
    assert res.status_code == 303
    assert res.headers["location"].startswith("/login")
    assert world.exports("demo") == []


def test_the_xlsx_export_holds_the_minimum_data_set_of_every_report_in_the_period(world: World) -> None:
    before = len(world.exports("coord"))
    with world.client("coord") as client:
        res = client.get("/beheer/export.xlsx", params={"van": "2025-12-01", "tot": "2026-11-18"})
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(res.content), read_only=True)
    rows = list(book["Meldingen"].iter_rows(values_only=True))
    assert rows[0] == tuple(HEADERS[c] for c in COLUMNS)
    assert len(rows) - 1 == 10
    by_ref = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    assert "MLD-2025-00099" not in by_ref
    third = by_ref["MLD-2026-00003"]
    # Local time without a zone, as Excel keeps it.
    assert third["gemeld_op"] == datetime(2026, 6, 1, 0, 30, tzinfo=UTC).replace(tzinfo=None)
    assert (third["vorm"], third["letsel"], third["team"]) == ("fysiek", "ja", "Handhaving en inspectie")
    assert by_ref["MLD-2026-00002"]["vormen"] == "=HYPERLINK(\"http://x\")"  # text, never a formula
    assert by_ref["MLD-2026-00001"]["contact_vandaag"] == "op_tijd"
    assert by_ref["MLD-2026-00006"]["contact_vandaag"] == "gemist"
    assert by_ref["MLD-2026-00010"]["contact_vandaag"] is None
    assert "Hij schold" not in res.content.decode("latin-1")
    audit = world.exports("coord")
    assert len(audit) == before + 1
    assert audit[-1].reference is None
    assert audit[-1].details == {"channel": "web", "format": "xlsx", "van": "2025-12-01", "tot": "2026-11-18",
                                 "teams": None, "count": 10}


def test_a_managers_csv_export_holds_only_the_own_team_and_is_safe_from_formulas(world: World) -> None:
    with world.client("mgr") as client:
        res = client.get("/beheer/export.csv")
    assert res.status_code == 200
    assert res.headers["content-type"] == "text/csv; charset=utf-8"
    parsed = list(csv.reader(io.StringIO(res.text)))
    assert tuple(parsed[0]) == COLUMNS
    records = [dict(zip(COLUMNS, r, strict=True)) for r in parsed[1:]]
    assert len(records) == 7
    assert {r["team_id"] for r in records} == {"handhaving"}
    second = next(r for r in records if r["referentie"] == "MLD-2026-00002")
    assert second["vormen"] == "'=HYPERLINK(\"http://x\")"
    assert next(r for r in records if r["referentie"] == "MLD-2026-00003")["gemeld_op"] == "2026-06-01T00:30:00+02:00"
    audit = world.exports("mgr")[-1]
    assert audit.details is not None
    assert (audit.details["format"], audit.details["teams"], audit.details["count"]) == ("csv", ["handhaving"], 7)


def test_the_yearly_overview_is_a_pdf_without_names(world: World) -> None:
    with world.client("coord") as client:
        res = client.get("/beheer/jaaroverzicht.pdf", params={"jaar": "2026"})
        bad = client.get("/beheer/jaaroverzicht.pdf", params={"jaar": "1999"})
    assert res.status_code == 200
    assert res.content.startswith(b"%PDF")
    assert res.headers["content-type"] == "application/pdf"
    assert b"Sam de Vries" not in res.content
    assert bad.status_code == 400
    audit = world.exports("coord")[-1]
    assert audit.details is not None
    assert (audit.details["format"], audit.details["jaar"], audit.details["count"]) == ("pdf", 2026, 10)
