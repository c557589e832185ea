"""SQLAlchemy implementations of the storage ports.

The statements a turn runs (conversation state, delivery log, reference counter, report, audit and outbox
inserts) are built once, at import, with bound parameters, and executed as Core statements on the
session's connection: the ORM would only add per-call statement building and unit-of-work bookkeeping.
The three of every turn (its start, the state, the delivery) and those of filing that are asked per report or per
person told (the reference number, their addresses) run on the driver's cursor (bot/storage/prepared.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar, overload

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Executable,
    ScalarResult,
    Table,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Result
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import TypedReturnsRows

from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.domain.model import Evidence, Report, ReportSummary, format_reference
from bot.ports import ConcurrencyConflict, TurnStart
from bot.storage.orm import (
    AuditRow,
    ConversationRow,
    DeliveryRow,
    IdentityRow,
    LinkCodeRow,
    OutboxRow,
    ReportCounterRow,
    ReportRow,
)
from bot.storage.prepared import Prepared

_REPORT_FIELDS = (
    "reference", "reporter_id", "team_id", "channel", "created_at", "description", "primary_form", "abcd",
    "severe", "severity", "explanation", "corrected_by_reporter", "occurred_text", "occurred_start",
    "occurred_end", "location_type", "location_text", "injury", "damage", "weapon", "witnesses",
    "perpetrator", "feeling", "suicide_threat", "doxing", "status", "occurred_at",
    "reporter_role", "victim_id", "victim_name", "victim_told",
)

POSTGRESQL = "postgresql"
FILED_IN_THIS_SESSION = "meldbot_filed"  # session.info key: {reference: (team_id, created_at)} of reports added
T = TypeVar("T")


class StorageSession(Protocol):
    """What the repositories use of a Session: an ORM Session (the web, the CLI, the scheduler), or the unit of
    work's connection, which makes a Session only for the methods of the ORM (bot/storage/uow.py)."""

    @property
    def info(self) -> dict[Any, Any]: ...

    @property
    def bind(self) -> Engine | Connection | None: ...

    def get_bind(self) -> Engine | Connection: ...

    def connection(self) -> Connection: ...

    def execute(self, statement: Executable) -> Result[*tuple[Any, ...]]: ...

    @overload
    def scalars(self, statement: TypedReturnsRows[T]) -> ScalarResult[T]: ...

    @overload
    def scalars(self, statement: Executable) -> ScalarResult[Any]: ...

    def get(self, entity: type[T], ident: Any) -> T | None: ...

    def add(self, instance: object) -> None: ...

    def flush(self) -> None: ...


def dialect_of(session: StorageSession) -> str:
    bind = session.bind if session.bind is not None else session.get_bind()
    return bind.dialect.name


def _for_update(session: StorageSession) -> bool:
    return dialect_of(session) == POSTGRESQL


def _run(session: StorageSession, stmt: Executable,
         params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None) -> Result[Any]:
    """Execute a Core statement on the session's connection (inside its transaction, no ORM processing)."""
    return session.connection().execute(stmt, params)


def _p(column: Column[Any], name: str | None = None) -> BindParameter[Any]:
    """A bound parameter with the column's type (so datetimes and JSON are converted as for the ORM)."""
    return bindparam(name or f"p_{column.name}", type_=column.type)


def _table(model: type) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


_CONVERSATIONS = _table(ConversationRow)
_DELIVERIES = _table(DeliveryRow)
_COUNTERS = _table(ReportCounterRow)
_REPORTS = _table(ReportRow)
_AUDIT = _table(AuditRow)
_OUTBOX = _table(OutboxRow)
_IDENTITIES = _table(IdentityRow)


def _row_insert(ins: Any, table: Table, columns: Sequence[str]) -> Any:
    """An INSERT of one row of exactly `columns`, with parameters named `p_new_<column>` (see _row_params),
    for a Prepared statement. Prepared applies no Python-side column defaults, so every column that has one
    must be among `columns` (checked here, at import)."""
    missing = [c.name for c in table.columns if c.default is not None and c.name not in columns]
    if missing:
        raise ValueError(f"{table.name}: columns with a default missing from the insert: {missing}")
    return ins(table).values({name: bindparam(f"p_new_{name}", type_=table.c[name].type) for name in columns})


def _row_params(values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"p_new_{name}": value for name, value in values.items()}


def _by_dialect(build: Any) -> dict[str, Any]:
    """A statement per dialect (PostgreSQL and SQLite spell INSERT ... ON CONFLICT with their own constructs)."""
    return {POSTGRESQL: build(pg_insert), "sqlite": build(sqlite_insert)}


