"""The whole follow-up loop on SQLite and PostgreSQL, with time travel: escalation, feedback, clocks, check-ins."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from actions.dispatch import TickResult
from bot.storage.followup import CheckInRow, ClockRow
from bot.storage.orm import AuditRow, OutboxRow
from tests.integration.followup.conftest import CHAT_IDS, FollowUp
from tests.unit.followup.script import INSULT, file_report


def questions(texts: list[str]) -> list[str]:
    """The check-in questions among what someone received."""
    return [t for t in texts if "Hoe gaat het nu met je?" in t]


def after_filing(texts: list[str]) -> list[str]:
    """What someone received besides the coordinator's copy of a severe report at filing."""
    return [t for t in texts if not t.startswith("Ernstige melding")]


def test_a_severe_report_reaches_the_manager_and_the_coordinator_exactly_once(followup: FollowUp) -> None:
    reference = file_report(followup.chat("demo"))
    followup.tick()
    followup.tick()
    [replies] = followup.sender.to("mgr")
    assert replies[0].text.startswith(f"Ernstige melding {reference} van Sam de Vries.")
    assert "48 uur" in replies[0].text
    assert replies[0].prompt_id == f"m:{reference}"
    [copy] = followup.sender.to("coord")
    assert copy[0].text.startswith(f"Ernstige melding {reference} van Sam de Vries. Ter informatie: Linda Jansen")
    assert [(o.kind, o.status, o.channel) for o in followup.outbox()] == [
        ("escalation", "sent", "telegram"), ("coordinator_alert", "sent", "telegram")]


def test_a_manager_action_reaches_the_reporter_and_shows_under_mijn_meldingen(followup: FollowUp) -> None:
    reporter = followup.chat("demo")
    reference = file_report(reporter)
    followup.tick()
    followup.chat("mgr").say("2", in_reply_to=f"m:{reference}")
    followup.tick()
    assert followup.sender.texts_to("demo") == [
        f"Nieuws over je melding {reference}: Je leidinggevende heeft de burger gebeld."]
    reporter.say("mijn meldingen")
    assert f"{reference} (18-11-2026): bedreiging, status: in behandeling" in reporter.text
    assert "18-11-2026: Je leidinggevende heeft de burger gebeld." in reporter.text


def test_the_48_hour_rule_reminds_after_24_and_44_hours_then_escalates_to_the_coordinator(
    followup: FollowUp,
) -> None:
    reference = file_report(followup.chat("demo"))
    followup.chat("mgr").say(f"steungesprek {reference}")
    followup.chat("mgr").say(f"aangifte gedaan {reference}")
    followup.tick()
    followup.travel(hours=23, minutes=59)
    assert [t for t in followup.sender.texts_to("mgr") if t.startswith("Herinnering")] == []
    followup.travel(minutes=1)
    followup.travel(hours=20)
    reminders = [t for t in followup.sender.texts_to("mgr") if t.startswith("Herinnering")]
    assert len(reminders) == 2
    assert all("Spreek de burger binnen 48 uur aan op het gedrag" in r for r in reminders)
    assert after_filing(followup.sender.texts_to("coord")) == []
    followup.travel(hours=4)
    [escalated] = after_filing(followup.sender.texts_to("coord"))
    assert escalated.startswith(f"De termijn is verstreken bij melding {reference} van Sam de Vries: "
                                "een reactie naar de dader binnen 48 uur.")
    assert followup.sender.to("coord")[-1][0].prompt_id == f"m:{reference}"
    missed = [t for t in followup.sender.texts_to("demo") if "niet op tijd gelukt" in t]
    assert missed == [f"Bij je melding {reference} is de reactie naar de burger binnen 48 uur niet op tijd gelukt, "
                      "daarom pakt de veiligheidscoördinator (Fatima Yilmaz) het nu op."]
    followup.travel(days=10)
    assert len(after_filing(followup.sender.texts_to("coord"))) == 1


def test_acknowledged_deadlines_stay_quiet(followup: FollowUp) -> None:
    reference = file_report(followup.chat("demo"))
    manager = followup.chat("mgr")
    for command in ("steungesprek", "burger gebeld", "geen aangifte"):
        manager.say(f"{command} {reference}")
    followup.tick()
    for _ in range(8):
        followup.travel(hours=12)
    assert [t for t in followup.sender.texts_to("mgr") if t.startswith("Herinnering")] == []
    assert after_filing(followup.sender.texts_to("coord")) == []
    assert [t for t in followup.sender.texts_to("demo") if "niet op tijd" in t] == []
    with followup.container.session_factory() as s:
        assert {c.acknowledged_by for c in s.scalars(select(ClockRow))} == {"mgr"}


