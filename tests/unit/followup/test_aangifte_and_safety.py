"""Help with aangifte (the 7 W's, domiciliekeuze, VPT) and the safety lines when a report is filed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from actions.aangifte import draft_text
from bot.conversation.flow import Engine, TurnContext
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.domain.model import Organisation, Report
from bot.service import ChatService
from tests.conftest import TZ, ChatHarness
from tests.fakes import FakeUnderstander
from tests.unit.followup.fakes import FollowUpFakeUnitOfWork
from tests.unit.followup.script import INSULT, file_report

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def threat() -> Report:
    return Report("MLD-2026-00042", "demo", "handhaving", "telegram", NOW,
                  "Een man dreigde aan de balie. Hij zei: ik weet waar je woont.", "bedreiging",
                  ("bedreiging", "bedreigen"), "D", True, "middel", occurred_text="gisteravond",
                  occurred_start=NOW - timedelta(hours=15), location_type="balie", witnesses="collega Sanne",
                  quotes=("ik weet waar je woont",), injury="nee")


def test_the_draft_holds_the_seven_ws_the_employers_address_and_the_vpt_marking(
    org: Organisation, texts: Texts
) -> None:
    text = draft_text(threat(), org.employee("demo"), org, texts, TZ)
    for w in ("Wie:", "Wat:", "Waar:", "Waarmee:", "Hoe:", "Wanneer:", "Waarom:"):
        assert f"\n{w} " in text, w
    assert "VPT-incident" in text
    assert "Domiciliekeuze" in text
    assert org.employer_address in text
    assert "Wie: ik ben Sam de Vries, medewerker van Gemeente Voorbeeldstad." in text
    assert "Getuigen: collega Sanne." in text
    assert "letterlijke woorden: 'ik weet waar je woont'" in text
    assert "Wanneer: dinsdag 17 november 2026, 19:00" in text
    assert "gisteravond" not in text


def test_typing_aangifte_after_filing_returns_the_draft_in_the_chat(
    reporter: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    assert f"Typ 'aangifte {reference}'" in reporter.text
    reporter.say(f"aangifte {reference}")
    assert reporter.text.startswith(f"Concept voor je aangifte bij de politie (melding {reference})")
    assert ("demo", "aangifte_draft", reference) in [(a[1], a[2], a[3]) for a in uow.store.audit]


def test_plain_aangifte_picks_the_newest_report_and_says_how_to_pick_another(reporter: ChatHarness) -> None:
    file_report(reporter)
    second = file_report(reporter, INSULT)
    replies = reporter.say("aangifte")
    assert f"(melding {second})" in replies[0].text
    assert replies[1].text == f"Voor een andere melding typ je 'aangifte' en de code, bijvoorbeeld 'aangifte {second}'."


def test_aangifte_without_any_report_explains_what_to_do_first(reporter: ChatHarness) -> None:
    reporter.say("aangifte")
    assert reporter.text.startswith("Je hebt nog geen melding gedaan.")


def test_only_the_reporter_their_manager_and_the_coordinator_get_a_draft(
    reporter: ChatHarness, manager: ChatHarness, followup_service: ChatService
) -> None:
    reference = file_report(reporter)
    colleague = ChatHarness(followup_service.handle, user="noor")
    colleague.say(f"aangifte {reference}")
    assert colleague.text == "Ik kan alleen een concept-aangifte maken voor je eigen meldingen."
    manager.say(f"aangifte {reference}")
    assert manager.text.startswith("Concept voor je aangifte")


def test_during_a_report_the_word_aangifte_is_an_answer_not_a_request(reporter: ChatHarness) -> None:
    reporter.say("Hallo")
    reporter.say("aangifte")
    assert "Concept" not in reporter.text


def filed_text(org: Organisation, texts: Texts, **draft: object) -> str:
    ctx = TurnContext(reporter=org.employee("demo"), now=NOW, texts=texts, tz=TZ,
                      understand=FakeUnderstander().understand, next_reference=lambda: "MLD-2026-00042",
                      own_reports=lambda: [], channel="telegram")
    state = ConversationState(step="confirm", draft={"description": "iets", "primary_form": "verbaal", **draft})
    return Engine().file(state, ctx).replies[0].text


def test_a_suicide_threat_by_a_citizen_points_to_the_113_line_for_professionals(
    org: Organisation, texts: Texts
) -> None:
    assert "0800-0113" in filed_text(org, texts, forms=["verbaal", "dreigen_zelfdoding"])
    assert "0800-0113" not in filed_text(org, texts)


def test_doxing_gives_the_doxing_steps_and_the_aangifte_help(org: Organisation, texts: Texts) -> None:
    text = filed_text(org, texts, doxing=True)
    assert "doxing" in text
    assert "sinds 1 januari 2024 strafbaar" in text
    assert "screenshots" in text
    assert "Typ 'aangifte MLD-2026-00042'" in text


def test_a_verbal_report_without_wish_for_aangifte_gets_no_aangifte_line(org: Organisation, texts: Texts) -> None:
    assert "aangifte MLD" not in filed_text(org, texts)
    assert "aangifte MLD" in filed_text(org, texts, wants=["aangifte_help"])


def test_the_draft_leaves_unknowns_as_unknown(org: Organisation, texts: Texts) -> None:
    bare = replace(threat(), occurred_text=None, occurred_start=None, location_type=None, witnesses=None,
                   quotes=(), injury=None)
    text = draft_text(bare, org.employee("demo"), org, texts, TZ)
    assert "Wanneer: onbekend" in text
    assert "Waar: onbekend" in text


def test_the_draft_explains_aangifte_onder_nummer_correctly(org: Organisation, texts: Texts) -> None:
    text = draft_text(threat(), org.employee("demo"), org, texts, TZ)
    assert "Aangifte doen is nooit anoniem" in text
    assert "aangifte doen onder nummer. Dan staat je naam niet in het dossier dat de verdachte kan inzien" in text
    assert "Je werkgever kan ook zelf aangifte doen." in text
    assert "zonder je naam" not in text


def test_aangifte_is_offered_for_vernieling_too(org: Organisation, texts: Texts) -> None:
    from actions.filing import ReportFiler

    report = replace(threat(), primary_form="verbaal", forms=("verbaal", "vernieling"), severe=False, wants=())
    uow = FollowUpFakeUnitOfWork()
    with uow:
        replies = ReportFiler(org, texts, tz=TZ)(uow, report, org.employee("demo"), NOW)
    assert f"Typ 'aangifte {report.reference}'" in "\n".join(r.text for r in replies)
    assert "aangifte_2wd" in {c.kind for c in uow.followup.clocks(report.reference)}