# -- conversations ------------------------------------------------------------------------------------------
_conv = _CONVERSATIONS.c
_CONV_KEY = (_conv.channel == _p(_conv.channel), _conv.user_key == _p(_conv.user_key))
_LOAD_STATE = select(_conv.state, _conv.version).where(*_CONV_KEY)
_LOAD_STATE_LOCKED = _LOAD_STATE.with_for_update()
_dlv = _DELIVERIES.c
_DELIVERY_KEY = (_dlv.channel == _p(_dlv.channel, "p_delivery_channel"), _dlv.delivery_id == _p(_dlv.delivery_id))
_STORED_RESPONSE = select(_dlv.response).where(*_DELIVERY_KEY)
# The conversation and, in the same statement, the replies already stored for this delivery (if any).
_LOAD_WITH_DELIVERY = select(_conv.state, _conv.version, _STORED_RESPONSE.scalar_subquery().label("stored")).where(
    *_CONV_KEY)
_LOAD_WITH_DELIVERY_LOCKED = _LOAD_WITH_DELIVERY.with_for_update(of=_CONVERSATIONS)
_START_TURN = Prepared(_LOAD_WITH_DELIVERY)
_START_TURN_LOCKED = Prepared(_LOAD_WITH_DELIVERY_LOCKED)
_UPDATE_STATE = (
    update(_CONVERSATIONS)
    .where(*_CONV_KEY, _conv.version == _p(_conv.version))
    .values(state=_p(_conv.state), version=_p(_conv.version, "p_new_version"),
            updated_at=_p(_conv.updated_at), employee_id=_p(_conv.employee_id))
)
_SAVE_STATE = Prepared(_UPDATE_STATE)
_INSERT_STATE = _by_dialect(lambda ins: ins(_CONVERSATIONS).values(
    channel=_p(_conv.channel, "p_new_channel"), user_key=_p(_conv.user_key, "p_new_user_key"),
    employee_id=_p(_conv.employee_id), state=_p(_conv.state), version=1, updated_at=_p(_conv.updated_at),
).on_conflict_do_nothing(index_elements=["channel", "user_key"]).returning(_conv.version))

# -- deliveries ---------------------------------------------------------------------------------------------
_SENT_AT = select(_dlv.sent_at).where(*_DELIVERY_KEY)
_RECORD_DELIVERY = _by_dialect(lambda ins: ins(_DELIVERIES).values(
    channel=_p(_dlv.channel, "p_new_channel"), delivery_id=_p(_dlv.delivery_id, "p_new_delivery_id"),
    created_at=_p(_dlv.created_at), response=_p(_dlv.response),
).on_conflict_do_nothing(index_elements=["channel", "delivery_id"]).returning(_dlv.delivery_id))
_RECORD_DELIVERY_PREPARED = {name: Prepared(stmt) for name, stmt in _RECORD_DELIVERY.items()}
_MARK_SENT = update(_DELIVERIES).where(*_DELIVERY_KEY, _dlv.sent_at.is_(None)).values(sent_at=_p(_dlv.sent_at))

# -- reports ------------------------------------------------------------------------------------------------
# One statement takes the next number of the year, atomically on both databases (the row is locked until
# the turn commits, so numbers have no gaps and no duplicates).
_NEXT_NUMBER = _by_dialect(lambda ins: ins(_COUNTERS).values(year=_p(_COUNTERS.c.year), last=1)
                           .on_conflict_do_update(index_elements=["year"], set_={"last": _COUNTERS.c.last + 1})
                           .returning(_COUNTERS.c.last))
_NEXT_NUMBER_PREPARED = {name: Prepared(stmt) for name, stmt in _NEXT_NUMBER.items()}
_REPORT_COLUMNS = (*_REPORT_FIELDS, "updated_at", "forms", "quotes", "wants", "evidence")
_INSERT_REPORT = Prepared(_row_insert(insert, _REPORTS, _REPORT_COLUMNS))
_AUDIT_COLUMNS = ("at", "actor", "action", "reference", "details")
_INSERT_AUDIT = insert(_AUDIT)  # several lines at once (record_all)
_INSERT_AUDIT_LINE = Prepared(_row_insert(insert, _AUDIT, _AUDIT_COLUMNS))
_OUTBOX_COLUMNS = ("employee_id", "channel", "kind", "payload", "dedup_key", "due_at", "status", "attempts",
                   "created_at")  # QueuedMessage.row()