def test_check_ins_arrive_on_day_1_14_and_42_after_the_incident(followup: FollowUp) -> None:
    reporter = followup.chat("demo")
    file_report(reporter)
    followup.tick()
    followup.travel(hours=23)
    assert followup.sender.texts_to("demo") == []
    followup.travel(hours=1)
    followup.travel(days=13)
    followup.travel(days=28)
    questions = [r for r in followup.sender.to("demo") if r[0].choices[:3] == ("Goed", "Wisselend", "Niet goed")]
    assert len(questions) == 3
    assert all("Hoe gaat het nu met je?" in q[0].text for q in questions)


def test_the_six_week_stress_sign_path_on_the_database(followup: FollowUp) -> None:
    reporter = followup.chat("demo")
    reference = file_report(reporter)
    followup.chat("mgr").say(f"afgerond {reference}")
    followup.tick()
    followup.travel(days=1)
    reporter.say("goed")
    followup.travel(days=13)
    reporter.say("gaat wel")
    followup.travel(days=28)
    [question] = followup.sender.to("demo")[-1]
    reporter.say("3", in_reply_to=question.prompt_id)
    assert "Vertrouwenspersoon: Karin de Boer, tel. 020 123 4502" in reporter.replies[0].text
    assert reporter.replies[-1].text.startswith("Nog één vraag")
    reporter.say("2", in_reply_to=reporter.replies[-1].prompt_id)
    assert reporter.replies[0].text.startswith("Dank je voor je eerlijke antwoord.")
    reporter.press("Ja, laat het weten")
    followup.tick()
    assert followup.sender.texts_to("mgr")[-1].startswith(
        f"Sam de Vries gaf bij de nazorgvraag over melding {reference} aan dat het niet zo goed gaat.")
    with followup.container.session_factory() as s:
        rows = s.scalars(select(CheckInRow).order_by(CheckInRow.seq)).all()
    assert [(r.status, r.mood) for r in rows] == [
        ("answered", "goed"), ("answered", "wisselend"), ("answered", "niet_goed")]
    assert (rows[2].referral_offered, rows[2].manager_informed, rows[2].note) == (True, True, None)


def test_a_stopped_reporter_gets_no_more_check_ins(followup: FollowUp) -> None:
    reporter = followup.chat("demo")
    file_report(reporter)
    reporter.say("stop nazorg")
    for _ in range(3):
        followup.travel(days=20)
    assert questions(followup.sender.texts_to("demo")) == []


def test_several_check_ins_missed_during_downtime_ask_only_the_newest(followup: FollowUp) -> None:
    file_report(followup.chat("demo"))
    followup.travel(days=20)  # day 1 and day 14 are both due now
    assert len(questions(followup.sender.texts_to("demo"))) == 1
    with followup.container.session_factory() as s:
        assert [r.status for r in s.scalars(select(CheckInRow).order_by(CheckInRow.seq))] == [
            "expired", "asked", "scheduled"]


def test_non_severe_reports_filed_before_the_digest_time_come_together_that_morning(followup: FollowUp) -> None:
    followup.clock.current = datetime(2026, 11, 19, 5, 0, tzinfo=UTC)  # Thursday 06:00 in Amsterdam
    first = file_report(followup.chat("demo"), INSULT)
    second = file_report(followup.chat("noor"), INSULT)
    followup.tick()
    assert followup.sender.to("mgr") == []
    followup.clock.current = datetime(2026, 11, 19, 6, 59, tzinfo=UTC)
    followup.tick()
    assert followup.sender.to("mgr") == []
    followup.travel(minutes=1)
    [digest] = followup.sender.to("mgr")
    assert digest[0].text == "Je dagoverzicht: 2 nieuwe meldingen van je team. Niet ernstig, maar wel belangrijk."
    assert [r.prompt_id for r in digest[1:]] == [f"m:{first}", f"m:{second}"]
    assert "Noor Bakker" in digest[2].text
    followup.travel(days=1)
    assert len([t for t in followup.sender.texts_to("mgr") if t.startswith("Je dagoverzicht")]) == 1


def test_a_blocked_user_is_marked_and_reported_to_the_coordinator_not_retried(followup: FollowUp) -> None:
    followup.sender.blocked.add(CHAT_IDS["mgr"])
    reference = file_report(followup.chat("demo"))
    result = followup.tick()
    assert (result.sent, result.undeliverable) == (2, 1)  # the coordinator's copy, and the notice
    [notice] = [t for t in followup.sender.texts_to("coord") if "kon niet worden bezorgd" in t]
    assert notice.startswith("Een bericht van meldbot aan Linda Jansen kon niet worden bezorgd "
                             f"(melding voor de leidinggevende, melding {reference}).")
    followup.travel(hours=1)
    followup.travel(hours=1)
    assert [(o.kind, o.status) for o in followup.outbox()] == [
        ("escalation", "undeliverable"), ("coordinator_alert", "sent"), ("undeliverable", "sent")]


