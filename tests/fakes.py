"""The fakes of every port, tiny and in memory, shared by the tests."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.domain.model import Evidence, Report, ReportSummary, format_reference
from bot.ports import (
    ASKED,
    SCHEDULED,
    STOPPED,
    ActionRecord,
    CheckIn,
    ClockState,
    ConcurrencyConflict,
    TurnStart,
)
from nlu.result import Entities, TimeSpan, UnderstandContext, Understanding


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 11, 18, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


_INTENTS = {
    "hallo": "greeting", "hoi": "greeting", "goedemorgen": "greeting",
    "ja": "yes", "klopt": "yes", "jazeker": "yes",
    "nee": "no", "neen": "no",
    "weet ik niet": "dont_know", "geen idee": "dont_know",
    "bedankt": "thanks", "dank je": "thanks",
    "moet ik aangifte doen?": "question",
}


class FakeUnderstander:
    """Keyword rules, enough to drive the dialogue in tests; the real one lives in nlu/."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def understand(self, text: str, context: UnderstandContext) -> Understanding:
        self.calls.append((text, context.expecting))
        low = text.lower().strip()
        intent = _INTENTS.get(low, "describe" if len(low.split()) > 3 else "other")
        primary, abcd, forms = None, None, ()
        if any(w in low for w in ("sloeg", "duwde", "spuugde", "schopte")):
            primary, abcd, forms = "fysiek", "D", ("fysiek", "lichamelijk_geweld")
        elif any(w in low for w in ("dreig", "weet waar je woont", "maak je af")):
            primary, abcd, forms = "bedreiging", "D", ("bedreiging", "bedreigen")
        elif any(w in low for w in ("scheld", "schold", "kutwijf", "idioot")):
            primary, abcd, forms = "verbaal", "B", ("verbaal", "schelden_beledigen")
        when = None
        if "gisteravond" in low:
            start = context.now.replace(hour=17, minute=0, second=0, microsecond=0) - timedelta(days=1)
            when = TimeSpan("gisteravond", start, start + timedelta(hours=6), 0.9)
        elif "vanochtend" in low:
            start = context.now.replace(hour=5, minute=0, second=0, microsecond=0)
            when = TimeSpan("vanochtend", start, start + timedelta(hours=6), 0.9)
        location = None
        for word, loc in (("balie", "balie"), ("telefoon", "telefoon"), ("huisbezoek", "veldbezoek"),
                          ("mail", "online")):
            if word in low:
                location = loc
        injury = False if ("geen letsel" in low or "niet gewond" in low) else None
        if "blauwe plek" in low:
            injury = True
        witnesses = True if "collega zag" in low else (False if "geen getuigen" in low else None)
        severe = primary in ("bedreiging", "fysiek")
        explanation = f"Ik zie dit als {primary} ({abcd}-gedrag)." if primary else ""
        return Understanding(
            intent=intent,
            intent_confidence=0.95 if low in _INTENTS else 0.6,
            forms=forms,
            primary_form=primary,
            abcd=abcd,
            abcd_probs={abcd: 0.9} if abcd else {},
            severe=severe,
            severity="hoog" if primary == "fysiek" else "middel" if severe else "laag",
            entities=Entities(when=when, location_type=location, injury=injury, witnesses=witnesses,
                              witnesses_text="collega" if witnesses else None,
                              suicide_threat="zelfmoord" in low),
            explanation=explanation,
            confidence=0.9 if primary else 0.3,
        )


@dataclass
class _Store:
    reports: list[Report] = field(default_factory=list)
    counters: dict[int, int] = field(default_factory=dict)
    conversations: dict[tuple[str, str], tuple[ConversationState, int]] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], list[dict[str, Any]] | None] = field(default_factory=dict)
    sent: dict[tuple[str, str], datetime] = field(default_factory=dict)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    audit: list[tuple[Any, ...]] = field(default_factory=list)
    identities: dict[tuple[str, str], str] = field(default_factory=dict)
    codes: dict[str, tuple[str, datetime]] = field(default_factory=dict)


class FakeFollowUpStore:
    """The follow-up store in memory (changes apply at once, outside the fake transaction)."""

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

    def ask(self, checkin_id: int, at: datetime, step: str = "mood") -> CheckIn:
        """What the tick does when a check-in is due (a test helper)."""
        self.update_checkin(checkin_id, status=ASKED, step=step, asked_at=at)
        return self.checkins[checkin_id]


class FakeUnitOfWork:
    """An in-memory unit of work: changes apply on commit only (the follow-up store's at once)."""

    def __init__(self, store: _Store | None = None) -> None:
        self.store = store or _Store()
        self.committed = 0
        self.followup = FakeFollowUpStore()

    def __call__(self) -> FakeUnitOfWork:
        return self

    def __enter__(self) -> FakeUnitOfWork:
        import copy

        self._work = copy.deepcopy(self.store)
        self.reports = _Reports(self._work)
        self.conversations = _Conversations(self._work)
        self.deliveries = _Deliveries(self._work)
        self.outbox = _Outbox(self._work)
        self.audit = _Audit(self._work)
        self.identities = _Identities(self._work)
        self.link_codes = _Codes(self._work)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def commit(self) -> None:
        self.store.__dict__.update(self._work.__dict__)
        self.committed += 1

    def rollback(self) -> None:
        import copy

        self._work.__dict__.update(copy.deepcopy(self.store).__dict__)


