"""Turns on SQLite and PostgreSQL: durable state, one transaction a turn, dedup, serialisation."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from bot.bootstrap import Container
from bot.conversation.messages import IncomingMessage
from bot.storage.orm import AuditRow, ConversationRow, DeliveryRow, OutboxRow, ReportRow
from tests.conftest import ChatHarness

RICH = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."


def file_report(chat: ChatHarness) -> None:
    for line in ("Hallo", RICH, "Nee, verder", "Gaat wel", "1 en 3", "Klopt", "Versturen"):
        chat.say(line)


def count(container: Container, model: type) -> int:
    with container.session_factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_filed_report_is_stored_with_reference_audit_and_manager_message(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    file_report(chat)
    assert "MLD-2026-00001" in chat.text
    with container.uow_factory() as uow:
        report = uow.reports.get("MLD-2026-00001")
    assert report is not None
    assert report.description == RICH
    assert (report.primary_form, report.abcd, report.severe) == ("bedreiging", "D", True)
    assert report.occurred_start is not None
    assert report.occurred_start.tzinfo is not None
    with container.session_factory() as s:
        actions = s.scalars(select(AuditRow.action)).all()
        outbox = s.scalars(select(OutboxRow)).all()
    assert "report_filed" in actions
    assert [o.employee_id for o in outbox if o.kind == "escalation"] == ["mgr"]


def test_reference_numbers_count_up_per_year(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    file_report(chat)
    file_report(chat)
    with container.session_factory() as s:
        refs = s.scalars(select(ReportRow.reference).order_by(ReportRow.id)).all()
    assert refs == ["MLD-2026-00001", "MLD-2026-00002"]


def test_state_survives_a_new_container_on_the_same_database(container: Container, settings, clock) -> None:
    from bot.bootstrap import bootstrap
    from tests.fakes import FakeUnderstander

    chat = ChatHarness(container.chat.handle)
    chat.say("Hallo")
    chat.say("een meneer schold me helemaal verrot")
    container.close()
    clock.advance(hours=1)
    again = bootstrap(settings, understander=FakeUnderstander(), clock=clock)
    try:
        replies = ChatHarness(again.chat.handle).say("hoi")
        assert replies[0].text == "Je was bezig met een melding. We gaan verder waar je was."
    finally:
        again.close()


def test_same_delivery_twice_returns_the_same_replies_and_writes_once(container: Container) -> None:
    handle = container.chat.handle
    first = handle(IncomingMessage("web", "demo", "Hallo", delivery_id="x-1"))
    second = handle(IncomingMessage("web", "demo", "Hallo", delivery_id="x-1"))
    assert second.replies == first.replies
    assert second.duplicate is True
    assert count(container, DeliveryRow) == 1
    with container.session_factory() as s:
        assert s.scalar(select(ConversationRow.version)) == 1


def test_two_simultaneous_messages_of_one_user_are_serialised(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    chat.say("Hallo")
    chat.say("klant aan de balie werd boos en schold")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            barrier.wait()
            container.chat.handle(IncomingMessage("web", "demo", f"aanvulling nummer {i}", delivery_id=f"c{i}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with container.session_factory() as s:
        row = s.scalars(select(ConversationRow)).one()
    description = row.state["draft"]["description"]
    assert sorted(line for line in description.splitlines() if line.startswith("aanvulling")) == [
        f"aanvulling nummer {i}" for i in range(4)
    ]
    assert row.version == 2 + 4


HOSTILE = [
    "\u202eevil right-to-left override\u202c en een man schold",
    "👩‍👩‍👧‍👦🏳️‍🌈 hij schold 🤬 en spuugde",
    "'); DROP TABLE reports; -- hij schold me uit",
    "<script>alert('x')</script> <b>hij schold</b> &amp;",
    "hij schold " + "a" * 10_000,
]


def test_hostile_text_is_stored_exactly(container: Container) -> None:
    chat = ChatHarness(container.chat.handle, user="demo")
    for text in HOSTILE:
        chat.say("Hallo")
        chat.say(text)
        chat.say("stop")
        with container.session_factory() as s:
            row = s.scalars(select(ConversationRow)).one()
        assert row.state["draft"]["description"] == text
        chat.press("Nee, doorgaan")
        chat.say("stop")
        chat.press("Ja, stoppen")


def test_nul_bytes_are_removed_and_the_rest_kept(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    chat.say("Hallo")
    chat.say("hij\x00 schold me uit aan de balie")
    with container.session_factory() as s:
        row = s.scalars(select(ConversationRow)).one()
    assert row.state["draft"]["description"] == "hij schold me uit aan de balie"


def test_the_same_message_from_20_threads_at_once_is_one_turn_with_one_answer(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    chat.say("Hallo")
    chat.say("klant aan de balie werd boos en schold")
    barrier = threading.Barrier(20)
    answers: list[tuple[str, ...]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            outcome = container.chat.handle(IncomingMessage("web", "demo", "dubbel verstuurd", delivery_id="same"))
            answers.append(tuple(r.text for r in outcome.replies))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(answers)) == 1
    assert len(answers) == 20
    with container.session_factory() as s:
        row = s.scalars(select(ConversationRow)).one()
        deliveries = s.scalar(select(func.count()).select_from(DeliveryRow).where(DeliveryRow.delivery_id == "same"))
    assert row.state["draft"]["description"].count("dubbel verstuurd") == 1
    assert row.version == 3
    assert deliveries == 1
