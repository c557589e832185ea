"""Escalation to the manager: the message with clocks and buttons, reminders, and the manager's actions."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Protocol

from actions.feedback import action_line, relay_to_reporter, summary_line
from actions.records import (
    ACTION_STOPS,
    ACTIONS,
    DONE,
    MANAGER_PROMPT,
    NOTE,
    ActionRecord,
    followup_of,
)
from bot.conversation.flow import first_name, match_choice, normalise
from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.domain.access import acting_role
from bot.domain.model import Employee, Organisation, Report
from bot.ports import UnitOfWork

logger = logging.getLogger(__name__)

REFERENCE = re.compile(r"\bMLD-\d{4}-\d{5}\b", re.IGNORECASE)

# Typed commands: the words before the reference (normalised); the button labels work too.
_TYPED = {
    "gesproken": "spoke", "medewerker gesproken": "spoke", "steungesprek": "spoke", "gesprek": "spoke",
    "contact": "contact", "contact opgenomen": "contact", "burger gebeld": "contact",
    "reactie": "reaction", "reactie dader": "reaction", "reactie naar dader": "reaction",
    "reactie naar de dader": "reaction", "reactie gegeven": "reaction",
    "aangifte gedaan": "aangifte",
    "geen aangifte": "no_aangifte", "aangifte niet nodig": "no_aangifte",
    "afgerond": "done", "afronden": "done", "afsluiten": "done",
    "notitie": "note", "note": "note",
}


class HasDeadline(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...


def local(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%d-%m-%Y %H:%M")


def recipient_for(org: Organisation, reporter: Employee) -> tuple[Employee, str] | None:
    """Who is told about a report: the reporter's manager, else the coordinator (with the role)."""
    manager = org.manager_of(reporter.id)
    if manager is not None and manager.id != reporter.id:
        return manager, "manager"
    coordinator = org.employee(org.coordinator_id) if org.coordinator_id else None
    if coordinator is not None and coordinator.id != reporter.id:
        return coordinator, "coordinator"
    return None


def role_of(org: Organisation, employee: Employee, report: Report) -> str | None:
    """The role in which someone may act on a report: its team's manager or the coordinator (the access policy)."""
    return acting_role(org, employee, report)


def report_facts(report: Report, texts: Texts, tz: tzinfo) -> list[str]:
    """The short summary a manager sees: forms and ABCD, when, where (not the reporter's own words)."""
    unknown = texts("unknown_value")
    what = texts.label("forms", report.primary_form) if report.primary_form else unknown
    if report.abcd:
        what = f"{what} ({texts.label('abcd', report.abcd)})"
    when = report.occurred_text or unknown
    if report.occurred_start is not None:
        when = f"{when} ({local(report.occurred_start, tz)})"
    where = texts.label("location", report.location_type) if report.location_type else unknown
    if report.location_text and report.location_type == "anders":
        where = f"{where}: {report.location_text}"
    return [texts("escalation_what", value=what), texts("escalation_when", value=when),
            texts("escalation_where", value=where)]


def action_choices(texts: Texts) -> tuple[str, ...]:
    return tuple(texts.choice(f"action_{a}") for a in ACTIONS)


def task_line(texts: Texts, clock: HasDeadline, reporter: Employee, tz: tzinfo) -> str:
    return texts.label("clock_tasks", clock.kind).format(name=first_name(reporter.name), due=local(clock.due_at, tz))


def manager_reply(
    report: Report, reporter: Employee, clocks: Sequence[HasDeadline], texts: Texts, tz: tzinfo
) -> Reply:
    """The message about a new report: reference, summary, the clocks, and the actions as buttons."""
    header = "escalation_header_severe" if report.severe else "escalation_header"
    lines = [texts(header, reference=report.reference, name=reporter.name), *report_facts(report, texts, tz)]
    if clocks:
        lines.append("")
        lines.append(texts("escalation_tasks"))
        lines.extend(texts("escalation_task_line", task=task_line(texts, c, reporter, tz)) for c in clocks)
    lines.append("")
    lines.append(texts("escalation_actions_hint", reference=report.reference, name=first_name(reporter.name)))
    return Reply("\n".join(lines), action_choices(texts), MANAGER_PROMPT + report.reference)


def digest_replies(
    items: Sequence[tuple[Report, Employee, Sequence[HasDeadline]]], texts: Texts, tz: tzinfo
) -> list[Reply]:
    """One daily message: a header, then each report with its own buttons."""
    count = len(items)
    header = texts("digest_header_one") if count == 1 else texts("digest_header_many", count=count)
    return [Reply(header), *(manager_reply(r, e, c, texts, tz) for r, e, c in items)]


