"""Statements run on the driver's cursor (bot/storage/prepared.py) store and read exactly what SQLAlchemy
does, inside the unit of work's transaction, and fail with SQLAlchemy's errors, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Container
from bot.storage import prepared
from bot.storage.orm import ConversationRow, DeliveryRow
from bot.storage.prepared import Prepared
from bot.storage.repositories import _RECORD_DELIVERY, SqlDeliveryLog, dialect_of

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