_INSERT_OUTBOX = Prepared(_row_insert(insert, _OUTBOX, _OUTBOX_COLUMNS).returning(_OUTBOX.c.id))
_INSERT_OUTBOX_ONCE = {name: Prepared(stmt) for name, stmt in _by_dialect(
    lambda ins: _row_insert(ins, _OUTBOX, _OUTBOX_COLUMNS).on_conflict_do_nothing(index_elements=["dedup_key"])
    .returning(_OUTBOX.c.id)).items()}
_INSERT_OUTBOX_ALL = _by_dialect(lambda ins: ins(_OUTBOX).on_conflict_do_nothing(index_elements=["dedup_key"]))

# -- identities ---------------------------------------------------------------------------------------------
_idn = _IDENTITIES.c
_IDENTITY_KEY = (_idn.channel == _p(_idn.channel), _idn.external_id == _p(_idn.external_id))
_FIND_IDENTITY = select(_idn.employee_id).where(*_IDENTITY_KEY)
_IDENTITY_ROW = select(_idn.id, _idn.employee_id, _idn.address).where(*_IDENTITY_KEY)
_SET_ADDRESS = update(_IDENTITIES).where(_idn.id == _p(_idn.id)).values(
    address=_p(_idn.address), last_seen_at=_p(_idn.last_seen_at))
_RELINK = update(_IDENTITIES).where(_idn.id == _p(_idn.id)).values(
    employee_id=_p(_idn.employee_id), last_seen_at=_p(_idn.last_seen_at))
_INSERT_IDENTITY = insert(_IDENTITIES)
# Who is told of a filed report, and where: asked for each person told, in the filing turn.
_ADDRESSES_OF = Prepared(select(_idn.channel, _idn.external_id, _idn.address)
                         .where(_idn.employee_id == _p(_idn.employee_id)).order_by(_idn.last_seen_at.desc()))


class SqlReportRepository:
    def __init__(self, session: StorageSession) -> None:
        self.session = session

    def next_reference(self, year: int) -> str:
        rows, _ = _NEXT_NUMBER_PREPARED[dialect_of(self.session)].run(self.session.connection(), {"p_year": year})
        (last,) = rows  # the upsert returns exactly one row
        return format_reference(year, last[0])

    def add(self, report: Report) -> None:
        values = {k: getattr(report, k) for k in _REPORT_FIELDS}
        values.update(updated_at=report.created_at, forms=list(report.forms), quotes=list(report.quotes),
                      wants=list(report.wants), evidence=[asdict(e) for e in report.evidence])
        _INSERT_REPORT.run(self.session.connection(), _row_params(values))
        # What the follow-up store copies onto the report's clocks and check-ins, without reading it back.
        self.session.info.setdefault(FILED_IN_THIS_SESSION, {})[report.reference] = (report.team_id, report.created_at)

    @staticmethod
    def _to_domain(row: ReportRow) -> Report:
        values = {k: getattr(row, k) for k in _REPORT_FIELDS}
        return Report(
            **values,
            forms=tuple(row.forms or ()),
            quotes=tuple(row.quotes or ()),
            wants=tuple(row.wants or ()),
            evidence=tuple(Evidence(**e) for e in row.evidence or ()),
        )

    def get(self, reference: str) -> Report | None:
        row = self.session.scalars(select(ReportRow).where(ReportRow.reference == reference)).one_or_none()
        return self._to_domain(row) if row else None

    def for_reporter(self, employee_id: str) -> Sequence[ReportSummary]:
        from bot.storage.followup import summaries_by_reference  # imported here: followup imports this module

        rows = list(self.session.scalars(
            select(ReportRow).where(ReportRow.reporter_id == employee_id).order_by(ReportRow.id.desc()).limit(20)
        ))
        actions = summaries_by_reference(self.session, [r.reference for r in rows])
        return [ReportSummary(r.reference, r.created_at, r.primary_form, r.status, actions.get(r.reference, ()))
                for r in rows]

    def all(self) -> Sequence[Report]:
        return [self._to_domain(r) for r in self.session.scalars(select(ReportRow).order_by(ReportRow.id))]

    def visible_to(self, employee_id: str, teams: frozenset[str] | None, limit: int = 200) -> Sequence[Report]:
        """Own reports plus those of `teams` (None: every report), newest first."""
        stmt = select(ReportRow).order_by(ReportRow.id.desc()).limit(limit)
        if teams is not None:
            stmt = stmt.where(or_(ReportRow.reporter_id == employee_id, ReportRow.team_id.in_(sorted(teams))))
        return [self._to_domain(r) for r in self.session.scalars(stmt)]

    def set_status(self, reference: str, status: str) -> None:
        self.session.execute(update(ReportRow).where(ReportRow.reference == reference).values(status=status))

    def add_evidence(self, reference: str, evidence: Sequence[Evidence]) -> None:
        """Files added to a filed report after filing ('bewijs toevoegen aan MLD-…'), after those it had."""
        stmt = select(ReportRow).where(ReportRow.reference == reference)
        if _for_update(self.session):
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).one()
        row.evidence = [*(row.evidence or ()), *(asdict(e) for e in evidence)]
        self.session.flush()


