"""The composition root: builds every adapter from Settings; nothing connects at import time."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
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
from bot.turn_runner import TurnRunner
from nlu.result import UnderstandContext, Understanding

logger = logging.getLogger(__name__)
POSTGRES_TURN_THREADS = 4


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
    turns: TurnRunner | None = None

    def run_turn(self) -> TurnRunner:
        """The runner of chat turns for async callers (made on first use; one thread pool per container)."""
        if self.turns is None:
            self.turns = TurnRunner(self.chat.handle, turn_threads(self.settings, self.db))
        return self.turns

    def close(self) -> None:
        if self.turns is not None:
            self.turns.close()
        self.db.dispose()


def turn_threads(settings: Settings, db: Engine) -> int:
    """Threads for chat turns: the setting, or 1 on SQLite (one writer at a time: more threads would only
    queue for the write lock and take turns at the interpreter) and 4 on PostgreSQL (turns of different
    people run at once there, each waiting on the network part of the time; with 8, a worker under full
    load took as much but answered its slowest messages two to four times later)."""
    if settings.turn_threads > 0:
        return settings.turn_threads
    return 1 if db.dialect.name == "sqlite" else POSTGRES_TURN_THREADS


def pool_options(settings: Settings) -> dict[str, Any]:
    """PostgreSQL: enough pooled connections for every turn thread plus the session lookups, the health check
    and the scheduler, so that a busy process does not open and close a connection per turn (connections
    beyond the pool's size are closed when given back)."""
    if settings.database_url.startswith("sqlite"):
        return {}
    threads = settings.turn_threads if settings.turn_threads > 0 else POSTGRES_TURN_THREADS
    return {"pool_size": threads + 4, "max_overflow": 8}


# libyaml's loader when PyYAML was built with it: the same safe subset, parsed about ten times faster.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_texts(settings: Settings) -> Texts:
    with settings.texts_file.open(encoding="utf-8") as fh:
        return Texts(yaml.load(fh, Loader=SAFE_LOADER))


def build_understander(settings: Settings) -> Understander:
    """The trained spaCy understanding (trained on first use when missing), or rules only."""
    import nlu

    if settings.understanding == "rules":
        return nlu.RuleUnderstander()
    return nlu.load_understander(settings.model_dir, settings.training_dir, train_if_missing=True)


class UnderstandingNotLoaded(RuntimeError):
    """The understanding could not be loaded (see the log); turns cannot be understood."""


class BackgroundUnderstander:
    """An understander that loads in a background thread, so that a server listens while the model loads.

    Loading begins at `start()` (the web app calls it once it listens, so the loading does not compete
    with the start-up for the CPU) or at the first `understand`, which waits until it is loaded; `ready`
    says whether it is (the health check reports it). A first call warms what loads lazily.
    """

    WARM_UP_TEXT = "Gisteren om 10 uur schold een man mij uit aan de balie."

    def __init__(self, load: Callable[[], Understander]) -> None:
        self._load_understander = load
        self._loaded: Understander | None = None
        self._failed = False
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._load, name="understanding-loader", daemon=True)
                self._thread.start()

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            understander = self._load_understander()
            understander.understand(self.WARM_UP_TEXT, UnderstandContext(now=datetime.now(UTC), expecting=None))
            warm_up_calendar()
            # What is loaded now (the model, the mappings, the modules) stays for the life of the process:
            # kept out of the collector's generations, full collections do not walk it again and again.
            gc.collect()
            gc.freeze()
            release_free_memory()
            self._loaded = understander
            logger.info("understanding loaded in %.1f s", time.perf_counter() - started)
        except Exception:
            self._failed = True
            logger.exception("the understanding could not be loaded")
        finally:
            self._done.set()

    @property
    def ready(self) -> bool:
        return self._loaded is not None

    @property
    def failed(self) -> bool:
        return self._failed

    def wait(self, timeout: float | None = None) -> bool:
        """Start loading and wait until it ended (loaded or failed); False when `timeout` passed first."""
        self.start()
        return self._done.wait(timeout)

    def understand(self, text: str, context: UnderstandContext) -> Understanding:
        self.wait()
        if self._loaded is None:
            raise UnderstandingNotLoaded("the understanding could not be loaded")
        return self._loaded.understand(text, context)


def release_free_memory() -> None:
    """Give the heap freed while loading (the model files' buffers) back to the system (glibc only)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the memory stays, nothing else changes
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def warm_up_calendar() -> None:
    """Load the Dutch public holidays now rather than in the first filing turn (their import takes a while)."""
    from actions.calendar import is_dutch_holiday

    today = datetime.now(UTC).date()
    for year in (today.year, today.year + 1):
        is_dutch_holiday(date(year, 1, 1))


def bootstrap(
    settings: Settings | None = None,
    *,
    understander: Understander | None = None,
    clock: Clock | None = None,
    org: Organisation | None = None,
    load_understanding_in_background: bool = False,
) -> Container:
    """Wire everything. With `load_understanding_in_background` (the web server) the trained model loads
    in a thread while the server already answers; turns wait for it, and the health check says so."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    org = org or load_organisation(settings.org_file)
    texts = load_texts(settings)
    tz = ZoneInfo(settings.timezone)
    db = make_engine(settings.database_url, **pool_options(settings))
    if settings.migrate_on_start:
        migrate(db)
    session_factory = make_session_factory(db)
    with session_factory() as session:
        sync_organisation(session, org, clock.now())
        session.commit()

    def uow_factory() -> UnitOfWork:
        return FollowUpUnitOfWork(db, session_factory)

    if understander is None:
        if load_understanding_in_background:
            understander = BackgroundUnderstander(lambda: build_understander(settings))
        else:
            understander = build_understander(settings)
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
