"""A manager's buttons and typed actions: recorded, clocks stopped, status updated, the reporter told."""

from __future__ import annotations

from bot.service import ChatService
from tests.conftest import ChatHarness
from tests.unit.followup.fakes import FakeFollowUpStore, FollowUpFakeUnitOfWork
from tests.unit.followup.script import file_report


def feedback(uow: FollowUpFakeUnitOfWork) -> list[str]:
    return [o["replies"][0].text for o in uow.store.outbox if o["kind"] == "feedback"]


def test_a_pressed_button_is_relayed_to_the_reporter_naming_the_role(
    reporter: ChatHarness, manager: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    manager.say("2", in_reply_to=f"m:{reference}")
    assert manager.text.startswith(f"Vastgelegd bij {reference}: Burger gebeld. Sam krijgt hiervan bericht.")
    assert "Nog open: vandaag contact met de medewerker" in manager.text
    assert f"notitie {reference}" in manager.text
    assert feedback(uow) == [f"Nieuws over je melding {reference}: Je leidinggevende heeft de burger gebeld."]
    assert [o["employee_id"] for o in uow.store.outbox if o["kind"] == "feedback"] == ["demo"]


def test_a_typed_action_carries_its_note_to_the_reporter(
    reporter: ChatHarness, manager: ChatHarness, uow: FollowUpFakeUnitOfWork, store: FakeFollowUpStore
) -> None:
    reference = file_report(reporter)
    manager.say(f"reactie {reference} burger gebeld en gewaarschuwd")
    assert feedback(uow) == [
        f"Nieuws over je melding {reference}: Je leidinggevende heeft gereageerd naar de dader.\n"
        "Toelichting: burger gebeld en gewaarschuwd"]
    [action] = store.actions(reference)
    assert (action.actor_id, action.role, action.action, action.note) == (
        "mgr", "manager", "reaction", "burger gebeld en gewaarschuwd")


def test_an_action_stops_the_clocks_it_answers(
    reporter: ChatHarness, manager: ChatHarness, store: FakeFollowUpStore
) -> None:
    reference = file_report(reporter, wants="1 en 3")

    def still_open() -> set[str]:
        return {c.kind for c in store.clocks(reference) if c.acknowledged_at is None}

    assert still_open() == {"contact_today", "perpetrator_48h", "support_72h", "aangifte_2wd", "referral_2wd"}
    manager.say("1", in_reply_to=f"m:{reference}")  # Medewerker gesproken
    assert still_open() == {"perpetrator_48h", "support_72h", "aangifte_2wd", "referral_2wd"}
    manager.say("2", in_reply_to=f"m:{reference}")  # Burger gebeld
    assert still_open() == {"support_72h", "aangifte_2wd", "referral_2wd"}
    manager.say("3", in_reply_to=f"m:{reference}")  # Steungesprek gehouden
    assert still_open() == {"aangifte_2wd", "referral_2wd"}
    manager.say(f"geen aangifte {reference}")
    manager.say(f"doorverwezen {reference} bedrijfsmaatschappelijk werk")
    assert still_open() == set()
    assert all(c.acknowledged_by == "mgr" for c in store.clocks(reference))


def test_status_follows_the_actions_and_shows_under_my_reports(
    reporter: ChatHarness, manager: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    manager.say(f"gesproken {reference}")
    assert uow.store.reports[0].status == "in_behandeling"
    manager.say("6", in_reply_to=f"m:{reference}")
    assert uow.store.reports[0].status == "afgerond"
    assert feedback(uow)[-1] == f"Nieuws over je melding {reference}: Je leidinggevende heeft je melding afgerond."


def test_the_coordinator_may_act_and_is_named_as_such(
    reporter: ChatHarness, followup_service: ChatService, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    ChatHarness(followup_service.handle, user="coord").say(f"aangifte gedaan {reference}")
    assert feedback(uow) == [
        f"Nieuws over je melding {reference}: De veiligheidscoördinator laat weten dat er aangifte is gedaan."]


def test_a_manager_of_another_team_cannot_act_and_the_attempt_is_logged(
    reporter: ChatHarness, followup_service: ChatService, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    other = ChatHarness(followup_service.handle, user="mgr2")
    other.say(f"afgerond {reference}")
    assert other.text == "Je kunt alleen iets vastleggen bij meldingen van je eigen team."
    assert feedback(uow) == []
    assert uow.store.reports[0].status == "ingediend"
    assert ("mgr2", "report_action_refused") in [(a[1], a[2]) for a in uow.store.audit]


def test_an_unknown_reference_is_answered_plainly(manager: ChatHarness) -> None:
    manager.say("gesproken MLD-2026-00999")
    assert manager.text == "Ik ken geen melding MLD-2026-00999. Kijk of de code klopt."


def test_a_note_alone_is_added_and_relayed(
    reporter: ChatHarness, manager: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    manager.say(f"notitie {reference} de burger heeft excuses aangeboden")
    assert manager.text == f"Notitie vastgelegd bij {reference}. Sam krijgt hiervan bericht."
    assert feedback(uow) == [f"Nieuws over je melding {reference}: Je leidinggevende heeft een notitie toegevoegd.\n"
                             "Toelichting: de burger heeft excuses aangeboden"]


def test_the_engine_never_sees_a_follow_up_button(reporter: ChatHarness, manager: ChatHarness) -> None:
    reference = file_report(reporter)
    manager.say("Hallo")  # the manager starts a report of their own
    manager.say("3", in_reply_to=f"m:{reference}")
    assert "Die knop hoort bij een eerdere vraag" not in manager.text
    assert manager.text.startswith(f"Vastgelegd bij {reference}: Steungesprek gehouden.")


def test_mijn_meldingen_shows_the_status_the_manager_set(reporter: ChatHarness, manager: ChatHarness) -> None:
    reference = file_report(reporter)
    manager.say(f"burger gebeld {reference}")
    # The action lines come from the SQL repository; see the integration tests.
    assert "status: in behandeling" in reporter.say("mijn meldingen")[0].text


def test_the_old_contact_button_asks_which_contact_and_records_nothing(
    reporter: ChatHarness, manager: ChatHarness, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    manager.say("2", in_reply_to=f"a:{reference}")  # "Contact opgenomen" under a message from before the split
    assert manager.text.startswith("Met wie had je contact? Met de medewerker: typ 'gesproken")
    manager.say(f"contact {reference}")
    assert manager.text.startswith("Met wie had je contact?")
    assert feedback(uow) == []
    manager.say("3", in_reply_to=f"a:{reference}")  # the old "Reactie naar dader gegeven" keeps its meaning
    assert feedback(uow) == [f"Nieuws over je melding {reference}: Je leidinggevende heeft gereageerd naar de dader."]


def test_a_typed_measure_carries_its_kind(
    reporter: ChatHarness, manager: ChatHarness, store: FakeFollowUpStore, uow: FollowUpFakeUnitOfWork
) -> None:
    reference = file_report(reporter)
    manager.say(f"maatregel {reference} waarschuwing per brief")
    [action] = store.actions(reference)
    assert (action.action, action.details) == ("measure", {"measure": "waarschuwing"})
    assert feedback(uow)[0].startswith(
        f"Nieuws over je melding {reference}: Je leidinggevende heeft de dader een waarschuwing (gele kaart) gegeven.")
