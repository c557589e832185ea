"""In-memory follow-up store and a fake unit of work that carries it (changes apply at once)."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from actions.records import ASKED, SCHEDULED, STOPPED, ActionRecord, CheckIn, ClockState
from tests.fakes import FakeUnitOfWork


class FakeFollowUpStore:
    def __init__(self) -> None:
        self.clock_rows: list[ClockState] = []
        self.action_rows: list[ActionRecord] = []
        self.checkins: dict[int, CheckIn] = {}
        self.digest: list[tuple[str, str, datetime]] = []
        self._ids = itertools.count(1)

    def add_clock(self, reference: str, kind: str, owner_id: str, starts_at: datetime, due_at: datetime,
                  next_alert_at: datetime | None) -> None:
        self.clock_rows.append(ClockState(next(self._ids), reference, kind, owner_id, starts_at, due_at,
                                          next_alert_at=next_alert_at))

    def clocks(self, reference: str) -> Sequence[ClockState]:
        return [c for c in self.clock_rows if c.reference == reference]

    def acknowledge(self, reference: str, kinds: Sequence[str], actor_id: str, at: datetime) -> list[str]:
        stopped = []
        for i, c in enumerate(self.clock_rows):
            if c.reference == reference and c.kind in kinds and c.acknowledged_at is None:
                self.clock_rows[i] = dataclasses.replace(c, acknowledged_at=at, acknowledged_by=actor_id,
                                                         next_alert_at=None)
                stopped.append(c.kind)
        return stopped

    def add_action(self, action: ActionRecord) -> int:
        self.action_rows.append(action)
        return len(self.action_rows)

    def actions(self, reference: str) -> Sequence[ActionRecord]:
        return [a for a in self.action_rows if a.reference == reference]

    def add_checkin(self, reference: str, employee_id: str, seq: int, due_at: datetime, stress: bool) -> None:
        checkin_id = next(self._ids)
        self.checkins[checkin_id] = CheckIn(checkin_id, reference, employee_id, seq, due_at, stress)

    def checkin(self, checkin_id: int) -> CheckIn | None:
        return self.checkins.get(checkin_id)

    def open_checkin(self, employee_id: str) -> CheckIn | None:
        open_ = [c for c in self.checkins.values() if c.employee_id == employee_id and c.status == ASKED and c.step]
        return max(open_, key=lambda c: (c.asked_at, c.id), default=None)

    def update_checkin(self, checkin_id: int, **changes: Any) -> None:
        self.checkins[checkin_id] = dataclasses.replace(self.checkins[checkin_id], **changes)

    def stop_checkins(self, employee_id: str, at: datetime) -> int:
        stopped = 0
        for cid, c in list(self.checkins.items()):
            if c.employee_id == employee_id and c.status in (SCHEDULED, ASKED):
                self.checkins[cid] = dataclasses.replace(c, status=STOPPED, step=None)
                stopped += 1
        return stopped

    def add_digest_item(self, manager_id: str, reference: str, digest_at: datetime) -> None:
        self.digest.append((manager_id, reference, digest_at))

    # -- test helpers ------------------------------------------------------------------------

    def ask(self, checkin_id: int, at: datetime, step: str = "mood") -> CheckIn:
        """What the tick does when a check-in is due."""
        self.update_checkin(checkin_id, status=ASKED, step=step, asked_at=at)
        return self.checkins[checkin_id]


class FollowUpFakeUnitOfWork(FakeUnitOfWork):
    """The shared fake unit of work plus `followup`."""

    def __init__(self) -> None:
        super().__init__()
        self.followup = FakeFollowUpStore()
