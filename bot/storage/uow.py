"""The SQLAlchemy unit of work: one session, one transaction, all repositories."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.storage.repositories import (
    SqlAuditLog,
    SqlConversationStore,
    SqlDeliveryLog,
    SqlIdentities,
    SqlLinkCodes,
    SqlOutbox,
    SqlReportRepository,
)


class SqlUnitOfWork:
    """Use as `with uow_factory() as uow: ...; uow.commit()`; leaving without commit rolls back."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
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
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
