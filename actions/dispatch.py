"""The tick's work: turn due check-ins, clock alerts and digests into outbox rows, then claim and send them.

Delivery is exactly once as far as the database can tell, and at least once across a crash:

1. Materialising is one transaction per batch: the source rows are locked (FOR UPDATE SKIP
   LOCKED on PostgreSQL), their state moves on, and the outbox row is inserted with a unique
   dedup key. A crash rolls all of it back; a second process skips the locked rows.
2. Claiming is a short transaction that marks rows 'sending' with a claim token and commits
   before anything is sent. No transaction is open while sending.
3. After each send the row is marked 'sent' at once (only while the claim token still matches).

The one window left: the process dies after the platform accepted a message and before the
'sent' commit (milliseconds). After the lease (outbox_lease_seconds) another tick claims the
row again and the message is sent a second time. Telegram and Teams offer no idempotency key,
so this cannot be closed; the lease must stay well above the send timeout so that a slow send
is never claimed twice while it is still running.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Collection, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from itertools import groupby
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from actions.aftercare import checkin_replies
from actions.escalation import digest_replies, missed_reply, overdue_reply, reminder_reply
from actions.records import ASKED, EXPIRED, STEP_MOOD, CheckIn
from actions.referral import CONTACT_PREFIX
from actions.timeline import Alert, alert_points, alerts_for, due_alert
from bot.conversation.messages import Reply
from bot.conversation.texts import Texts
from bot.domain.model import Employee, Organisation, Report
from bot.ports import Clock, Sender, Undeliverable
from bot.service import replies_from_json
from bot.storage.followup import CheckInRow, ClaimedMessage, ClockRow, SqlFollowUpStore
from bot.storage.orm import OutboxRow
from bot.storage.repositories import (
    QueuedMessage,
    SqlAuditLog,
    SqlDeliveryLog,
    SqlIdentities,
    SqlOutbox,
    SqlReportRepository,
)

logger = logging.getLogger(__name__)
DELIVERY_RETENTION = timedelta(days=8)

Runner = Callable[[Coroutine[Any, Any, None]], None]
EMAIL = "email"


@dataclass
class TickResult:
    """What one tick did (for logs, the CLI and tests)."""

    materialised: int = 0
    sent: int = 0
    retried: int = 0
    undeliverable: int = 0
    failed: int = 0
    deferred: int = 0
    channels: dict[str, int] = field(default_factory=dict)


def run_here(coro: Coroutine[Any, Any, None]) -> None:
    """Run a send on a private event loop (the CLI, tests, and processes without a server loop)."""
    asyncio.run(coro)


class Dispatcher:
    """Materialises due follow-up and sends the outbox; safe to run in several processes at once."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        org: Organisation,
        texts: Texts,
        tz: tzinfo,
        clock: Clock,
        senders: Mapping[str, Sender],
        deferred_channels: Sequence[str] = (),
        lease: timedelta = timedelta(seconds=120),
        batch_size: int = 20,
        max_attempts: int = 5,
        send_timeout: float = 30.0,
        worker: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.org = org
        self.texts = texts
        self.tz = tz
        self.clock = clock
        self.senders = dict(senders)
        self.deferred_channels = set(deferred_channels)
        self.lease = lease
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.send_timeout = send_timeout
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Finish the message being sent, claim nothing more."""
        self._stopping.set()

    # -- one tick ----------------------------------------------------------------------------

    def run_once(self, run: Runner = run_here, max_batches: int = 10) -> TickResult:
        result = TickResult()
        if self._stopping.is_set():
            return result
        result.materialised = self.materialise(self.clock.now())
        self.purge_deliveries(self.clock.now())
        given_back: set[int] = set()
        for _ in range(max_batches):
            if self._stopping.is_set():
                break
            claimed = self.claim(self.clock.now(), skip=given_back)
            if not claimed:
                break
            if not self._send_batch(claimed, run, result, given_back):
                return result
        return result

    def _send_batch(self, claimed: Sequence[ClaimedMessage], run: Runner, result: TickResult,
                    given_back: set[int]) -> bool:
        """Send one claimed batch; False when stopping cut it short (the rest was given back).

        The addresses of the whole batch are read at once, and the rows nobody can be reached for are
        settled together at the end (one transaction instead of one each)."""
        routes = self.routes_of(claimed)
        unreachable: list[ClaimedMessage] = []
        elsewhere: list[ClaimedMessage] = []  # another process serves a channel of theirs
        unsent: list[ClaimedMessage] = []
        for i, message in enumerate(claimed):
            if self._stopping.is_set():
                unsent = list(claimed[i:])
                break
            found, deferred = routes[message.id]
            if found:
                self.deliver(message, found, run, result)
            elif deferred:
                elsewhere.append(message)
            else:
                unreachable.append(message)
        self.undeliverable(unreachable, "no_channel", result)
        if elsewhere or unsent:
            self.release(elsewhere + unsent)
        result.deferred += len(elsewhere)
        given_back.update(m.id for m in elsewhere)
        return not unsent

    def purge_deliveries(self, now: datetime) -> int:
        """Forget processed deliveries after DELIVERY_RETENTION (at most once an hour).

        Kept well over 24 hours: Telegram may reuse update ids after a week without updates.
        """
        last = getattr(self, "_last_purge", None)
        if last is not None and now - last < timedelta(hours=1):
            return 0
        self._last_purge = now
        with self.session_factory() as session:
            removed = SqlDeliveryLog(session).purge_before(now - DELIVERY_RETENTION)
            session.commit()
        return removed

    # -- materialising -----------------------------------------------------------------------

    def materialise(self, now: datetime) -> int:
        return self.materialise_checkins(now) + self.materialise_clocks(now) + self.materialise_digests(now)

    def materialise_checkins(self, now: datetime) -> int:
        """Due check-ins become questions in the outbox; only the newest of several due ones is asked."""
        with self.session_factory() as session:
            store = SqlFollowUpStore(session)
            reports = SqlReportRepository(session)
            outbox = SqlOutbox(session)
            rows = store.lock_due_checkins(now, self.batch_size)
            asked = 0
            ordered = sorted(rows, key=lambda r: (r.employee_id, r.due_at, r.id))
            for _employee_id, group in groupby(ordered, key=lambda r: r.employee_id):
                *older, newest = list(group)
                for row in older:
                    row.status, row.step = EXPIRED, None
                employee = self.org.employee(newest.employee_id)
                report = reports.get(newest.reference)
                if employee is None or report is None:
                    newest.status = EXPIRED
                    continue
                store.expire_open_checkins(newest.employee_id, newest.id)
                replies = checkin_replies(self._checkin(newest), report, employee, self.texts, self.tz)
                outbox.add(newest.employee_id, replies, due_at=now, kind="checkin", dedup_key=f"checkin:{newest.id}",
                           data={"reference": newest.reference, "checkin": newest.id})
                newest.status, newest.step, newest.asked_at = ASKED, STEP_MOOD, now
                asked += 1
            session.commit()
            return asked

    def materialise_clocks(self, now: datetime) -> int:
        """Unacknowledged deadlines remind their owner; at the deadline the coordinator takes over and the
        reporter hears it (the policy: actions.timeline.alerts_for)."""
        with self.session_factory() as session:
            store = SqlFollowUpStore(session)
            reports = SqlReportRepository(session)
            outbox = SqlOutbox(session)
            alerts = 0
            for row in store.lock_due_clocks(now, self.batch_size):
                points = alert_points(row.kind, row.starts_at, row.due_at)
                found = due_alert(points, row.alerts_sent, now)
                if found is None:  # not due after all (e.g. the deadline moved): wait for the next point
                    row.next_alert_at = points[row.alerts_sent] if row.alerts_sent < len(points) else None
                    continue
                report = reports.get(row.reference)
                if report is None:
                    row.next_alert_at = None
                    continue
                index, next_at = found
                for alert in alerts_for(index, len(points), row.owner_id, self.org.coordinator_id,
                                        report.reporter_id):
                    reply = self._alert(row, report, alert)
                    key = f"clock:{row.id}:{index}" if alert.kind != "deadline_missed" else f"missed:{row.id}"
                    outbox.add(alert.recipient_id, [reply], due_at=now, kind=alert.kind, dedup_key=key,
                               data={"reference": row.reference, "clock": row.kind})
                row.alerts_sent, row.next_alert_at = index + 1, next_at
                if next_at is None:
                    row.escalated_at = now
                alerts += 1
            session.commit()
            return alerts

    def _alert(self, row: ClockRow, report: Report, alert: Alert) -> Reply:
        reporter = self._person(report.reporter_id)
        owner = self.org.employee(row.owner_id)
        t = self.texts
        if alert.kind == "reminder":
            return reminder_reply(report, reporter, row, t, self.tz)
        if alert.kind == "deadline_missed":
            on_it = self.org.employee(self.org.coordinator_id or "") if alert.text_key.endswith("coordinator") \
                else owner
            return missed_reply(report, row, on_it, t, alert.text_key)
        return overdue_reply(report, reporter, row, owner, t, escalated=alert.kind == "clock_escalation")

    def materialise_digests(self, now: datetime) -> int:
        """Non-severe reports whose digest time has come: one message per manager."""
        with self.session_factory() as session:
            store = SqlFollowUpStore(session)
            reports = SqlReportRepository(session)
            outbox = SqlOutbox(session)
            digests = 0
            items = store.lock_due_digest_items(now, self.batch_size * 5)
            for manager_id, group in groupby(items, key=lambda i: i.manager_id):
                batch = list(group)
                entries = []
                for item in batch:
                    item.included_at = now
                    report = reports.get(item.reference)
                    if report is not None:
                        reporter = self._person(report.reporter_id)
                        about = self._person(report.victim_id) if report.victim_id else reporter
                        entries.append((report, reporter, store.clocks(item.reference), about))
                if entries:
                    outbox.add(manager_id, digest_replies(entries, self.texts, self.tz), due_at=now, kind="digest",
                               dedup_key=f"digest:{manager_id}:{batch[0].id}",
                               data={"references": [r.reference for r, _, _, _ in entries]})
                    digests += 1
            session.commit()
            return digests

    # -- claiming and sending ----------------------------------------------------------------

    def claim(self, now: datetime, skip: Collection[int] = ()) -> list[ClaimedMessage]:
        token = f"{self.worker}:{uuid.uuid4().hex[:12]}"
        with self.session_factory() as session:
            claimed = SqlFollowUpStore(session).claim_outbox(now, now - self.lease, token, self.batch_size, skip)
            session.commit()
        return claimed

    def release(self, messages: Sequence[ClaimedMessage]) -> None:
        """Give claimed rows back untouched (shutting down, or no sender for them in this process)."""
        with self.session_factory() as session:
            store = SqlFollowUpStore(session)
            for message in messages:
                store.settle(message, status="pending", claimed_by=None, claimed_at=None,
                             attempts=OutboxRow.attempts - 1)
            session.commit()

    def routes_of(self, messages: Sequence[ClaimedMessage]) -> dict[int, tuple[list[tuple[str, dict[str, Any]]], bool]]:
        """Per claimed row: where to try, and whether another process could reach the person (see `routes`);
        the addresses of all of them read in one transaction."""
        with self.session_factory() as session:
            identities = SqlIdentities(session)
            known = {person: list(identities.addresses_of(person)) for person in {m.employee_id for m in messages}}
            session.rollback()
        return {m.id: self.routes(m, known[m.employee_id]) for m in messages}

    def routes(self, message: ClaimedMessage, known: list[tuple[str, str, dict[str, Any] | None]],
               ) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
        """Where to try, in order (the row's channel, then most recently used), and whether another
        process could reach the person on a channel this one does not serve; `known` are the person's
        addresses, most recently used first."""
        known = list(known)
        known.sort(key=lambda entry: entry[0] != message.channel)  # stable: keeps most recent first
        routes: list[tuple[str, dict[str, Any]]] = []
        deferred = False
        for channel, _external_id, address in known:
            if not address:
                continue
            if channel in self.senders:
                routes.append((channel, address))
            elif channel in self.deferred_channels:
                deferred = True
        person = self.org.employee(message.employee_id)
        if EMAIL in self.senders and person is not None and person.email:
            routes.append((EMAIL, {"email": person.email}))
        if EMAIL in self.senders and message.employee_id.startswith(CONTACT_PREFIX):  # an aftercare contact
            routes.append((EMAIL, {"email": message.employee_id.removeprefix(CONTACT_PREFIX)}))
        return routes, deferred

    def deliver(self, message: ClaimedMessage, routes: Sequence[tuple[str, dict[str, Any]]], run: Runner,
                result: TickResult) -> None:
        """Send one claimed row on the first of `routes` that takes it, and record the outcome."""
        replies = replies_from_json(message.payload.get("replies"))
        for channel, address in routes:
            try:
                run(self._send(self.senders[channel], address, replies))
            except Undeliverable:
                logger.warning("outbox %s: undeliverable on %s", message.id, channel)
                continue
            except Exception as exc:  # noqa: BLE001 - any other failure is transient: retry later
                logger.warning("outbox %s: sending on %s failed (%s)", message.id, channel, type(exc).__name__)
                self.retry(message, exc, result)
                return
            self.sent(message, channel)
            result.sent += 1
            result.channels[channel] = result.channels.get(channel, 0) + 1
            return
        self.undeliverable([message], "blocked", result)

    async def _send(self, sender: Sender, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        await asyncio.wait_for(sender.send(address, replies), timeout=self.send_timeout)

    def sent(self, message: ClaimedMessage, channel: str) -> None:
        now = self.clock.now()
        with self.session_factory() as session:
            if not SqlFollowUpStore(session).settle(message, status="sent", sent_at=now, channel=channel, error=None):
                logger.warning("outbox %s: sent after its claim expired (lease too short?)", message.id)
            session.commit()

    def retry(self, message: ClaimedMessage, exc: BaseException, result: TickResult) -> None:
        if message.attempts >= self.max_attempts:
            self.undeliverable([message], f"failed: {type(exc).__name__}", result, status="failed")
            return
        now = self.clock.now()
        backoff = timedelta(seconds=min(30 * 2 ** (message.attempts - 1), 3600))
        with self.session_factory() as session:
            SqlFollowUpStore(session).settle(message, status="pending", due_at=now + backoff, claimed_by=None,
                                             error=type(exc).__name__)
            session.commit()
        result.retried += 1

    def undeliverable(self, messages: Sequence[ClaimedMessage], reason: str, result: TickResult, *,
                      status: str = "undeliverable") -> None:
        """Mark the rows and tell the coordinator of each, in one transaction; never retried."""
        if not messages:
            return
        now = self.clock.now()
        with self.session_factory() as session:
            settled = SqlFollowUpStore(session).settle_all(messages, status=status, error=reason)
            SqlOutbox(session).add_all([n for m in settled if (n := self._coordinator_notice(m, now)) is not None])
            SqlAuditLog(session).record_all([
                (now, "meldbot", f"outbox_{status}", m.payload.get("data", {}).get("reference"),
                 {"kind": m.kind, "outbox": m.id, "reason": reason}) for m in settled])
            session.commit()
        if status == "failed":
            result.failed += len(messages)
        else:
            result.undeliverable += len(messages)

    def _coordinator_notice(self, message: ClaimedMessage, now: datetime) -> QueuedMessage | None:
        """What the coordinator is told of a message nobody could be reached for (None: nobody to tell)."""
        coordinator = self.org.coordinator_id
        if not coordinator or coordinator == message.employee_id or message.kind == "undeliverable":
            return None
        t = self.texts
        person = self._person(message.employee_id)
        reference = message.payload.get("data", {}).get("reference")
        kinds = t.labels("outbox_kinds")
        text = t("outbox_undeliverable", name=person.name, first=person.name.split()[0],
                 what=kinds.get(message.kind, kinds["message"]),
                 reference=t("outbox_undeliverable_reference", reference=reference) if reference else "")
        return QueuedMessage(coordinator, [Reply(text)], due_at=now, kind="undeliverable",
                             dedup_key=f"undeliverable:{message.id}", data={"reference": reference})

    # -- helpers -------------------------------------------------------------------------------

    def _person(self, employee_id: str) -> Employee:
        found = self.org.employee(employee_id)
        if found is not None:
            return found
        email = employee_id.removeprefix(CONTACT_PREFIX)
        contact = next((c for c in self.org.aftercare_contacts if c.email == email), None)
        return Employee(employee_id, f"{contact.role} ({contact.name})" if contact else employee_id, None)

    @staticmethod
    def _checkin(row: CheckInRow) -> CheckIn:
        return CheckIn(row.id, row.reference, row.employee_id, row.seq, row.due_at, row.stress, row.status)