def reminder_reply(report: Report, reporter: Employee, clock: HasDeadline, texts: Texts, tz: tzinfo) -> Reply:
    text = "\n".join([
        texts("reminder", reference=report.reference, name=reporter.name,
              task=task_line(texts, clock, reporter, tz)),
        texts("reminder_hint"),
    ])
    return Reply(text, action_choices(texts), MANAGER_PROMPT + report.reference)


def overdue_reply(
    report: Report, reporter: Employee, clock: HasDeadline, owner: Employee | None, texts: Texts, *, escalated: bool
) -> Reply:
    """At the deadline: to the coordinator (escalated), or to the owner when there is no one above."""
    clock_name = texts.label("clock_names", clock.kind)
    if escalated:
        text = texts("clock_escalated", reference=report.reference, name=reporter.name, clock=clock_name,
                     owner=owner.name if owner else texts("unknown_value"))
    else:
        text = texts("clock_overdue", reference=report.reference, name=reporter.name, clock=clock_name)
    return Reply(text, action_choices(texts), MANAGER_PROMPT + report.reference)


def parse_command(text: str, extra: dict[str, str] | None = None) -> tuple[str, str, str | None] | None:
    """'contact MLD-2026-00042 gebeld' → ('contact', 'MLD-2026-00042', 'gebeld'); None when not a command."""
    match = REFERENCE.search(text)
    if match is None:
        return None
    head = normalise(text[: match.start()])
    action = _TYPED.get(head) or (extra or {}).get(head)
    if action is None:
        return None
    note = text[match.end():].strip(" \t\n:;,-–") or None
    return action, match.group(0).upper(), note


class ManagerActions:
    """Interceptor: a manager's (or coordinator's) button press or typed action on a report."""

    def __init__(self, org: Organisation, texts: Texts, tz: tzinfo) -> None:
        self.org = org
        self.texts = texts
        self.tz = tz
        self.labels = {normalise(texts.choice(f"action_{a}")): a for a in ACTIONS}

    def __call__(
        self, uow: UnitOfWork, msg: IncomingMessage, employee: Employee, state: ConversationState, now: datetime
    ) -> tuple[Reply, ...] | None:
        t = self.texts
        if msg.in_reply_to is not None and msg.in_reply_to.startswith(MANAGER_PROMPT):
            reference = msg.in_reply_to.removeprefix(MANAGER_PROMPT)
            index = match_choice(msg.text, action_choices(t))
            if index is None:
                return (Reply(t("action_unclear", reference=reference)),)
            return self.record(uow, employee, reference, ACTIONS[index], None, now)
        if msg.in_reply_to is not None:
            return None
        parsed = parse_command(msg.text, self.labels)
        if parsed is None:
            return None
        action, reference, note = parsed
        if action == NOTE and not note:
            return (Reply(t("action_note_hint", reference=reference)),)
        return self.record(uow, employee, reference, action, note, now)

    def record(
        self, uow: UnitOfWork, actor: Employee, reference: str, action: str, note: str | None, now: datetime,
        details: dict[str, str] | None = None, channel: str = "chat",
    ) -> tuple[Reply, ...]:
        """Store the action, stop the clocks it answers, update the status and tell the reporter.

        The one implementation behind the chat buttons, typed commands and the back-office form.
        """
        t = self.texts
        report = uow.reports.get(reference)
        if report is None:
            return (Reply(t("action_unknown_report", reference=reference)),)
        role = role_of(self.org, actor, report)
        if role is None:
            uow.audit.record(now, actor.id, "report_action_refused", reference, {"action": action})
            return (Reply(t("action_not_allowed")),)
        line = action_line(t, action, role, details)
        store = followup_of(uow)
        key = f"{reference}:{actor.id}:{now.isoformat()}:{action}"
        stopped: list[str] = []
        if store is not None:
            action_id = store.add_action(ActionRecord(reference, actor.id, role, action, note, now,
                                                      summary_line(t, line, now, self.tz), details or None))
            key = str(action_id)
            stopped = store.acknowledge(reference, ACTION_STOPS[action], actor.id, now)
        if action == DONE:
            uow.reports.set_status(reference, "afgerond")
        elif report.status == "ingediend":
            uow.reports.set_status(reference, "in_behandeling")
        uow.audit.record(now, actor.id, "report_action", reference,
                         {"action": action, "role": role, "clocks": stopped, "note": bool(note), "channel": channel,
                          **({"details": details} if details else {})})
        relay_to_reporter(uow, t, report, line, note, key, now)
        reporter = self.org.employee(report.reporter_id)
        name = first_name(reporter.name) if reporter else t("unknown_value")
        if action == NOTE:
            return (Reply(t("action_note_recorded", reference=reference, name=name)),)
        label = t.choice(f"action_{action}")
        replies = [t("action_recorded", reference=reference, action=label, name=name)]
        if not note:
            replies.append(t("action_note_hint", reference=reference))
        return (Reply("\n".join(replies)),)
