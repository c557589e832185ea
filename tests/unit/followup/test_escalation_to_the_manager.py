"""On filing, the manager hears of the report: at once when severe, else in the daily digest."""

from __future__ import annotations

from datetime import UTC, datetime

from actions.escalation import manager_reply, parse_command
from actions.filing import ReportFiler
from actions.timeline import plan_clocks
from bot.conversation.texts import Texts
from bot.domain.model import Organisation, Report
from tests.conftest import TZ, ChatHarness
from tests.fakes import FakeUnitOfWork
from tests.unit.followup.fakes import FakeFollowUpStore, FollowUpFakeUnitOfWork
from tests.unit.followup.script import INSULT, file_report


def threat(reference: str = "MLD-2026-00042") -> Report:
    return Report(reference, "demo", "handhaving", "telegram", datetime(2026, 11, 18, 9, 0, tzinfo=UTC),
                  "Hij zei: ik weet waar je woont. Dat vond ik eng.", "bedreiging", ("bedreiging", "bedreigen"), "D",
                  True, "middel", occurred_text="gisteravond",
                  occurred_start=datetime(2026, 11, 17, 18, 0, tzinfo=UTC), location_type="balie")


def test_a_severe_report_reaches_the_manager_at_once_with_clocks_and_buttons(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    [message] = [o for o in uow.store.outbox if o["kind"] == "escalation"]
    assert message["employee_id"] == "mgr"
    [reply] = message["replies"]
    assert reply.text.startswith(f"Ernstige melding {reference} van Sam de Vries.")
    assert "48 uur" in reply.text
    assert "72 uur" in reply.text
    assert "2 werkdagen" in reply.text
    assert "vandaag" in reply.text
    assert reply.choices == ("Medewerker gesproken", "Contact opgenomen", "Reactie naar dader gegeven",
                             "Aangifte gedaan", "Aangifte niet nodig", "Afgerond")
    assert reply.prompt_id == f"a:{reference}"


def test_the_manager_message_summarises_without_the_reporters_own_words(org: Organisation, texts: Texts) -> None:
    report = threat()
    reply = manager_reply(report, org.employee("demo"), plan_clocks(report, report.created_at, TZ), texts, TZ)
    assert "Wat: bedreiging (D: bedreigend of fysiek gedrag)" in reply.text
    assert "Wanneer: gisteravond (17-11-2026 19:00)" in reply.text
    assert "Waar: Balie of kantoor" in reply.text
    assert "ik weet waar je woont" not in reply.text
    assert "(uiterlijk 20-11-2026 10:00)" in reply.text


def test_button_payloads_fit_in_telegrams_64_bytes(org: Organisation, texts: Texts) -> None:
    report = threat("MLD-2026-99999")
    reply = manager_reply(report, org.employee("demo"), [], texts, TZ)
    longest = max(len(f"{reply.prompt_id}|{i}".encode()) for i in range(len(reply.choices)))
    assert longest <= 64


def test_a_non_severe_report_waits_for_the_daily_digest(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore
) -> None:
    reference = file_report(reporter, INSULT)
    assert [o for o in uow.store.outbox if o["kind"] == "escalation"] == []
    assert store.digest == [("mgr", reference, datetime(2026, 11, 19, 7, 0, tzinfo=UTC))]
    clocks = store.clocks(reference)
    assert {c.kind for c in clocks} == {"contact_today", "support_72h", "perpetrator_48h"}
    assert all(c.starts_at == datetime(2026, 11, 19, 7, 0, tzinfo=UTC) for c in clocks)


def test_filing_schedules_three_check_ins_and_the_last_asks_about_stress(
    reporter: ChatHarness, store: FakeFollowUpStore
) -> None:
    file_report(reporter)
    checkins = sorted(store.checkins.values(), key=lambda c: c.seq)
    assert [(c.due_at.day, c.due_at.month, c.stress) for c in checkins] == [
        (19, 11, False), (2, 12, False), (30, 12, True)]


def test_a_report_by_a_manager_goes_to_the_coordinator(org: Organisation, texts: Texts) -> None:
    uow = FollowUpFakeUnitOfWork()
    filer = ReportFiler(org, texts, tz=TZ)
    report = Report("MLD-2026-00007", "mgr", "handhaving", "web", datetime(2026, 11, 18, 9, 0, tzinfo=UTC),
                    "Een man sloeg me.", "fysiek", ("fysiek",), "D", True, "hoog")
    with uow:
        filer(uow, report, org.employee("mgr"), report.created_at)
        uow.commit()
    assert [o["employee_id"] for o in uow.store.outbox] == ["coord"]
    assert {c.owner_id for c in uow.followup.clock_rows} == {"coord"}


def test_without_follow_up_storage_the_manager_is_still_told(org: Organisation) -> None:
    uow = FakeUnitOfWork()
    report = threat()
    with uow:
        ReportFiler(org)(uow, report, org.employee("demo"), report.created_at)
        uow.commit()
    assert [o["kind"] for o in uow.store.outbox] == ["escalation"]


def test_typed_commands_name_an_action_a_reference_and_an_optional_note() -> None:
    assert parse_command("contact MLD-2026-00042 gebeld, ging goed") == (
        "contact", "MLD-2026-00042", "gebeld, ging goed")
    assert parse_command("Reactie naar dader mld-2026-00042") == ("reaction", "MLD-2026-00042", None)
    assert parse_command("geen aangifte MLD-2026-00042: excuses aangeboden") == (
        "no_aangifte", "MLD-2026-00042", "excuses aangeboden")
    assert parse_command("Afgerond MLD-2026-00042") == ("done", "MLD-2026-00042", None)
    assert parse_command("hij zei iets over MLD-2026-00042") is None
    assert parse_command("contact opnemen graag") is None
