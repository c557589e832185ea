"""The turn's storage fast paths on SQLite and PostgreSQL: one-statement start of a turn, upserts instead of
savepoints, one writer at a time on SQLite, read-only lookups, and testing pooled connections that rested."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Container
from bot.conversation.state import ConversationState
from bot.ports import ConcurrencyConflict
from bot.storage import db as db_module
from bot.storage import prepared
from bot.storage.auth import SqlAuthStore, find_session, touch_session
from bot.storage.db import make_engine, migrate, read_only
from bot.storage.repositories import SqlConversationStore, SqlDeliveryLog, SqlReportRepository
from bot.web.auth import WebAuth
from tests.dbs import database_url

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def statements() -> Iterator[Callable[[Container], list[str]]]:
    """What the database is asked from now on: through SQLAlchemy and the prepared statements of a turn."""
    stops: list[Callable[[], None]] = []

    def start(container: Container) -> list[str]:
        seen: list[str] = []
        event.listen(container.db, "before_cursor_execute", lambda *args: seen.append(args[2]))
        stops.append(prepared.listen(seen.append))
        return seen

    yield start
    for stop in stops:
        stop()


def test_start_turn_reads_state_and_dedup_answer_in_one_statement(
        container: Container, statements: Callable[[Container], list[str]]) -> None:
    with container.session_factory() as session:
        SqlConversationStore(session).save("web", "demo", "demo", ConversationState(step="describe"), None)
        SqlDeliveryLog(session).record("web", "old", [{"text": "al gezien"}], NOW)
        session.commit()
    seen = statements(container)
    with container.session_factory() as session:
        store = SqlConversationStore(session)
        fresh = store.start_turn("web", "demo", "web", "new")
        seen_for_fresh = len(seen)
        again = store.start_turn("web", "demo", "web", "old")
    assert fresh.stored is None
    assert fresh.loaded is not None
    assert fresh.loaded[0].step == "describe"
    assert fresh.loaded[1] == 1
    assert seen_for_fresh == 1
    assert again.stored == [{"text": "al gezien"}]
    assert again.loaded is None


def test_start_turn_of_a_first_message_finds_no_state(container: Container) -> None:
    with container.session_factory() as session:
        start = SqlConversationStore(session).start_turn("web", "nieuw", "terminal", "m-1")
    assert (start.stored, start.loaded) == (None, None)


def test_a_second_first_state_is_a_concurrency_conflict_not_an_error(container: Container) -> None:
    with container.session_factory() as session:
        store = SqlConversationStore(session)
        store.save("web", "demo", "demo", ConversationState(), None)
        with pytest.raises(ConcurrencyConflict):
            store.save("web", "demo", "demo", ConversationState(), None)
        # The transaction is still usable: no statement failed.
        assert store.load("web", "demo") is not None


def test_reference_numbers_come_from_one_upsert_per_year(container: Container) -> None:
    with container.session_factory() as session:
        reports = SqlReportRepository(session)
        numbers = [reports.next_reference(2026), reports.next_reference(2026), reports.next_reference(2027)]
        session.commit()
    assert numbers == ["MLD-2026-00001", "MLD-2026-00002", "MLD-2027-00001"]


def test_noting_a_sessions_activity_is_one_statement_without_begin_or_commit_on_postgres(
        container: Container, statements: Callable[[Container], list[str]]) -> None:
    later = NOW + timedelta(minutes=5)
    with container.session_factory() as session:
        sid = SqlAuthStore(session).create_session("demo", "link", NOW)
        session.commit()
    auth = WebAuth(container.settings, container.session_factory, container.org, container.clock)
    assert auth.touch_engine is not None
    seen = statements(container)
    with auth.touch_engine.begin() as conn:
        touch_session(conn, sid, later)
    assert [sql.split()[0] for sql in seen] == ["UPDATE"]
    if container.db.dialect.name == "postgresql":  # autocommit: no BEGIN or COMMIT round trip
        assert auth.touch_engine.get_execution_options()["isolation_level"] == "AUTOCOMMIT"
    with read_only(container.db).connect() as conn:
        info = find_session(conn, sid)
    assert info is not None
    assert info.last_seen_at == later


def test_sqlite_writers_queue_in_the_process_instead_of_polling_the_lock(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            first_in.set()
            time.sleep(1.5)  # long enough that a reader waiting for this writer would be seen doing so
            order.append("first commits")

    def second() -> None:
        first_in.wait()
        with engine.begin() as conn:
            order.append("second begins")
            conn.execute(text("INSERT INTO t VALUES (2)"))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_in.wait()
    # A reader does not wait for the writer, and sees the last commit.
    with read_only(engine).connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM t")) == 0
    assert order == []  # read while the writer still held its transaction: the reader did not wait for it
    for t in threads:
        t.join()
    assert order == ["first commits", "second begins"]
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM t")) == 2
    engine.dispose()


def test_a_failed_write_transaction_gives_the_writer_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(IntegrityError):
            conn.execute(text("INSERT INTO t VALUES (1)"))
        conn.rollback()
    done = threading.Event()

    def write() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    threading.Thread(target=write).start()
    assert done.wait(5)
    engine.dispose()


@pytest.mark.postgres
def test_a_pooled_postgres_connection_that_died_while_resting_is_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE", 0.0)
    with database_url("postgres", tmp_path) as url:
        engine = make_engine(url)
        migrate(engine)
        with engine.connect() as conn:
            pid = conn.scalar(text("SELECT pg_backend_pid()"))
        admin = make_engine(url)
        with admin.connect() as conn:
            # with a timeout it returns once the backend is gone (otherwise the pool could still find it alive)
            conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            conn.commit()
        admin.dispose()
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 1")) == 1
            assert conn.scalar(text("SELECT pg_backend_pid()")) != pid
        engine.dispose()


def test_start_up_on_a_current_schema_does_not_need_alembic(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from bot.storage.db import alembic_config, head_revisions, migrate, schema_is_current

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert head_revisions() == frozenset(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    assert not schema_is_current(engine)  # a new database: alembic creates the schema
    migrate(engine)
    assert schema_is_current(engine)
    with engine.begin() as conn:
        current = conn.scalar(text("SELECT version_num FROM alembic_version"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not schema_is_current(engine)  # an older schema: alembic upgrades it, as before
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    assert schema_is_current(engine)
    engine.dispose()


def test_the_write_ahead_log_is_checkpointed_beside_the_turns_not_in_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commits never copy the log back themselves (that made a turn 4x slower now and then); a thread does."""
    done: list[tuple[str, str, tuple[int, int, int] | None]] = []
    real = db_module.checkpoint

    def watched(path: str) -> tuple[int, int, int] | None:
        result = real(path)
        done.append((threading.current_thread().name, path, result))
        return result

    monkeypatch.setattr(db_module, "checkpoint", watched)
    path = tmp_path / "a folder #1" / "wal.db"  # characters a file URI would misread
    path.parent.mkdir()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        conn.exec_driver_sql("CREATE TABLE t (x TEXT)")
    for _ in range(50):
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (?)", ("x" * 5000,))
    for _ in range(100):  # the thread's next tick comes within about a second
        if any(p == str(path) and r is not None for _, p, r in done):
            break
        time.sleep(0.05)
    ours = [(name, result) for name, p, result in done if p == str(path) and result is not None]
    assert ours
    name, (busy, frames, copied) = ours[0]
    assert name == "sqlite-checkpoints"
    assert busy == 0
    assert frames == copied > 0  # every frame of the log went into the database file
    engine.dispose()


def test_a_checkpoint_never_creates_a_database(tmp_path: Path) -> None:
    gone = tmp_path / "gone.db"
    assert db_module.checkpoint(str(gone)) is None
    assert not gone.exists()
