"""Admin fixtures: reports with everything kept for them, and the CLI pointed at the test database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.bootstrap import Container
from bot.cli import app
from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.domain.model import Evidence, Report, ReporterRole
from bot.ports import ActionRecord

Seed = Callable[..., str]


@pytest.fixture
def seed(container: Container) -> Seed:
    """File a report for `reporter` with a photo, clocks, an action, a check-in, a digest item and an outbox row."""

    def file(reference: str, reporter: str = "demo", *, status: str = "ingediend",
             created_at: datetime | None = None, done_at: datetime | None = None,
             victim: str | None = None) -> str:
        created = created_at or container.clock.now()
        photo = f"telegram/{reference}.jpg"
        path = container.settings.attachments_dir / photo
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xff\xd8\xff evidence of " + reference.encode())
        report = Report(reference=reference, reporter_id=reporter, team_id="handhaving", channel="web",
                        created_at=created, description=f"Een klant schold me uit ({reference})",
                        primary_form="verbaal", forms=("verbaal",), abcd="B", severe=False, severity="laag",
                        evidence=(Evidence("photo", photo, "image/jpeg", 20),), status=status)
        if victim is not None:  # filed for a colleague
            report = replace(report, reporter_role=ReporterRole.ON_BEHALF, victim_id=victim,
                             victim_name=f"collega {victim}", victim_told=True)
        with container.uow_factory() as uow:
            uow.reports.add(report)
            uow.followup.add_clock(reference, "contact", "mgr", created, created + timedelta(days=1), None)
            uow.followup.add_checkin(reference, reporter, 1, created + timedelta(days=1), False)
            uow.followup.add_digest_item("mgr", reference, created + timedelta(hours=8))
            if done_at is not None:
                uow.followup.add_action(ActionRecord(reference, "mgr", "manager", "done", None, done_at,
                                                     "Afgerond"))
            uow.outbox.add("mgr", [Reply(f"Nieuwe melding {reference}")], due_at=created,
                           dedup_key=f"escalation:{reference}", data={"reference": reference})
            state = ConversationState(draft={"filed": reference}, last_activity=created)
            uow.conversations.save("telegram", f"{reporter}-{reference}", reporter, state, None)
            uow.commit()
        return reference

    return file


@pytest.fixture
def cli(container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `meldbot ...` on the test's database and attachments directory."""
    monkeypatch.setenv("MELDBOT_DATABASE_URL", container.settings.database_url)
    monkeypatch.setenv("MELDBOT_ATTACHMENTS_DIR", str(container.settings.attachments_dir))
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, list(args))

    return run
