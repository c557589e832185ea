"""The few statements every chat turn runs, on the driver's cursor of a SQLAlchemy connection.

A Core statement executed through SQLAlchemy costs about 50 µs of Python per execution besides the database's
own work (execution context, events, result wrapping); a turn runs four of them, a web message one more for
its session. `Prepared` compiles a Core statement once per dialect and runs it straight on the DBAPI cursor of
the connection the unit of work already holds (so inside its transaction), with SQLAlchemy's own bind and
result processors of the columns' types: the same SQL, the same stored forms (JSON, UTC datetimes), the same
errors (raised as SQLAlchemy's DBAPIError subclasses, so retries see an OperationalError as before; a lost
connection is invalidated). Everything else goes through SQLAlchemy as usual.

On PostgreSQL (psycopg) a statement goes one step further down, to a named prepared statement run through
libpq (bot/storage/libpq.py); elsewhere, or on a connection that can't take that, it runs on the cursor.

Statements run this way do not pass SQLAlchemy's cursor events; `listen` gives their SQL to a counter
(the tests and benchmarks that count a turn's statements listen to both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ClauseElement

from bot.storage import libpq

_listeners: list[Callable[[str], None]] = []


def listen(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(sql)` before each prepared statement runs; returns the function that stops it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


# PostgreSQL's own placeholders ($1, $2, ...) for statements run through libpq; only for compiling.
_NUMBERED_PG = PGDialect_psycopg(paramstyle="numeric_dollar")


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None  # bind names in order (qmark), or None for named parameters
    defaults: Mapping[str, Any]  # values the statement carries itself (e.g. version=1)
    binds: Mapping[str, Callable[[Any], Any]]  # bind name -> processor
    results: tuple[Callable[[Any], Any] | None, ...]  # per result column
    encoded: bytes  # the SQL as sent to libpq


class Prepared:
    """A Core statement to run on the driver (its cursor, or libpq on PostgreSQL); see the module's docstring."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled(self, dialect: Dialect, numbered: bool = False) -> _Compiled:
        key = "numbered" if numbered else dialect.name
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect[key] = self._compile(dialect, numbered)
        return found

    def _compile(self, dialect: Dialect, numbered: bool) -> _Compiled:
        """The SQL (for `dialect`, or with PostgreSQL's numbered placeholders) and `dialect`'s processors."""
        compiled = self.statement.compile(dialect=_NUMBERED_PG if numbered else dialect)
        binds: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                binds[name] = processor
        defaults = {name: bind.value for name, bind in compiled.binds.items()
                    if not bind.required and bind.value is not None}
        columns = getattr(self.statement, "exported_columns", None) or ()
        results = tuple(col.type.dialect_impl(dialect).result_processor(dialect, None) for col in columns)
        positional = (tuple(compiled.positiontup or ()) if compiled.positional and (numbered or compiled.positiontup)
                      else None)
        return _Compiled(compiled.string, positional, defaults, binds, results, compiled.string.encode())

    def run(self, conn: Connection, params: Mapping[str, Any]) -> tuple[list[tuple[Any, ...]], int]:
        """The rows (processed) and the row count of one execution on `conn`'s driver connection."""
        dialect = conn.dialect
        driver = conn.connection.driver_connection
        assert driver is not None
        direct = dialect.name == "postgresql" and libpq.usable(driver)
        c = self._compiled(dialect, direct)
        values = {**c.defaults, **params}
        for name, process in c.binds.items():
            if name in values:
                values[name] = process(values[name])
        bound: Sequence[Any] | Mapping[str, Any] = (
            tuple(values[name] for name in c.positional) if c.positional is not None else values)
        for listener in _listeners:
            listener(c.sql)
        cursor = None
        try:
            if direct:
                assert isinstance(bound, tuple)
                rows, count = libpq.execute(driver, conn.connection.info, c.encoded, bound)
            else:
                cursor = driver.cursor()
                cursor.execute(c.sql, bound)
                rows = cursor.fetchall() if cursor.description is not None else []
                count = cursor.rowcount
        except dialect.loaded_dbapi.Error as exc:
            invalidated = dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
            if invalidated:
                conn.invalidate(exc)
            raise DBAPIError.instance(c.sql, bound, exc, dialect.loaded_dbapi.Error,
                                      connection_invalidated=invalidated, dialect=dialect) from exc
        finally:
            if cursor is not None:
                cursor.close()
        if any(c.results):
            rows = [tuple(p(v) if p is not None else v for p, v in zip(c.results, row, strict=True)) for row in rows]
        return rows, count