class _Reports:
    def __init__(self, s: _Store) -> None:
        self.s = s

    def next_reference(self, year: int) -> str:
        self.s.counters[year] = self.s.counters.get(year, 0) + 1
        return format_reference(year, self.s.counters[year])

    def add(self, report: Report) -> None:
        self.s.reports.append(report)

    def get(self, reference: str) -> Report | None:
        return next((r for r in self.s.reports if r.reference == reference), None)

    def for_reporter(self, employee_id: str) -> Sequence[ReportSummary]:
        return [ReportSummary(r.reference, r.created_at, r.primary_form, r.status)
                for r in reversed(self.s.reports) if r.reporter_id == employee_id]

    def all(self) -> Sequence[Report]:
        return list(self.s.reports)

    def visible_to(self, employee_id: str, teams: frozenset[str] | None, limit: int = 200) -> Sequence[Report]:
        return [r for r in reversed(self.s.reports)
                if teams is None or r.reporter_id == employee_id or r.team_id in teams][:limit]

    def set_status(self, reference: str, status: str) -> None:
        from dataclasses import replace

        self.s.reports = [replace(r, status=status) if r.reference == reference else r for r in self.s.reports]

    def add_evidence(self, reference: str, evidence: Sequence[Evidence]) -> None:
        self.s.reports = [dataclasses.replace(r, evidence=(*r.evidence, *evidence)) if r.reference == reference
                          else r for r in self.s.reports]


class _Conversations:
    def __init__(self, s: _Store) -> None:
        self.s = s

    def load(self, channel: str, user: str) -> tuple[ConversationState, int] | None:
        return self.s.conversations.get((channel, user))

    def start_turn(self, channel: str, user: str, delivery_channel: str, delivery_id: str | None) -> TurnStart:
        stored = self.s.deliveries.get((delivery_channel, delivery_id)) if delivery_id is not None else None
        return TurnStart(stored, None if stored is not None else self.load(channel, user))

    def save(self, channel: str, user: str, employee_id: str, state: ConversationState, version: int | None) -> None:
        current = self.s.conversations.get((channel, user))
        if (current[1] if current else None) != version:
            raise ConcurrencyConflict(user)
        self.s.conversations[(channel, user)] = (state, (version or 0) + 1)


class _Deliveries:
    def __init__(self, s: _Store) -> None:
        self.s = s

    def response(self, channel: str, delivery_id: str) -> list[dict[str, Any]] | None:
        return self.s.deliveries.get((channel, delivery_id))

    def record(self, channel: str, delivery_id: str, response: list[dict[str, Any]], now: datetime) -> bool:
        if (channel, delivery_id) in self.s.deliveries:
            return False
        self.s.deliveries[(channel, delivery_id)] = response
        return True

    def sent_at(self, channel: str, delivery_id: str) -> datetime | None:
        return self.s.sent.get((channel, delivery_id))

    def mark_sent(self, channel: str, delivery_id: str, now: datetime) -> None:
        if (channel, delivery_id) in self.s.deliveries:
            self.s.sent.setdefault((channel, delivery_id), now)

    def purge_before(self, when: datetime) -> int:
        return 0


class _Outbox:
    _ids = itertools.count(1)

    def __init__(self, s: _Store) -> None:
        self.s = s

    def add(self, employee_id: str, replies: Sequence[Reply], *, due_at: datetime, kind: str = "message",
            dedup_key: str | None = None, channel: str | None = None, data: dict[str, Any] | None = None) -> int | None:
        if dedup_key and any(o["dedup_key"] == dedup_key for o in self.s.outbox):
            return None
        row_id = next(self._ids)
        self.s.outbox.append({"id": row_id, "employee_id": employee_id, "replies": list(replies), "due_at": due_at,
                              "kind": kind, "dedup_key": dedup_key, "channel": channel, "data": data or {}})
        return row_id


class _Audit:
    def __init__(self, s: _Store) -> None:
        self.s = s

    def record(self, at: datetime, actor: str, action: str, reference: str | None = None,
               details: dict[str, Any] | None = None) -> None:
        self.s.audit.append((at, actor, action, reference, details))


class _Identities:
    def __init__(self, s: _Store) -> None:
        self.s = s

    def find(self, channel: str, external_id: str) -> str | None:
        return self.s.identities.get((channel, external_id))

    def link(self, channel: str, external_id: str, employee_id: str, at: datetime) -> None:
        self.s.identities[(channel, external_id)] = employee_id

    def set_address(self, channel: str, external_id: str, address: dict[str, Any], at: datetime) -> None:
        return None

    def addresses_of(self, employee_id: str) -> Sequence[tuple[str, str, dict[str, Any] | None]]:
        return [(c, e, None) for (c, e), emp in self.s.identities.items() if emp == employee_id]


class _Codes:
    def __init__(self, s: _Store) -> None:
        self.s = s

    def create(self, employee_id: str, now: datetime, valid_days: int = 7) -> str:
        code = f"ABCD-{len(self.s.codes) + 2345}"[:9]
        self.s.codes[code] = (employee_id, now + timedelta(days=valid_days))
        return code

    def redeem(self, code: str, now: datetime) -> str | None:
        found = self.s.codes.pop(code, None)
        return found[0] if found and found[1] > now else None