class SqlConversationStore:
    def __init__(self, session: StorageSession) -> None:
        self.session = session

    def load(self, channel: str, user: str) -> tuple[ConversationState, int] | None:
        stmt = _LOAD_STATE_LOCKED if _for_update(self.session) else _LOAD_STATE
        row = _run(self.session, stmt, {"p_channel": channel, "p_user_key": user}).first()
        if row is None:
            return None
        return ConversationState.from_json(row.state), row.version

    def start_turn(self, channel: str, user: str, delivery_channel: str, delivery_id: str | None) -> TurnStart:
        """The replies stored for the delivery when it was processed before, else the conversation (locked).

        One statement when the conversation exists (the usual case), two for someone's first message.
        """
        if delivery_id is None:
            return TurnStart(None, self.load(channel, user))
        params = {"p_channel": channel, "p_user_key": user, "p_delivery_channel": delivery_channel,
                  "p_delivery_id": delivery_id}
        prepared = _START_TURN_LOCKED if _for_update(self.session) else _START_TURN
        rows, _ = prepared.run(self.session.connection(), params)
        if not rows:
            stored = _run(self.session, _STORED_RESPONSE, params).scalar()
            return TurnStart(stored, None)
        state, version, stored = rows[0]
        if stored is not None:
            return TurnStart(stored, None)
        return TurnStart(None, (ConversationState.from_json(state), version))

    def save(
        self, channel: str, user: str, employee_id: str, state: ConversationState, version: int | None
    ) -> None:
        now = state.last_activity or datetime.now().astimezone()
        if version is None:
            # Someone else's first turn stored the row first (the database's own answer: no row comes back).
            created = _run(self.session, _INSERT_STATE[dialect_of(self.session)], {
                "p_new_channel": channel, "p_new_user_key": user, "p_employee_id": employee_id,
                "p_state": state.to_json(), "p_updated_at": now,
            }).first()
            if created is None:
                raise ConcurrencyConflict(f"{channel}:{user}")
            return
        _, count = _SAVE_STATE.run(self.session.connection(), {
            "p_channel": channel, "p_user_key": user, "p_version": version, "p_new_version": version + 1,
            "p_state": state.to_json(), "p_updated_at": now, "p_employee_id": employee_id,
        })
        if count != 1:
            raise ConcurrencyConflict(f"{channel}:{user}")


