"""The unit of work holds a Core connection and its transaction (SQLite and PostgreSQL): a turn that needs no ORM
makes no Session, its writes commit or roll back together, and the ORM, when used, works in the same transaction."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, PendingRollbackError
from sqlalchemy.orm import Session

from bot.bootstrap import Container
from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.domain.model import Evidence
from bot.storage.db import read_only
from bot.storage.orm import AuditRow, ConversationRow, DeliveryRow, LinkCodeRow, OutboxRow, ReportRow
from bot.storage.uow import SqlUnitOfWork
from tests.conftest import ChatHarness

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RICH = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."
FILING = ("Hallo", RICH, "Nee, verder", "Gaat wel", "niets", "Klopt", "Versturen")


class Boom(Exception):
    """Raised inside a unit of work, as a failing turn would."""


@pytest.fixture
def sessions_made(monkeypatch: pytest.MonkeyPatch) -> list[Session]:
    """Every ORM Session created from now on."""
    made: list[Session] = []
    init = Session.__init__

    def counting(self: Session, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Session, "__init__", counting)
    return made


def _count(container: Container, row: type) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(row)) or 0)


def _in_transaction(conn: Connection) -> bool:
    """Whether the driver's connection itself is inside a transaction (not only SQLAlchemy's bookkeeping)."""
    driver: Any = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        return bool(driver.in_transaction)
    return str(driver.info.transaction_status.name) != "IDLE"


def _write_to_every_table(uow: SqlUnitOfWork) -> None:
    uow.conversations.save("web", "demo", "demo", ConversationState(step="describe"), None)
    uow.deliveries.record("web", "d-1", [{"text": "ok"}], NOW)
    uow.audit.record(NOW, "demo", "test_write")
    uow.outbox.add("demo", [Reply("hallo")], due_at=NOW)


def test_a_turn_that_files_nothing_makes_no_orm_session(container: Container, sessions_made: list[Session]) -> None:
    chat = ChatHarness(container.chat.handle)
    for line in FILING[:4]:  # a greeting, a description, a button, a choice
        chat.say(line)
    with read_only(container.db).connect() as conn:
        assert conn.execute(select(ConversationRow.version)).scalar_one() == 4  # every turn was committed
    assert sessions_made == []
    with container.uow_factory() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        uow.conversations.load("web", "demo")
        assert sessions_made == []
        uow.link_codes.create("demo", NOW)  # the ORM: now, and only now, a Session
        assert len(sessions_made) == 1
        assert sessions_made[0].get_bind() is uow.session.connection()


def test_the_first_statement_runs_inside_the_transaction_and_commit_ends_it(container: Container) -> None:
    with container.uow_factory() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        # A statement on the driver's cursor (bot/storage/prepared.py), which begins nothing by itself.
        uow.conversations.start_turn("web", "demo", "web", "d-1")
        conn = uow.session.connection()
        assert _in_transaction(conn)
        uow.conversations.save("web", "demo", "demo", ConversationState(), None)
        uow.commit()
        assert conn.closed  # given back to the pool
        assert container.db.pool.checkedout() == 0
        # Used again after the commit: a new transaction, as a Session's autobegin would start.
        assert uow.conversations.load("web", "demo") is not None
        assert _in_transaction(uow.session.connection())
    assert container.db.pool.checkedout() == 0


@pytest.mark.parametrize("ending", ["commit", "rollback", "exception", "no commit"])
def test_writes_are_committed_together_or_not_at_all(container: Container, ending: str) -> None:
    tables = (ConversationRow, DeliveryRow, AuditRow, OutboxRow)
    with pytest.raises(Boom) if ending == "exception" else nullcontext(), container.uow_factory() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        _write_to_every_table(uow)
        if ending == "commit":
            uow.commit()
        elif ending == "rollback":
            uow.rollback()
            uow.commit()  # nothing is left to commit
        elif ending == "exception":
            raise Boom
    expected = 1 if ending == "commit" else 0
    assert [_count(container, t) for t in tables] == [expected] * len(tables)
    # The transaction (on SQLite: the process's write lock) was given back: the next one writes at once.
    with container.uow_factory() as uow:
        uow.audit.record(NOW, "demo", "after")
        uow.commit()
    assert _count(container, AuditRow) == expected + 1


def test_a_rolled_back_unit_of_work_can_read_and_commit_again(container: Container) -> None:
    with container.uow_factory() as uow:
        uow.deliveries.record("web", "d-1", [{"text": "eerste"}], NOW)
        uow.rollback()
        assert uow.deliveries.response("web", "d-1") is None
        uow.deliveries.record("web", "d-1", [{"text": "tweede"}], NOW)
        uow.commit()
    with container.uow_factory() as uow:
        assert uow.deliveries.response("web", "d-1") == [{"text": "tweede"}]


@pytest.mark.parametrize("ending", ["commit", "exception"])
def test_orm_writes_are_in_the_units_transaction(container: Container, ending: str) -> None:
    with pytest.raises(Boom) if ending == "exception" else nullcontext(), container.uow_factory() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        uow.audit.record(NOW, "demo", "code_asked")  # Core, before the ORM is used
        code = uow.link_codes.create("demo", NOW)  # the ORM (add and flush)
        # The same transaction: its Core statements see the ORM's row, nobody outside it does yet.
        seen = uow.session.connection().execute(select(LinkCodeRow.code)).scalars().all()
        assert seen == [code]
        with read_only(container.db).connect() as other:
            assert other.execute(select(func.count()).select_from(LinkCodeRow)).scalar() == 0
        uow.audit.record(NOW, "demo", "code_made")  # Core, after
        if ending == "exception":
            raise Boom
        uow.commit()
    expected = 1 if ending == "commit" else 0
    assert (_count(container, LinkCodeRow), _count(container, AuditRow)) == (expected, 2 * expected)


@pytest.mark.parametrize("ending", ["commit", "exception"])
def test_evidence_added_with_the_orm_commits_and_rolls_back_with_the_turn(container: Container, ending: str) -> None:
    chat = ChatHarness(container.chat.handle)
    for line in FILING:
        chat.say(line)
    assert "MLD-2026-00001" in chat.text
    audits = _count(container, AuditRow)
    photo = Evidence(kind="photo", path="web/a.jpg", mime_type="image/jpeg", size=10, original_name="a.jpg")
    with pytest.raises(Boom) if ending == "exception" else nullcontext(), container.uow_factory() as uow:
        uow.reports.add_evidence("MLD-2026-00001", [photo])
        uow.audit.record(NOW, "demo", "evidence_added", "MLD-2026-00001")
        if container.db.dialect.name == "postgresql":
            # The ORM's SELECT ... FOR UPDATE holds the report's row until the unit of work ends.
            with container.db.connect() as other, pytest.raises(OperationalError):
                other.execute(text("SELECT 1 FROM reports WHERE reference = 'MLD-2026-00001' FOR UPDATE NOWAIT"))
        if ending == "exception":
            raise Boom
        uow.commit()
    with container.uow_factory() as uow:
        report = uow.reports.get("MLD-2026-00001")
    assert report is not None
    assert report.evidence == ((photo,) if ending == "commit" else ())
    assert _count(container, AuditRow) == audits + (1 if ending == "commit" else 0)


def test_after_a_failed_orm_flush_nothing_runs_until_the_unit_of_work_is_rolled_back(container: Container) -> None:
    with container.session_factory() as session:
        session.add(LinkCodeRow(code="AAAA-BBBB", employee_id="demo", created_at=NOW,
                                expires_at=NOW + timedelta(days=7)))
        session.commit()
    with container.uow_factory() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        uow.audit.record(NOW, "demo", "lost")
        uow.session.add(LinkCodeRow(code="AAAA-BBBB", employee_id="demo", created_at=NOW,
                                    expires_at=NOW + timedelta(days=7)))
        with pytest.raises(IntegrityError):
            uow.session.flush()
        # The failed flush rolled the transaction back: a statement now would run outside the turn's transaction.
        with pytest.raises(PendingRollbackError):
            uow.audit.record(NOW, "demo", "outside")
        uow.rollback()
        uow.audit.record(NOW, "demo", "kept")
        uow.commit()
    with container.session_factory() as session:
        assert list(session.scalars(select(AuditRow.action))) == ["kept"]
        assert session.scalar(select(func.count()).select_from(ReportRow)) == 0

