"""The filing turn writes its clocks and check-ins together (SQLite and PostgreSQL), and only when it commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, func, select

from bot.bootstrap import Container
from bot.storage.followup import CheckInRow, ClockRow
from bot.storage.orm import ReportRow
from tests.conftest import ChatHarness

RICH = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."
SCRIPT = ("Hallo", RICH, "Nee, verder", "Gaat wel", "niets", "Klopt")


def _count(container: Container, row: type) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(row)) or 0)


def test_a_filed_report_has_its_clocks_and_check_ins_with_the_earliest_deadline(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    for line in SCRIPT:
        chat.say(line)
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()[:3]))

    event.listen(container.db, "before_cursor_execute", note)
    try:
        chat.say("Versturen")
    finally:
        event.remove(container.db, "before_cursor_execute", note)
    assert "MLD-" in chat.text
    with container.session_factory() as session:
        report = session.scalars(select(ReportRow)).one()
        clocks = list(session.scalars(select(ClockRow).where(ClockRow.reference == report.reference)))
        checkins = list(session.scalars(select(CheckInRow).where(CheckInRow.reference == report.reference)))
    assert clocks
    assert checkins
    assert report.next_due_at == min(c.due_at for c in clocks)
    assert {c.team_id for c in [*clocks, *checkins]} == {report.team_id}
    assert {c.filed_at for c in [*clocks, *checkins]} == {report.created_at}
    # One INSERT each, whatever their number.
    assert statements.count("INSERT INTO report_clocks") == 1
    assert statements.count("INSERT INTO checkins") == 1


def test_clocks_and_check_ins_added_in_a_rolled_back_turn_are_not_written(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    for line in (*SCRIPT, "Versturen"):
        chat.say(line)
    clocks, checkins = _count(container, ClockRow), _count(container, CheckInRow)
    now = datetime.now(UTC)
    with container.uow_factory() as uow:
        reference = "MLD-2026-00001"
        uow.followup.add_clock(reference, "extra", "mgr", now, now + timedelta(days=1), None)  # type: ignore[attr-defined]
        uow.followup.add_checkin(reference, "demo", 99, now + timedelta(days=9), False)  # type: ignore[attr-defined]
        uow.rollback()
        uow.commit()  # nothing left to write
    assert (_count(container, ClockRow), _count(container, CheckInRow)) == (clocks, checkins)


def test_what_was_added_is_written_before_the_store_reads(container: Container) -> None:
    chat = ChatHarness(container.chat.handle)
    for line in (*SCRIPT, "Versturen"):
        chat.say(line)
    now = datetime.now(UTC)
    with container.uow_factory() as uow:
        store = uow.followup  # type: ignore[attr-defined]
        before = len(store.clocks("MLD-2026-00001"))
        store.add_clock("MLD-2026-00001", "extra", "mgr", now, now + timedelta(days=1), None)
        assert len(store.clocks("MLD-2026-00001")) == before + 1
        uow.commit()
