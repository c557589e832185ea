"""PostgreSQL: a turn's few statements as named prepared statements run through psycopg's libpq interface.

psycopg's cursor spends about 40 µs of Python per execution on its own machinery (query conversion, the
prepared-statement manager, result selection, its wait generators) besides adapting the values; four
workers on two CPUs share that with the database server, so on PostgreSQL it was about a fifth of what a
message cost. Here a statement is prepared once per connection (`PQprepare`) and then run with
`PQexecPrepared`, with psycopg's own `Transformer` adapting the parameters and the rows: the same dumpers and
loaders as the cursor, so the same stored forms. libpq's blocking calls release the GIL while they wait.

The connection stays psycopg's and SQLAlchemy's:
- a statement outside a transaction on a connection that is not in autocommit first sends BEGIN with the
  connection's isolation level, read-only and deferrable settings, as psycopg itself would; psycopg sees the
  transaction (libpq's status) and commits or rolls it back as usual;
- the names live in the pool entry's `info` (cleared when SQLAlchemy replaces the connection);
- psycopg's own automatic preparing is off on these engines (bot.storage.db.make_engine): with it on,
  psycopg sends DEALLOCATE ALL after a ROLLBACK, which would drop these statements too;
- should the statements be dropped behind its back (DISCARD ALL, DEALLOCATE), the statement that finds its
  name gone fails with an OperationalError, which a chat turn retries whole, and they are prepared again;
- a connection in pipeline mode, or one whose psycopg prepares by itself, is left to the cursor (`usable`);
- errors are psycopg's own exceptions (from the result), so the caller maps them as it maps the cursor's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.errors import error_from_result

_INFO_KEY = "meldbot_libpq"
_OK = (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK)


class _ConnectionState:
    """Per driver connection: the transformer (reused, one statement at a time) and the prepared names."""

    __slots__ = ("names", "transformer")

    def __init__(self, driver: psycopg.Connection[Any]) -> None:
        self.transformer = Transformer(driver)
        self.names: dict[tuple[bytes, tuple[int, ...]], bytes] = {}


def usable(driver: object) -> bool:
    """True when statements may run on this driver connection's libpq connection directly."""
    if not isinstance(driver, psycopg.Connection) or driver.prepare_threshold is not None:
        return False
    return driver.pgconn.pipeline_status == pq.PipelineStatus.OFF


def begin_command(driver: psycopg.Connection[Any]) -> bytes:
    """BEGIN with the connection's transaction settings (SQLAlchemy sets the isolation level back to the
    default after an autocommit checkout, so READ COMMITTED is usually spelled out)."""
    parts = [b"BEGIN"]
    if driver.isolation_level is not None:
        parts.append(b"ISOLATION LEVEL " + psycopg.IsolationLevel(driver.isolation_level).name.replace("_", " ")
                     .encode())
    if driver.read_only is not None:
        parts.append(b"READ ONLY" if driver.read_only else b"READ WRITE")
    if driver.deferrable is not None:
        parts.append(b"DEFERRABLE" if driver.deferrable else b"NOT DEFERRABLE")
    return b" ".join(parts)


def execute(driver: psycopg.Connection[Any], info: dict[Any, Any], sql: bytes,
            values: Sequence[Any]) -> tuple[list[tuple[Any, ...]], int]:
    """Run `sql` (with $1.. placeholders) with `values`: the rows (as tuples, loaded by psycopg) and the row
    count. Raises psycopg's exceptions."""
    state: _ConnectionState | None = info.get(_INFO_KEY)
    if state is None:
        state = info[_INFO_KEY] = _ConnectionState(driver)
    pgconn = driver.pgconn
    if pgconn.status != pq.ConnStatus.OK:
        raise psycopg.OperationalError("the connection is lost")
    tx = state.transformer
    params = tx.dump_sequence(values, [PyFormat.AUTO] * len(values))
    key = (sql, tuple(tx.types))
    name = state.names.get(key)
    if name is None:
        name = b"meldbot_%d" % len(state.names)
        _check(driver, pgconn.prepare(name, sql, param_types=tx.types))
        state.names[key] = name
    if not driver.autocommit and pgconn.transaction_status == pq.TransactionStatus.IDLE:
        _check(driver, pgconn.exec_(begin_command(driver)))
    result = pgconn.exec_prepared(name, params, param_formats=tx.formats)
    _check(driver, result, forget=state)
    rows: list[tuple[Any, ...]] = []
    if result.status == pq.ExecStatus.TUPLES_OK:
        tx.set_pgresult(result)
        rows = tx.load_rows(0, result.ntuples, tuple)
        tx.set_pgresult(None)
    count = result.command_tuples
    return rows, -1 if count is None else count


def _check(driver: psycopg.Connection[Any], result: pq.abc.PGresult,
           forget: _ConnectionState | None = None) -> None:
    if result.status in _OK:
        return
    if driver.pgconn.status != pq.ConnStatus.OK:
        # No answer from the server (it closed the connection): what psycopg raises when its reads fail.
        raise psycopg.OperationalError(result.get_error_message(driver.info.encoding) or "the connection is lost")
    error = error_from_result(result, encoding=driver.info.encoding)
    if forget is not None and isinstance(error, psycopg.errors.InvalidSqlStatementName):
        # Something dropped the statements (DISCARD ALL, DEALLOCATE ALL): prepare them again next time, and
        # fail as a busy database does, so that a chat turn is retried whole.
        forget.names.clear()
        raise psycopg.OperationalError(f"prepared statements were dropped: {error}") from error
    raise error
