"""On filing, the manager hears of the report with what happened; severe reports reach the coordinator too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from actions.escalation import manager_reply, parse_command
from actions.filing import ReportFiler
from actions.timeline import plan_clocks
from bot.conversation.texts import Texts
from bot.domain.model import Organisation, Report, ReporterRole
from tests.conftest import TZ, ChatHarness
from tests.fakes import FakeClock
from tests.unit.followup.fakes import FakeFollowUpStore, FollowUpFakeUnitOfWork
from tests.unit.followup.script import INSULT, file_report

BUTTONS = ("Medewerker gesproken", "Burger gebeld", "Steungesprek gehouden", "Aangifte gedaan",
           "Aangifte niet nodig", "Afgerond")


def threat(reference: str = "MLD-2026-00042", description: str = "Hij zei: ik weet waar je woont. Dat vond ik eng."
           ) -> Report:
    return Report(reference, "demo", "handhaving", "telegram", datetime(2026, 11, 18, 9, 0, tzinfo=UTC),
                  description, "bedreiging", ("bedreiging", "bedreigen"), "D",
                  True, "middel", occurred_text="gisteravond",
                  occurred_start=datetime(2026, 11, 17, 18, 0, tzinfo=UTC), location_type="balie",
                  injury="blauwe plek", perpetrator="klant met een dossier", wants=("aangifte_help",))


def test_a_severe_report_reaches_the_manager_and_the_coordinator_at_once(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    [message] = [o for o in uow.store.outbox if o["kind"] == "escalation"]
    assert (message["employee_id"], message["dedup_key"]) == ("mgr", f"escalation:{reference}")
    [reply] = message["replies"]
    assert reply.text.startswith(f"Ernstige melding {reference} van Sam de Vries.")
    for part in ("48 uur", "72 uur", "vandaag", "Wat er gebeurde: Gisteravond aan de balie dreigde een man"):
        assert part in reply.text
    assert reply.choices == BUTTONS
    assert reply.prompt_id == f"m:{reference}"
    [copy] = [o for o in uow.store.outbox if o["kind"] == "coordinator_alert"]
    assert (copy["employee_id"], copy["dedup_key"]) == ("coord", f"coordinator:{reference}")
    assert "Ter informatie: Linda Jansen heeft nu ook bericht" in copy["replies"][0].text
    assert "Wat er van Linda Jansen gevraagd wordt:" in copy["replies"][0].text


def test_the_manager_message_holds_what_happened_injury_perpetrator_and_wishes(
    org: Organisation, texts: Texts
) -> None:
    report = threat()
    reply = manager_reply(report, org.employee("demo"), plan_clocks(report, report.created_at, TZ), texts, TZ)
    for line in ("Wat er gebeurde: Hij zei: ik weet waar je woont. Dat vond ik eng.",
                 "Soort gedrag: bedreiging (D: bedreigend of fysiek gedrag); bedreigen",
                 "Wanneer: dinsdag 17 november 2026, 19:00", "Waar: Balie of kantoor",
                 "Letsel of schade: letsel: blauwe plek", "Dader: klant met een dossier",
                 "Wat de medewerker wil: hulp bij aangifte",
                 "Help Sam binnen 2 werkdagen met aangifte", "(uiterlijk 20-11-2026 10:00)", "bekijk MLD-2026-00042"):
        assert line in reply.text, line


def test_the_manager_reads_who_it_happened_to_when_a_colleague_or_a_witness_reported_it(
    org: Organisation, texts: Texts
) -> None:
    own = manager_reply(threat(), org.employee("demo"), (), texts, TZ)
    assert "Wie het overkwam" not in own.text
    for role, words in ((ReporterRole.ON_BEHALF, "gemeld door een collega"),
                        (ReporterRole.WITNESS, "gemeld door een getuige")):
        report = replace(threat(), reporter_role=role, victim_id=None, victim_name="Noor Bakker")
        reply = manager_reply(report, org.employee("demo"), (), texts, TZ)
        assert f"Wie het overkwam: Noor Bakker ({words})" in reply.text


def test_the_story_is_cut_at_about_300_characters(org: Organisation, texts: Texts) -> None:
    report = threat(description="woord " * 100)
    reply = manager_reply(report, org.employee("demo"), [], texts, TZ)
    story = next(line for line in reply.text.splitlines() if line.startswith("Wat er gebeurde: "))
    assert story.endswith(" …")
    assert len(story.removeprefix("Wat er gebeurde: ")) <= 302


def test_button_payloads_fit_in_telegrams_64_bytes(org: Organisation, texts: Texts) -> None:
    report = threat("MLD-2026-99999")
    reply = manager_reply(report, org.employee("demo"), [], texts, TZ)
    longest = max(len(f"{reply.prompt_id}|{i}".encode()) for i in range(len(reply.choices)))
    assert longest <= 64


def test_a_non_severe_report_reaches_the_manager_the_same_working_day_with_clocks_from_filing(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)  # Wednesday 07:00: the 08:00 digest is still ahead
    reference = file_report(reporter, INSULT, wants="1 en 3")
    assert [o for o in uow.store.outbox if o["kind"] in ("escalation", "coordinator_alert")] == []
    assert store.digest == [("mgr", reference, datetime(2026, 11, 18, 7, 0, tzinfo=UTC))]
    assert "Linda Jansen krijgt vandaag om 08:00 een bericht van mij." in reporter.text
    clocks = store.clocks(reference)
    assert {c.kind for c in clocks} == {"contact_today", "support_72h", "perpetrator_48h", "referral_2wd"}
    assert all(c.starts_at == clock.current for c in clocks)


def test_a_non_severe_report_after_the_digest_time_goes_at_once(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore
) -> None:
    reference = file_report(reporter, INSULT)  # Wednesday 10:00
    assert [o["employee_id"] for o in uow.store.outbox if o["kind"] == "escalation"] == ["mgr"]
    assert store.digest == []
    assert [o for o in uow.store.outbox if o["kind"] == "coordinator_alert"] == []
    assert reference in uow.store.outbox[0]["replies"][0].text


def test_filing_schedules_three_check_ins_and_the_last_asks_about_stress(
    reporter: ChatHarness, store: FakeFollowUpStore
) -> None:
    file_report(reporter)
    checkins = sorted(store.checkins.values(), key=lambda c: c.seq)
    assert [(c.due_at.day, c.due_at.month, c.stress) for c in checkins] == [
        (19, 11, False), (2, 12, False), (30, 12, True)]


def test_a_report_by_a_manager_goes_to_the_coordinator_once(org: Organisation, texts: Texts) -> None:
    uow = FollowUpFakeUnitOfWork()
    filer = ReportFiler(org, texts, tz=TZ)
    report = Report("MLD-2026-00007", "mgr", "handhaving", "web", datetime(2026, 11, 18, 9, 0, tzinfo=UTC),
                    "Een man sloeg me.", "fysiek", ("fysiek",), "D", True, "hoog")
    with uow:
        filer(uow, report, org.employee("mgr"), report.created_at)
        uow.commit()
    assert [o["employee_id"] for o in uow.store.outbox] == ["coord"]
    assert {c.owner_id for c in uow.followup.clock_rows} == {"coord"}


def test_without_a_push_channel_the_reporter_hears_the_report_waits_in_the_inbox(
    org: Organisation, texts: Texts
) -> None:
    uow = FollowUpFakeUnitOfWork()
    report = threat()
    with uow:
        replies = ReportFiler(org, texts, tz=TZ)(uow, report, org.employee("demo"), report.created_at)
        uow.commit()
    assert replies[0].text.startswith("Ik kan Linda Jansen nu geen bericht sturen. Je melding staat wel in het "
                                      "overzicht van meldbot")
    assert [o["kind"] for o in uow.store.outbox] == ["escalation", "coordinator_alert"]


def test_with_a_push_channel_the_reporter_hears_both_are_told_now(
    reporter: ChatHarness, followup_service: object
) -> None:
    file_report(reporter)
    assert "Linda Jansen en de veiligheidscoördinator krijgen nu een bericht van mij." in reporter.text
    assert "krijgt nu direct bericht" not in reporter.text


def test_typed_commands_name_an_action_a_reference_a_note_and_details() -> None:
    assert parse_command("burger gebeld MLD-2026-00042 ging goed") == (
        "reaction", "MLD-2026-00042", "ging goed", {"how": "telefoon"})
    assert parse_command("gesproken mld-2026-00042") == ("spoke", "MLD-2026-00042", None, None)
    assert parse_command("steungesprek MLD-2026-00042") == ("support", "MLD-2026-00042", None, None)
    assert parse_command("geen aangifte MLD-2026-00042: excuses aangeboden") == (
        "no_aangifte", "MLD-2026-00042", "excuses aangeboden", None)
    assert parse_command("Afgerond MLD-2026-00042") == ("done", "MLD-2026-00042", None, None)
    assert parse_command("bekijk MLD-2026-00042") == ("view", "MLD-2026-00042", None, None)
    assert parse_command("toon MLD-2026-00042") == ("view", "MLD-2026-00042", None, None)
    assert parse_command("hij zei iets over MLD-2026-00042") is None
    assert parse_command("contact opnemen graag") is None
