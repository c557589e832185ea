"""The SQLAlchemy unit of work: one connection, one transaction, all repositories.

A turn's statements are Core statements on the connection (most on its driver cursor, bot/storage/prepared.py),
so the unit of work holds a Core connection and its transaction rather than an ORM Session: a Session's
creation, transaction bookkeeping and close cost about three times what the connection's do, on every turn.
A Session is made only when a repository asks for the ORM (a link code, evidence added to a filed report,
an action on a report), bound to the same connection and inside the same transaction.
"""

from __future__ import annotations

from typing import Any, TypeVar, overload

from sqlalchemy import Connection, Engine, Executable, Result, ScalarResult
from sqlalchemy.exc import PendingRollbackError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.selectable import TypedReturnsRows

from bot.storage.repositories import (
    SqlAuditLog,
    SqlConversationStore,
    SqlDeliveryLog,
    SqlIdentities,
    SqlLinkCodes,
    SqlOutbox,
    SqlReportRepository,
)

T = TypeVar("T")


class ConnectionSession:
    """What the repositories use of a Session, on one Core connection and its transaction.

    The connection is taken from the pool and its transaction begun on first use (on SQLite the engine's
    "begin" event starts it with BEGIN IMMEDIATE under the process's writer lock), so that statements run on
    the driver cursor are inside it too. `commit` and `rollback` end it and give the connection back; the
    next use begins a new one, as a Session's autobegin would.

    The ORM methods go to a Session made on first use with `session_factory`'s options (expire_on_commit=False:
    rows read stay readable after the commit), bound to this connection. Joined in "rollback_only" mode it
    never commits the transaction itself: `commit` flushes it and then commits the connection. A failed flush
    rolls the transaction back (as it would a Session's own); the connection then refuses further statements
    until the unit of work is rolled back, so nothing runs outside the turn's transaction.
    """

    def __init__(self, engine: Engine, session_factory: sessionmaker[Session]) -> None:
        self.bind = engine
        self.info: dict[Any, Any] = {}
        self._factory = session_factory
        self._connection: Connection | None = None
        self._session: Session | None = None

    def get_bind(self) -> Engine:
        return self.bind

    def connection(self) -> Connection:
        """The connection, inside the transaction (begun here on first use)."""
        connection = self._connection
        if connection is None:
            connection = self._connection = self.bind.connect()
            connection.begin()
        elif not connection.in_transaction():
            raise PendingRollbackError("the transaction was rolled back after an error; roll back first")
        return connection

    def _orm(self) -> Session:
        session = self._session
        if session is None:
            session = self._session = self._factory(bind=self.connection(), join_transaction_mode="rollback_only")
        return session

    def execute(self, statement: Executable) -> Result[*tuple[Any, ...]]:
        return self._orm().execute(statement)

    @overload
    def scalars(self, statement: TypedReturnsRows[T]) -> ScalarResult[T]: ...

    @overload
    def scalars(self, statement: Executable) -> ScalarResult[Any]: ...

    def scalars(self, statement: Executable) -> ScalarResult[Any]:
        return self._orm().scalars(statement)

    def get(self, entity: type[T], ident: Any) -> T | None:
        return self._orm().get(entity, ident)

    def add(self, instance: object) -> None:
        self._orm().add(instance)

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def commit(self) -> None:
        """Write what the Session holds (if one was made), commit, and give the connection back."""
        if self._connection is None:
            return
        self.flush()
        self.connection().commit()
        self._release()

    def rollback(self) -> None:
        """Roll back what was not committed and give the connection back."""
        self._release()

    def _release(self) -> None:
        """Close the Session (if one was made) and the connection; closing it rolls back an open transaction."""
        session, self._session = self._session, None
        connection, self._connection = self._connection, None
        try:
            if session is not None:
                session.close()  # leaves the transaction alone: "rollback_only" does not own it
        finally:
            if connection is not None:
                connection.close()


class SqlUnitOfWork:
    """Use as `with uow_factory() as uow: ...; uow.commit()`; leaving without commit rolls back."""

    def __init__(self, engine: Engine, session_factory: sessionmaker[Session]) -> None:
        self._engine = engine
        self._factory = session_factory

    def __enter__(self) -> SqlUnitOfWork:
        self.session = ConnectionSession(self._engine, self._factory)
        self.reports = SqlReportRepository(self.session)
        self.conversations = SqlConversationStore(self.session)
        self.deliveries = SqlDeliveryLog(self.session)
        self.outbox = SqlOutbox(self.session)
        self.audit = SqlAuditLog(self.session)
        self.identities = SqlIdentities(self.session)
        self.link_codes = SqlLinkCodes(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
