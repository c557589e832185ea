"""An employee's personal data: exported on request (JSON) and erased on request, both audit-logged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import Result

from bot.bootstrap import Container
from bot.storage.auth import LoginLinkRow, WebSessionRow
from bot.storage.followup import CheckInRow
from bot.storage.orm import AuditRow, ConversationRow, IdentityRow, LinkCodeRow, ReportRow
from tests.integration.admin.conftest import Seed


def owned(container: Container, employee_id: str) -> dict[str, int]:
    models = {"reports": (ReportRow, ReportRow.reporter_id), "conversations": (ConversationRow,
              ConversationRow.employee_id), "identities": (IdentityRow, IdentityRow.employee_id),
              "web_sessions": (WebSessionRow, WebSessionRow.employee_id),
              "login_links": (LoginLinkRow, LoginLinkRow.employee_id),
              "link_codes": (LinkCodeRow, LinkCodeRow.employee_id), "checkins": (CheckInRow, CheckInRow.employee_id)}
    with container.session_factory() as s:
        return {name: int(s.scalar(select(func.count()).select_from(model).where(column == employee_id)) or 0)
                for name, (model, column) in models.items()}


def personal_rows(container: Container, employee_id: str) -> None:
    now = container.clock.now()
    with container.uow_factory() as uow:
        uow.identities.link("telegram", "4711", employee_id, now)
        uow.link_codes.create(employee_id, now)
        uow.commit()
    with container.session_factory() as s:
        s.add(WebSessionRow(id_hash="h" * 64, employee_id=employee_id, via="link", created_at=now, last_seen_at=now))
        s.add(LoginLinkRow(token_hash="t" * 64, employee_id=employee_id, created_at=now, expires_at=now))
        s.commit()


def test_a_person_export_holds_their_reports_and_records_and_is_audit_logged(
    container: Container, seed: Seed, cli: Callable[..., Result], tmp_path: Path
) -> None:
    seed("MLD-2026-00011")
    seed("MLD-2026-00012", reporter="mgr")
    personal_rows(container, "demo")
    target = tmp_path / "demo.json"

    result = cli("person", "export", "demo", "-o", str(target))

    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [r["reference"] for r in data["reports"]] == ["MLD-2026-00011"]
    assert [i["external_id"] for i in data["identities"] if i["channel"] == "telegram"] == ["4711"]
    assert len(data["checkins"]) == 1
    assert "code" not in data["link_codes"][0]
    assert "id_hash" not in data["web_sessions"][0]
    with container.session_factory() as s:
        [row] = s.scalars(select(AuditRow).where(AuditRow.action == "person_exported")).all()
    assert row.details == {"employee": "demo", "reports": 1}


def test_erasing_a_person_removes_their_data_and_only_theirs(
    container: Container, seed: Seed, cli: Callable[..., Result]
) -> None:
    mine = seed("MLD-2026-00021")
    theirs = seed("MLD-2026-00022", reporter="mgr")
    personal_rows(container, "demo")
    assert cli("person", "erase", "demo").exit_code == 1  # without --yes nothing happens
    assert owned(container, "demo")["reports"] == 1

    result = cli("person", "erase", "demo", "--yes")

    assert result.exit_code == 0, result.output
    assert owned(container, "demo") == dict.fromkeys(owned(container, "demo"), 0)
    assert owned(container, "mgr")["reports"] == 1
    attachments = container.settings.attachments_dir / "telegram"
    assert not (attachments / f"{mine}.jpg").exists()
    assert (attachments / f"{theirs}.jpg").exists()
    with container.session_factory() as s:
        [row] = s.scalars(select(AuditRow).where(AuditRow.action == "person_erased")).all()
    assert row.details is not None
    assert (row.actor, row.details["employee"], row.details["reports"]) == ("cli", "demo", [mine])


def test_reports_a_colleague_filed_about_someone_are_in_their_export_and_lose_their_name_on_erasure(
    container: Container, seed: Seed, cli: Callable[..., Result], tmp_path: Path
) -> None:
    about = seed("MLD-2026-00031", reporter="mgr", victim="demo")
    target = tmp_path / "demo.json"
    assert cli("person", "export", "demo", "-o", str(target)).exit_code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["reports"] == []
    assert [r["reference"] for r in data["reports_about_them"]] == [about]

    assert cli("person", "erase", "demo", "--yes").exit_code == 0

    with container.session_factory() as s:
        row = s.scalars(select(ReportRow).where(ReportRow.reference == about)).one()
        assert (row.reporter_id, row.victim_id, row.victim_name, row.victim_told) == ("mgr", None, None, False)
        [audit] = s.scalars(select(AuditRow).where(AuditRow.action == "person_erased")).all()
    assert audit.details is not None
    assert audit.details["rows"]["reports_victim_cleared"] == 1