class SqlDeliveryLog:
    def __init__(self, session: StorageSession) -> None:
        self.session = session

    def response(self, channel: str, delivery_id: str) -> list[dict[str, Any]] | None:
        stored: list[dict[str, Any]] | None = _run(
            self.session, _STORED_RESPONSE, {"p_delivery_channel": channel, "p_delivery_id": delivery_id}).scalar()
        return stored

    def record(self, channel: str, delivery_id: str, response: list[dict[str, Any]], now: datetime) -> bool:
        # The database's own answer: a row comes back only when this insert created it. (rowcount is -1
        # for INSERT ... ON CONFLICT DO NOTHING on some PostgreSQL drivers, so it cannot be trusted.)
        rows, _ = _RECORD_DELIVERY_PREPARED[dialect_of(self.session)].run(self.session.connection(), {
            "p_new_channel": channel, "p_new_delivery_id": delivery_id, "p_created_at": now, "p_response": response,
        })
        return bool(rows)

    def sent_at(self, channel: str, delivery_id: str) -> datetime | None:
        sent: datetime | None = _run(
            self.session, _SENT_AT, {"p_delivery_channel": channel, "p_delivery_id": delivery_id}).scalar()
        return sent

    def mark_sent(self, channel: str, delivery_id: str, now: datetime) -> None:
        _run(self.session, _MARK_SENT,
             {"p_delivery_channel": channel, "p_delivery_id": delivery_id, "p_sent_at": now})

    def purge_before(self, when: datetime) -> int:
        result = self.session.execute(delete(DeliveryRow).where(DeliveryRow.created_at < when))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """A message for the outbox (see SqlOutbox.add for the fields)."""

    employee_id: str
    replies: Sequence[Reply]
    due_at: datetime
    kind: str = "message"
    dedup_key: str | None = None
    channel: str | None = None
    data: dict[str, Any] | None = None

    def row(self) -> dict[str, Any]:
        payload = {
            "replies": [{"text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id} for r in self.replies],
            "data": self.data or {},
        }
        return {"employee_id": self.employee_id, "channel": self.channel, "kind": self.kind, "payload": payload,
                "dedup_key": self.dedup_key, "due_at": self.due_at, "status": "pending", "attempts": 0,
                "created_at": self.due_at}


class SqlOutbox:
    def __init__(self, session: StorageSession) -> None:
        self.session = session

    def add_all(self, messages: Sequence[QueuedMessage]) -> None:
        """Several messages in one statement; one whose dedup_key was queued before is left out."""
        if messages:
            _run(self.session, _INSERT_OUTBOX_ALL[dialect_of(self.session)], [m.row() for m in messages])

    def add(
        self,
        employee_id: str,
        replies: Sequence[Reply],
        *,
        due_at: datetime,
        kind: str = "message",
        dedup_key: str | None = None,
        channel: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> int | None:
        values = _row_params(QueuedMessage(employee_id, replies, due_at, kind, dedup_key, channel, data).row())
        if dedup_key is None:
            (row,), _ = _INSERT_OUTBOX.run(self.session.connection(), values)
            return int(row[0])
        # A row with this key exists already (the message was queued before): nothing comes back.
        rows, _ = _INSERT_OUTBOX_ONCE[dialect_of(self.session)].run(self.session.connection(), values)
        return int(rows[0][0]) if rows else None


class SqlAuditLog:
    def __init__(self, session: StorageSession) -> None:
        self.session = session

    def record(
        self, at: datetime, actor: str, action: str, reference: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        _INSERT_AUDIT_LINE.run(self.session.connection(), _row_params(
            {"at": at, "actor": actor, "action": action, "reference": reference, "details": details}))

    def record_all(self, entries: Sequence[tuple[datetime, str, str, str | None, dict[str, Any] | None]]) -> None:
        """Several (at, actor, action, reference, details) lines in one statement."""
        if entries:
            _run(self.session, _INSERT_AUDIT, [
                {"at": at, "actor": actor, "action": action, "reference": reference, "details": details}
                for at, actor, action, reference, details in entries])


class SqlIdentities:
    def __init__(self, session: StorageSession) -> None:
        self.session = session

    def find(self, channel: str, external_id: str) -> str | None:
        found: str | None = _run(
            self.session, _FIND_IDENTITY, {"p_channel": channel, "p_external_id": external_id}).scalar()
        return found

    def link(self, channel: str, external_id: str, employee_id: str, at: datetime) -> None:
        row = _run(self.session, _IDENTITY_ROW, {"p_channel": channel, "p_external_id": external_id}).first()
        if row is None:
            _run(self.session, _INSERT_IDENTITY, {"channel": channel, "external_id": external_id,
                                                  "employee_id": employee_id, "created_at": at, "last_seen_at": at})
        else:
            _run(self.session, _RELINK, {"p_id": row.id, "p_employee_id": employee_id, "p_last_seen_at": at})

    def set_address(self, channel: str, external_id: str, address: dict[str, Any], at: datetime) -> None:
        row = _run(self.session, _IDENTITY_ROW, {"p_channel": channel, "p_external_id": external_id}).first()
        if row is not None and row.address != address:
            _run(self.session, _SET_ADDRESS, {"p_id": row.id, "p_address": address, "p_last_seen_at": at})

    def addresses_of(self, employee_id: str) -> Sequence[tuple[str, str, dict[str, Any] | None]]:
        rows, _ = _ADDRESSES_OF.run(self.session.connection(), {"p_employee_id": employee_id})
        return [(channel, external_id, address) for channel, external_id, address in rows]


class SqlLinkCodes:
    def __init__(self, session: StorageSession) -> None:
        self.session = session

    def create(self, employee_id: str, now: datetime, valid_days: int = 7) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        raw = "".join(secrets.choice(alphabet) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        self.session.add(LinkCodeRow(code=code, employee_id=employee_id, created_at=now,
                                     expires_at=now + timedelta(days=valid_days)))
        self.session.flush()
        return code

    def redeem(self, code: str, now: datetime) -> str | None:
        code = code.strip().upper()
        if len(code) == 8 and "-" not in code:
            code = f"{code[:4]}-{code[4:]}"
        row = self.session.get(LinkCodeRow, code)
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        row.used_at = now
        return row.employee_id
