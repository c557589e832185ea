"""The meldbot command line on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MELDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_org_show_json_lists_people_with_roles_and_identities(env: Path) -> None:
    result = CliRunner().invoke(app, ["org", "show", "--json"])
    assert result.exit_code == 0, result.output
    people = {p["id"]: p for p in json.loads(result.output)}
    assert people["demo"]["team"] == "handhaving"
    assert "manager" in people["mgr"]["roles"]
    assert "coordinator" in people["coord"]["roles"]
    assert people["demo"]["identities"][0]["channel"] == "teams"


def test_link_code_prints_the_code_as_last_word(env: Path) -> None:
    result = CliRunner().invoke(app, ["link-code", "demo"])
    assert result.exit_code == 0, result.output
    code = result.output.split()[-1]
    assert len(code) == 9
    assert code[4] == "-"


def test_link_code_for_an_unknown_employee_fails_clearly(env: Path) -> None:
    result = CliRunner().invoke(app, ["link-code", "niemand"])
    assert result.exit_code == 1
    assert "Onbekende medewerker" in result.output


def test_export_of_an_empty_database_is_valid_json_and_csv(env: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
    result = CliRunner().invoke(app, ["export", "--format", "csv"])
    assert result.output.startswith("reference,created_at,")


def test_invite_prints_a_single_use_link_and_audit_shows_who_did_what(env: Path) -> None:
    result = CliRunner().invoke(app, ["invite", "mgr"])
    assert result.exit_code == 0, result.output
    link = result.output.split()[-1]
    assert link.startswith("http://127.0.0.1:8000/login/")
    assert "Linda Jansen" in result.output
    assert CliRunner().invoke(app, ["invite", "niemand"]).exit_code == 1
    audit = CliRunner().invoke(app, ["audit", "--json"])
    assert audit.exit_code == 0, audit.output
    lines = [json.loads(line) for line in audit.output.splitlines()]
    assert [(x["actor"], x["action"], x["details"]) for x in lines] == [
        ("cli", "sign_in_link_created", {"employee": "mgr"})]
    assert link.rsplit("/", 1)[1] not in audit.output
    assert CliRunner().invoke(app, ["audit", "--person", "demo", "--json"]).output == ""
    table = CliRunner().invoke(app, ["audit", "--report", "MLD-2026-00001"])
    assert "Geen regels gevonden." in table.output
