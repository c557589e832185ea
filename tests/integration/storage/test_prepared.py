"""Statements run on the driver's cursor (bot/storage/prepared.py) store and read exactly what SQLAlchemy
does, inside the unit of work's transaction, and fail with SQLAlchemy's errors, on SQLite and PostgreSQL; on
PostgreSQL as named statements through libpq that live beside psycopg and SQLAlchemy's own handling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.storage import prepared
from bot.storage.orm import ConversationRow, DeliveryRow
from bot.storage.prepared import Prepared
from bot.storage.repositories import _RECORD_DELIVERY, _RECORD_DELIVERY_PREPARED, SqlDeliveryLog, dialect_of
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander

NOW = datetime(2026, 3, 2, 9, 0, 30, 123456, tzinfo=UTC)
ANSWER = [{"text": "Dank je. Wanneer gebeurde het? 🙏", "choices": ["Net", "Vandaag"], "prompt_id": "p3"}]


def test_what_it_writes_reads_back_through_sqlalchemy_unchanged(container: Container) -> None:
    with container.session_factory() as session:
        assert SqlDeliveryLog(session).record("web", "m-1", ANSWER, NOW)
        session.commit()
    with container.session_factory() as session:
        row = session.scalars(select(DeliveryRow).where(DeliveryRow.delivery_id == "m-1")).one()
        assert row.response == ANSWER
        assert row.created_at == NOW
        assert row.created_at.tzinfo is not None
        # And the other way round: a row written by SQLAlchemy reads back through the cursor the same.
        assert SqlDeliveryLog(session).response("web", "m-1") == ANSWER


def test_it_runs_inside_the_transaction_of_the_unit_of_work(container: Container) -> None:
    with container.session_factory() as session:
        SqlDeliveryLog(session).record("web", "m-2", ANSWER, NOW)
        session.rollback()
    with container.session_factory() as session:
        assert session.scalars(select(DeliveryRow).where(DeliveryRow.delivery_id == "m-2")).first() is None


def test_a_second_record_of_a_delivery_is_refused_without_an_error(container: Container) -> None:
    with container.session_factory() as session:
        log = SqlDeliveryLog(session)
        assert log.record("web", "m-3", ANSWER, NOW)
        assert not log.record("web", "m-3", [{"text": "anders"}], NOW + timedelta(seconds=1))
        session.commit()
        assert log.response("web", "m-3") == ANSWER


def test_a_failing_statement_raises_sqlalchemys_error(container: Container) -> None:
    insert_state = Prepared(ConversationRow.__table__.insert())  # type: ignore[attr-defined]
    values = {"channel": "web", "user_key": "demo", "employee_id": "demo", "state": {"step": "idle"},
              "version": 1, "updated_at": NOW}
    with container.session_factory() as session:
        insert_state.run(session.connection(), values)
        with pytest.raises(IntegrityError):
            insert_state.run(session.connection(), values)
        session.rollback()


def test_listeners_hear_each_statement_until_they_stop(container: Container) -> None:
    heard: list[str] = []
    stop = prepared.listen(heard.append)
    with container.session_factory() as session:
        SqlDeliveryLog(session).record("web", "m-4", ANSWER, NOW)
        stop()
        SqlDeliveryLog(session).record("web", "m-5", ANSWER, NOW)
        dialect = dialect_of(session)
        session.rollback()
    assert len(heard) == 1
    assert heard[0].split()[:3] == str(_RECORD_DELIVERY[dialect].compile(
        dialect=container.db.dialect)).split()[:3]


# -- PostgreSQL: named statements through libpq (bot/storage/libpq.py) ------------------------------------------

@pytest.fixture
def pg(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    """The storage on PostgreSQL only (these tests are about its driver)."""
    with database_url("postgres", tmp_path) as url:
        c = bootstrap(Settings(database_url=url, attachments_dir=tmp_path / "attachments",
                               model_dir=tmp_path / "model", scheduler_enabled=False),
                      understander=FakeUnderstander(), clock=clock)
        yield c
        c.close()


@pytest.mark.postgres
def test_on_postgresql_a_statement_is_prepared_once_per_connection_and_psycopg_prepares_nothing(pg: Container) -> None:
    container = pg
    with container.session_factory() as session:
        log = SqlDeliveryLog(session)
        for n in range(7):  # psycopg itself would prepare a statement from its fifth run on
            log.record("web", f"p-{n}", ANSWER, NOW)
        names = session.connection().exec_driver_sql(
            "SELECT name, statement FROM pg_prepared_statements ORDER BY name").all()
        session.rollback()
    assert [name for name, _ in names] == ["meldbot_0"]
    assert names[0][1].lstrip().upper().startswith("INSERT INTO PROCESSED_DELIVERIES")


@pytest.mark.postgres
def test_on_postgresql_statements_outlive_a_rollback_and_run_again_in_the_next_transaction(pg: Container) -> None:
    container = pg
    with container.db.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        conn.rollback()
        for n in range(3):
            with container.session_factory(bind=conn) as session:
                assert SqlDeliveryLog(session).record("web", f"r-{n}", ANSWER, NOW)
                session.rollback()  # psycopg used to send DEALLOCATE ALL here once it had prepared anything
        with container.session_factory(bind=conn) as session:
            assert SqlDeliveryLog(session).record("web", "r-kept", ANSWER, NOW)
            session.commit()
        assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() == pid  # the same connection all along
        conn.rollback()
    with container.session_factory() as session:
        kept = session.scalars(select(DeliveryRow.delivery_id).where(DeliveryRow.delivery_id.like("r-%"))).all()
    assert kept == ["r-kept"]


@pytest.mark.postgres
def test_on_postgresql_a_statement_opens_the_transaction_and_in_autocommit_it_does_not(pg: Container) -> None:
    container = pg
    from psycopg import pq

    from bot.storage.auth import find_session
    from bot.storage.db import read_only

    with container.db.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        transaction = conn.begin()  # as the unit of work does: SQLAlchemy's transaction, no statement yet
        assert driver.pgconn.transaction_status == pq.TransactionStatus.IDLE
        rows, _ = _RECORD_DELIVERY_PREPARED["postgresql"].run(conn, {
            "p_new_channel": "web", "p_new_delivery_id": "t-1", "p_created_at": NOW, "p_response": ANSWER})
        assert rows
        assert driver.pgconn.transaction_status == pq.TransactionStatus.INTRANS
        transaction.rollback()
        assert driver.pgconn.transaction_status == pq.TransactionStatus.IDLE
    with container.session_factory() as session:
        assert SqlDeliveryLog(session).response("web", "t-1") is None
    with read_only(container.db).connect() as conn:
        assert find_session(conn, "no such session") is None
        driver = conn.connection.driver_connection
        assert driver is not None
        assert driver.autocommit
        assert driver.pgconn.transaction_status == pq.TransactionStatus.IDLE


@pytest.mark.postgres
def test_on_postgresql_a_lost_connection_is_invalidated_and_the_next_one_works(pg: Container) -> None:
    container = pg
    from sqlalchemy.exc import OperationalError

    with container.session_factory() as session:
        log = SqlDeliveryLog(session)
        assert log.record("web", "l-1", ANSWER, NOW)
        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with container.db.connect() as other:
            # with a timeout it returns once the backend is gone (otherwise the next statement may still run)
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid or 0)}, 5000)")
            other.commit()
        with pytest.raises(OperationalError) as raised:
            log.record("web", "l-2", ANSWER, NOW)
        assert raised.value.connection_invalidated
        session.rollback()
    with container.session_factory() as session:
        assert SqlDeliveryLog(session).record("web", "l-3", ANSWER, NOW)
        session.commit()
        assert SqlDeliveryLog(session).response("web", "l-3") == ANSWER


@pytest.mark.postgres
def test_on_postgresql_statements_dropped_behind_its_back_are_prepared_again(pg: Container) -> None:
    container = pg
    from sqlalchemy.exc import OperationalError

    with container.db.connect() as conn:
        with container.session_factory(bind=conn) as session:
            assert SqlDeliveryLog(session).record("web", "d-1", ANSWER, NOW)
            session.commit()
        conn.exec_driver_sql("DEALLOCATE ALL")
        conn.commit()
        with container.session_factory(bind=conn) as session:
            with pytest.raises(OperationalError):  # the one statement that finds its name gone fails (a turn
                # retries an OperationalError whole)...
                SqlDeliveryLog(session).record("web", "d-2", ANSWER, NOW)
            session.rollback()
        with container.session_factory(bind=conn) as session:  # ...and the next is prepared anew
            assert SqlDeliveryLog(session).record("web", "d-3", ANSWER, NOW)
            session.commit()


@pytest.mark.postgres
def test_on_postgresql_the_transaction_it_opens_has_the_connections_settings(pg: Container) -> None:
    container = pg
    from bot.storage.auth import find_session

    engine = container.db.execution_options(isolation_level="SERIALIZABLE", postgresql_readonly=True)
    with engine.connect() as conn:
        transaction = conn.begin()
        assert find_session(conn, "no such session") is None  # the first statement of the transaction
        settings = conn.exec_driver_sql("SELECT current_setting('transaction_isolation'), "
                                        "current_setting('transaction_read_only')").one()
        transaction.rollback()
    assert tuple(settings) == ("serializable", "on")


def test_a_one_row_insert_must_name_every_column_that_has_a_default() -> None:
    from sqlalchemy import insert

    from bot.storage.orm import ReportRow
    from bot.storage.repositories import _REPORT_COLUMNS, _row_insert

    table = ReportRow.__table__
    _row_insert(insert, table, _REPORT_COLUMNS)  # what filing writes: every defaulted column is there
    with pytest.raises(ValueError, match="status"):  # Prepared would leave it NULL instead of 'ingediend'
        _row_insert(insert, table, [c for c in _REPORT_COLUMNS if c != "status"])


@pytest.mark.postgres
def test_on_postgresql_a_chat_turn_whose_statements_were_dropped_is_retried_and_answered(pg: Container) -> None:
    from bot.conversation.messages import IncomingMessage

    user = pg.org.employees[0].id
    first = pg.chat.handle(IncomingMessage("web", user, "Hallo", delivery_id="g-1"))
    with pg.db.connect() as conn:  # the pool's one connection: the one the next turn takes
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar()
        conn.exec_driver_sql("DEALLOCATE ALL")
        conn.commit()
    again = pg.chat.handle(IncomingMessage("web", user, "Hallo", delivery_id="g-1"))  # the same delivery
    assert again.duplicate
    assert [r.text for r in again.replies] == [r.text for r in first.replies]
    with pg.db.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar()
