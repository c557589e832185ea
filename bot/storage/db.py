"""Database engines: SQLite (WAL, one writer at a time) or PostgreSQL, and migrations on start."""

from __future__ import annotations

import fcntl
import logging
import os
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = 7305_0001  # pg_advisory_lock key: only one process migrates at a time


READ_ONLY = "meldbot_read_only"  # execution option: a read-only transaction (SQLite: no write lock)
WRITE_LOCK_TIMEOUT = 30.0  # seconds a write transaction waits for the writer, like SQLite's busy timeout


def json_dumps(value: Any) -> str:
    """JSON columns as text, like json.dumps reads them back (keys that are not strings become strings), about
    ten times faster; a turn writes its conversation state and replies this way."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite files get WAL, a busy timeout and one writer at a time (see _WriterLock).
    JSON columns go through orjson (json_dumps, orjson.loads). PostgreSQL goes through psycopg 3."""
    kwargs.setdefault("json_serializer", json_dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if url.startswith("sqlite"):
        writer = _WriterLock()
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30,
                                                  "factory": writer.connection_class()}, **kwargs)
        _tune_sqlite(engine, writer)
        if engine.url.database not in (None, "", ":memory:"):
            CHECKPOINTS.add(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # psycopg prepares nothing by itself: the statements of every turn are prepared by name (bot/storage/libpq.py),
    # and psycopg would drop those with DEALLOCATE ALL after each ROLLBACK once it had prepared one of its own.
    kwargs.setdefault("connect_args", {}).setdefault("prepare_threshold", None)
    engine = create_engine(url, **kwargs)
    # Several rows to INSERT go in one multi-row statement, as on SQLite, instead of psycopg's executemany in
    # pipeline mode (a filing's clocks, check-ins, audit lines and messages: about a tenth of a message's CPU).
    engine.dialect.use_insertmanyvalues_wo_returning = True
    _ping_idle_connections(engine)
    return engine


PING_AFTER_IDLE = 5.0  # seconds a pooled connection may rest before it is tested on checkout


def _ping_idle_connections(engine: Engine) -> None:
    """Test a pooled connection on checkout only when it rested a while (it may have been closed by a
    database restart or a network device since); a connection in steady use is not pinged on every
    request, which would cost a round trip each time (what pool_pre_ping does)."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def on_connect_or_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        rested = time.monotonic() - record.info.get("checked_in", 0.0)
        if rested < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            # The pool throws this connection away and tries another (a fresh one if need be).
            raise DisconnectionError("connection lost while it rested in the pool") from exc


def read_only(engine: Engine) -> Engine:
    """The same engine (and pool) for work that only reads: on SQLite it neither takes nor waits for the
    write lock (WAL readers see the last commit); on both it runs without BEGIN and ROLLBACK (each
    statement sees the last commit), which saves two round trips for a lookup of one row."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{READ_ONLY: True})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def one_statement(engine: Engine) -> Engine:
    """The same engine (and pool) for a write of one statement that needs no transaction around it: on
    PostgreSQL it runs in autocommit (one round trip instead of BEGIN, statement and COMMIT); on SQLite it
    stays a write transaction, which queues for this process's writer like every other."""
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class _WriterLock:
    """SQLite allows one writer at a time. Threads of this process queue here for it, in the order they come,
    instead of polling SQLite's lock (its busy handler sleeps up to 100 ms between tries, so a waiting
    turn could sleep long after the lock came free). Other processes still meet SQLite's busy timeout.

    The lock is taken before BEGIN IMMEDIATE and given back after COMMIT or ROLLBACK has finished (or when
    the connection closes), by the connection class below.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def acquire(self) -> None:
        if not self.lock.acquire(timeout=WRITE_LOCK_TIMEOUT):
            raise sqlite3.OperationalError("database is locked (waited for the writer)")

    def connection_class(self) -> type[sqlite3.Connection]:
        writer = self

        class WriterConnection(sqlite3.Connection):
            """A connection that holds this process's write lock from BEGIN IMMEDIATE to its end."""

            holds_lock = False

            def begin_write(self) -> None:
                writer.acquire()
                self.holds_lock = True
                try:
                    self.execute("BEGIN IMMEDIATE")
                except BaseException:
                    self._release()
                    raise

            def _release(self) -> None:
                if self.holds_lock:
                    self.holds_lock = False
                    writer.lock.release()

            def commit(self) -> None:
                try:
                    super().commit()
                finally:
                    if self.in_transaction is False:
                        self._release()

            def rollback(self) -> None:
                try:
                    super().rollback()
                finally:
                    self._release()

            def close(self) -> None:
                try:
                    super().close()
                finally:
                    self._release()

        return WriterConnection


class _WalCheckpoints:
    """One thread per process that copies the write-ahead log of every SQLite file in use back into the
    database (a PASSIVE checkpoint: it waits for no reader or writer, and turns never wait for it).

    Engines are held weakly: an engine nobody uses any more is forgotten, and with the last one the thread
    ends. A database file that is gone is never created again (the checkpoint opens it read-write only).
    """

    INTERVAL = 1.0  # seconds between checkpoints; SQLite's own would come every 1,000 pages (~4 MB)

    def __init__(self) -> None:
        self._engines: weakref.WeakSet[Engine] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __contains__(self, engine: object) -> bool:
        return engine in self._engines

    def add(self, engine: Engine) -> None:
        with self._lock:
            self._engines.add(engine)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.INTERVAL)
            with self._lock:
                paths = {str(e.url.database) for e in self._engines}
                if not paths:
                    self._thread = None
                    return
            for path in paths:
                checkpoint(path)


