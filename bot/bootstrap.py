"""The composition root: builds every adapter from Settings; nothing connects at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.followup import followup_hooks
from bot.clock import SystemClock
from bot.conversation.texts import Texts
from bot.domain.model import Organisation
from bot.org import load_organisation
from bot.ports import Clock, Understander, UnitOfWork
from bot.service import ChatService
from bot.settings import Settings
from bot.storage.db import make_engine, make_session_factory, migrate
from bot.storage.followup import FollowUpUnitOfWork
from bot.storage.orgsync import sync_organisation

logger = logging.getLogger(__name__)


@dataclass
class Container:
    """Everything the entry points (web, CLI, channels, scheduler) need, wired once."""

    settings: Settings
    org: Organisation
    texts: Texts
    tz: ZoneInfo
    clock: Clock
    db: Engine
    session_factory: sessionmaker[Session]
    uow_factory: Callable[[], UnitOfWork]
    understander: Understander
    chat: ChatService

    def close(self) -> None:
        self.db.dispose()


def load_texts(settings: Settings) -> Texts:
    with settings.texts_file.open(encoding="utf-8") as fh:
        return Texts(yaml.safe_load(fh))


def build_understander(settings: Settings) -> Understander:
    """The trained spaCy understanding (trained on first use when missing), or rules only."""
    import nlu

    if settings.understanding == "rules":
        return nlu.RuleUnderstander()
    return nlu.load_understander(settings.model_dir, settings.training_dir, train_if_missing=True)


def bootstrap(
    settings: Settings | None = None,
    *,
    understander: Understander | None = None,
    clock: Clock | None = None,
    org: Organisation | None = None,
) -> Container:
    settings = settings or Settings()
    clock = clock or SystemClock()
    org = org or load_organisation(settings.org_file)
    texts = load_texts(settings)
    tz = ZoneInfo(settings.timezone)
    db = make_engine(settings.database_url)
    if settings.migrate_on_start:
        migrate(db)
    session_factory = make_session_factory(db)
    with session_factory() as session:
        sync_organisation(session, org, clock.now())
        session.commit()

    def uow_factory() -> UnitOfWork:
        return FollowUpUnitOfWork(session_factory)

    understander = understander or build_understander(settings)
    on_filed, interceptors = followup_hooks(settings, org, texts, tz)
    chat = ChatService(
        uow_factory=uow_factory,
        understander=understander,
        texts=texts,
        org=org,
        clock=clock,
        tz=tz,
        on_filed=on_filed,
        resume_after_minutes=settings.resume_after_minutes,
        interceptors=interceptors,
    )
    return Container(settings, org, texts, tz, clock, db, session_factory, uow_factory, understander, chat)