def test_a_failing_send_is_retried_with_backoff_then_given_up(followup: FollowUp) -> None:
    followup.dispatcher.max_attempts = 3
    followup.sender.errors = [ConnectionError("down")] * 3
    file_report(followup.chat("demo"), INSULT)
    assert followup.tick().retried == 1
    assert followup.tick().retried == 0  # not due again before its backoff
    followup.travel(seconds=30)
    followup.travel(seconds=60)
    assert [(o.kind, o.status, o.attempts) for o in followup.outbox()][0] == ("escalation", "failed", 3)
    assert len(followup.sender.texts_to("coord")) == 1


def test_a_transient_failure_is_sent_once_when_the_channel_recovers(followup: FollowUp) -> None:
    followup.sender.errors = [ConnectionError("down")]
    file_report(followup.chat("demo"))
    followup.tick()
    followup.travel(seconds=30)
    followup.travel(minutes=5)
    assert len(followup.sender.to("mgr")) == 1


def test_without_any_channel_the_message_is_undeliverable(followup: FollowUp) -> None:
    file_report(followup.chat("ahmed"))  # neither ahmed nor his manager has a chat channel, and no SMTP
    followup.tick()
    assert [(o.employee_id, o.status, o.error) for o in followup.outbox()][0] == (
        "mgr2", "undeliverable", "no_channel")
    [notice] = [t for t in followup.sender.texts_to("coord") if "kon niet worden bezorgd" in t]
    assert notice.startswith("Een bericht van meldbot aan Peter Visser")


def test_several_rows_nobody_can_be_reached_for_are_each_settled_audited_and_reported(followup: FollowUp) -> None:
    first = file_report(followup.chat("ahmed"))
    second = file_report(followup.chat("ahmed"))
    result = followup.tick()
    assert result.undeliverable == 2
    assert [(o.employee_id, o.status, o.error) for o in followup.outbox() if o.employee_id == "mgr2"] == [
        ("mgr2", "undeliverable", "no_channel"), ("mgr2", "undeliverable", "no_channel")]
    notices = [t for t in followup.sender.texts_to("coord") if "kon niet worden bezorgd" in t]
    assert sorted(reference for reference in (first, second) for t in notices if reference in t) == sorted(
        [first, second])
    with followup.container.session_factory() as s:
        audited = s.scalars(select(AuditRow.reference).where(AuditRow.action == "outbox_undeliverable")).all()
    assert sorted(audited) == sorted([first, second])


def test_of_rows_nobody_can_be_reached_for_only_those_still_claimed_are_settled(followup: FollowUp) -> None:
    """The rows are settled in one statement; a row whose claim another worker took over is left to it."""
    file_report(followup.chat("ahmed"))
    file_report(followup.chat("ahmed"))
    claimed = [m for m in followup.dispatcher.claim(followup.clock.now()) if m.employee_id == "mgr2"]
    assert len(claimed) == 2
    taken, ours = claimed
    with followup.container.session_factory() as s:
        s.execute(update(OutboxRow).where(OutboxRow.id == taken.id).values(claimed_by="another worker"))
        s.commit()
    result = TickResult()
    followup.dispatcher.undeliverable(claimed, "no_channel", result)
    rows = {o.id: (o.status, o.claimed_by) for o in followup.outbox()}
    assert rows[taken.id] == ("sending", "another worker")
    assert rows[ours.id] == ("undeliverable", ours.token)
    with followup.container.session_factory() as s:
        audited = s.scalars(select(AuditRow.details).where(AuditRow.action == "outbox_undeliverable")).all()
        notices = s.scalars(select(OutboxRow.dedup_key).where(OutboxRow.kind == "undeliverable")).all()
    assert [d["outbox"] for d in audited] == [ours.id]
    assert notices == [f"undeliverable:{ours.id}"]


def test_a_row_left_sending_by_a_dead_worker_is_sent_once_after_the_lease(followup: FollowUp) -> None:
    file_report(followup.chat("demo"), INSULT)
    claimed = followup.dispatcher.claim(followup.clock.now())  # a worker claims and then dies
    assert len(claimed) == 1
    followup.tick()
    assert followup.sender.to("mgr") == []
    followup.travel(seconds=119)
    assert followup.sender.to("mgr") == []
    followup.travel(seconds=1)
    followup.travel(minutes=10)
    assert len(followup.sender.to("mgr")) == 1


def test_a_channel_served_by_another_process_is_left_for_it(followup: FollowUp) -> None:
    followup.dispatcher.senders = {}
    followup.dispatcher.deferred_channels = {"telegram"}
    file_report(followup.chat("demo"), INSULT)
    assert followup.tick().deferred == 1
    [row] = followup.outbox()
    assert (row.status, row.attempts, row.claimed_by) == ("pending", 0, None)