def checkpoint(path: str) -> tuple[int, int, int] | None:
    """A PASSIVE checkpoint of the SQLite file at `path`: (busy, frames in the log, frames copied), or None
    when there is no such database (any more)."""
    if not os.path.exists(f"{path}-wal"):
        return None
    try:
        # read-write only, never create; as_uri() escapes what a URI would misread (spaces, '?', '#')
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True, timeout=0,
                               check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return (int(row[0]), int(row[1]), int(row[2])) if row else None
    except sqlite3.Error as exc:  # locked or gone: the next tick tries again
        logger.debug("checkpoint of %s skipped: %s", path, exc)
        return None
    finally:
        conn.close()


CHECKPOINTS = _WalCheckpoints()


def _tune_sqlite(engine: Engine, writer: _WriterLock) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see on_begin), so that writes serialise.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        if engine in CHECKPOINTS:
            # The WAL is copied back into the database by CHECKPOINTS' thread, not by whichever turn
            # happens to commit when it passes 1,000 pages (that took a turn from 2 to 8 ms).
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # No BEGIN: each statement reads the last commit on its own (as on PostgreSQL in autocommit),
            # and the lookup of a session costs one statement instead of three.
            return
        dbapi_conn = conn.connection.dbapi_connection
        if isinstance(dbapi_conn, sqlite3.Connection) and hasattr(dbapi_conn, "begin_write"):
            try:
                dbapi_conn.begin_write()
            except sqlite3.OperationalError as exc:
                raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # imported when needed: alembic takes a while to import

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """On a SQLite file: one process (or thread) at a time migrates, through a lock file beside it."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    with open(f"{database}.migrate-lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def head_revisions() -> frozenset[str]:
    """The newest revision(s) of the migration scripts, read from their `revision`/`down_revision` lines
    (empty when a script does not spell them as a plain string or None: then alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(m.groups() for m in _REVISION_LINE.finditer(script.read_text(encoding="utf-8")))
        revision, down = found.get("revision", ""), found.get("down_revision", "")
        plain = re.fullmatch(r"'([^']+)'|\"([^\"]+)\"", revision)
        if plain is None or (down != "None" and re.fullmatch(r"'([^']+)'|\"([^\"]+)\"", down) is None):
            return frozenset()
        revisions.add(plain.group(1) or plain.group(2))
        if down != "None":
            parents.add(down.strip("'\""))
    return frozenset(revisions - parents)


def schema_is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision already (then start-up need not import alembic)."""
    heads = head_revisions()
    if not heads:
        return False
    try:
        with read_only(engine).connect() as conn:
            stored = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:  # noqa: BLE001 - no version table yet (a new database), or unreadable: let alembic see
        return False
    return stored == heads


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (safe to call from several processes at once)."""
    if schema_is_current(engine):
        logger.info("database schema is up to date (%s)", engine.dialect.name)
        return
    with _file_lock(engine):
        _migrate(engine)


def _migrate(engine: Engine) -> None:
    from alembic import command

    cfg = alembic_config(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
                conn.commit()
    logger.info("database schema is up to date (%s)", engine.dialect.name)
