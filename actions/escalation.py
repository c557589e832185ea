"""The manager's side of a report: the message with its facts, clocks and buttons, reminders, and the actions."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Protocol

from actions.feedback import action_line, relay_to_reporter, summary_line
from actions.records import (
    ACTION_DETAILS,
    ACTION_STOPS,
    CHAT_BUTTONS,
    CONTACT,
    DONE,
    LEGACY_BUTTONS,
    LEGACY_MANAGER_PROMPT,
    MANAGER_PROMPT,
    MEASURE,
    MESSAGE,
    NOTE,
    ActionRecord,
)
from actions.timeline import recipient_for
from bot.conversation.flow import first_name, match_choice, normalise
from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.conversation.when import Occurrence, when_text
from bot.domain.access import Permission, acting_role, may
from bot.domain.model import Employee, Organisation, Report, ReporterRole
from bot.ports import UnitOfWork

__all__ = ["REFERENCE", "ManagerActions", "ReportViewer", "local", "manager_reply", "parse_command",
           "recipient_for"]

logger = logging.getLogger(__name__)

REFERENCE = re.compile(r"\bMLD-\d{4}-\d{5}\b", re.IGNORECASE)
EXCERPT = 300  # characters of the reporter's own words in the first message to the manager
VIEW = "view"
AMBIGUOUS = "ambiguous"

Details = dict[str, str] | None
# Typed commands: the words before the reference (normalised) -> (action, details); button labels work too.
_TYPED: dict[str, tuple[str, Details]] = {
    "gesproken": ("spoke", None), "medewerker gesproken": ("spoke", None), "gesprek": ("spoke", None),
    "contact medewerker": ("spoke", None), "medewerker gebeld": ("spoke", None),
    "steungesprek": ("support", None), "steungesprek gehouden": ("support", None),
    "burger gebeld": ("reaction", {"how": "telefoon"}), "dader gebeld": ("reaction", {"how": "telefoon"}),
    "brief": ("reaction", {"how": "brief"}), "brief gestuurd": ("reaction", {"how": "brief"}),
    "incidentgesprek": ("reaction", {"how": "incidentgesprek"}),
    "reactie": ("reaction", None), "reactie dader": ("reaction", None), "reactie naar dader": ("reaction", None),
    "reactie naar de dader": ("reaction", None), "reactie gegeven": ("reaction", None),
    "reactie burger": ("reaction", None), "reactie naar de burger": ("reaction", None),
    "maatregel": ("measure", None),
    "aangifte gedaan": ("aangifte", None),
    "geen aangifte": ("no_aangifte", None), "aangifte niet nodig": ("no_aangifte", None),
    "doorverwezen": ("aftercare", None), "doorverwijzing": ("aftercare", None),
    "bericht": ("message", None),
    "afgerond": ("done", None), "afronden": ("done", None), "afsluiten": ("done", None),
    "notitie": ("note", None), "note": ("note", None),
    "contact": (AMBIGUOUS, None), "contact opgenomen": (AMBIGUOUS, None),
    "bekijk": (VIEW, None), "bekijken": (VIEW, None), "toon": (VIEW, None), "laat zien": (VIEW, None),
    "open": (VIEW, None),
}


class HasDeadline(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...


def local(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%d-%m-%Y %H:%M")


def role_of(org: Organisation, employee: Employee, report: Report) -> str | None:
    """The role in which someone may act on a report: its team's manager or the coordinator (the access policy)."""
    return acting_role(org, employee, report)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The first `limit` characters of the reporter's words, cut at a word and marked when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


def forms_text(report: Report, texts: Texts) -> str:
    """'bedreiging (D: bedreigend of fysiek gedrag); bedreigen, doxing' — the forms a manager sees."""
    unknown = texts("unknown_value")
    what = texts.label("forms", report.primary_form) if report.primary_form else unknown
    if report.abcd:
        what = f"{what} ({texts.label('abcd', report.abcd)})"
    fine = texts.labels("fine_forms")
    details = [fine[f] for f in report.forms if f in fine]
    return f"{what}; {', '.join(details)}" if details else what


def report_facts(report: Report, texts: Texts, tz: tzinfo, *, full: bool = False) -> list[str]:
    """What happened (an excerpt, or all of it), the forms, when, where, injury, perpetrator and the wishes."""
    unknown = texts("unknown_value")
    when = when_text(Occurrence.of(report), tz, texts) or report.occurred_text or unknown
    where = texts.label("location", report.location_type) if report.location_type else unknown
    if report.location_text:
        where = f"{where}: {report.location_text}"
    harm = [texts("escalation_injury_value", value=report.injury)] if report.injury else []
    if report.damage:
        harm.append(texts("escalation_damage_value", value=report.damage))
    wants = ", ".join(texts.label("wants", w) for w in report.wants) or texts("none_value")
    description = report.description.strip()
    lines = [
        texts("escalation_story", value=(description if full else excerpt(description)) or unknown),
        texts("escalation_what", value=forms_text(report, texts)),
        texts("escalation_when", value=when),
        texts("escalation_where", value=where),
        texts("escalation_harm", value="; ".join(harm) or unknown),
        texts("escalation_perpetrator", value=report.perpetrator or unknown),
        texts("escalation_wants", value=wants),
    ]
    if report.reporter_role != ReporterRole.SELF:  # reported for a colleague, or seen as a witness
        lines.insert(1, texts("escalation_victim", value=report.victim_name or unknown,
                              role=texts.label("reporter_roles_manager", str(report.reporter_role))))
    if full:
        lines.insert(1, texts("escalation_quotes", value="; ".join(f"'{q}'" for q in report.quotes) or unknown))
        lines.append(texts("escalation_witnesses", value=report.witnesses or unknown))
        lines.append(texts("escalation_feeling", value=report.feeling or unknown))
        lines.append(texts("escalation_evidence", count=len(report.evidence)))
    return lines


def action_choices(texts: Texts) -> tuple[str, ...]:
    return tuple(texts.choice(f"action_{key}") for key, _, _ in CHAT_BUTTONS)


def legacy_choices(texts: Texts) -> tuple[str, ...]:
    return tuple(texts.choice(f"legacy_action_{a}") for a in LEGACY_BUTTONS)


def task_line(texts: Texts, clock: HasDeadline, reporter: Employee, tz: tzinfo) -> str:
    return texts.label("clock_tasks", clock.kind).format(name=first_name(reporter.name), due=local(clock.due_at, tz))


def manager_reply(
    report: Report, reporter: Employee, clocks: Sequence[HasDeadline], texts: Texts, tz: tzinfo,
    *, owner: Employee | None = None, concerns: Employee | None = None,
) -> Reply:
    """The message about a new report: reference, facts, the clocks, and the actions as buttons.

    With `owner`, the message is the coordinator's copy of a severe report: it names who owns the follow-up.
    `concerns` is whom the tasks are about when that is not the reporter (the colleague it happened to).
    """
    if owner is not None:
        header = texts("escalation_header_coordinator", reference=report.reference, name=reporter.name,
                       owner=owner.name)
    else:
        header = texts("escalation_header_severe" if report.severe else "escalation_header",
                       reference=report.reference, name=reporter.name)
    lines = [header, *report_facts(report, texts, tz)]
    if clocks:
        lines.append("")
        lines.append(texts("escalation_tasks_of", owner=owner.name) if owner else texts("escalation_tasks"))
        lines.extend(texts("escalation_task_line", task=task_line(texts, c, concerns or reporter, tz))
                     for c in clocks)
    lines.append("")
    lines.append(texts("escalation_actions_hint", reference=report.reference, name=first_name(reporter.name)))
    return Reply("\n".join(lines), action_choices(texts), MANAGER_PROMPT + report.reference)


def digest_replies(
    items: Sequence[tuple[Report, Employee, Sequence[HasDeadline], Employee]], texts: Texts, tz: tzinfo
) -> list[Reply]:
    """One message at the digest time: a header, then each report with its own buttons.

    Each item: the report, its reporter, its clocks and whom it is about (see `manager_reply`)."""
    count = len(items)
    header = texts("digest_header_one") if count == 1 else texts("digest_header_many", count=count)
    return [Reply(header), *(manager_reply(r, e, c, texts, tz, concerns=who) for r, e, c, who in items)]


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


def missed_reply(report: Report, clock: HasDeadline, now_on_it: Employee | None, texts: Texts, key: str) -> Reply:
    """One plain sentence for the reporter: this deadline was missed, and who is on it now."""
    return Reply(texts(key, reference=report.reference, clock=texts.label("clock_names_reporter", clock.kind),
                       name=now_on_it.name if now_on_it else texts("unknown_value")))


def report_view(report: Report, reporter: Employee, texts: Texts, tz: tzinfo, status: str,
                clocks: Sequence[tuple[str, str]], actions: Sequence[str]) -> str:
    """The whole report in the chat (`bekijk MLD-...`): every fact, the clocks and what was done."""
    lines = [texts("view_header", reference=report.reference, name=reporter.name,
                   date=local(report.created_at, tz), status=status),
             *report_facts(report, texts, tz, full=True)]
    if clocks:
        lines += ["", texts("view_clocks"), *(texts("escalation_task_line", task=f"{n}: {s}") for n, s in clocks)]
    if actions:
        lines += ["", texts("view_actions"), *(texts("escalation_task_line", task=a) for a in actions)]
    return "\n".join(lines)


def measure_from(note: str | None, texts: Texts) -> Details:
    """'maatregel MLD-... waarschuwing' → {'measure': 'waarschuwing'} when the note names a known measure."""
    if not note:
        return None
    norm = normalise(note)
    for key, label in texts.labels("measures").items():
        if norm.startswith(normalise(key).replace("_", " ")) or normalise(label) in norm:
            return {"measure": key}
    return None


def parse_command(text: str, extra: Mapping[str, tuple[str, Details]] | None = None
                  ) -> tuple[str, str, str | None, Details] | None:
    """'burger gebeld MLD-2026-00042 rustig' → ('reaction', 'MLD-2026-00042', 'rustig', {'how': 'telefoon'})."""
    match = REFERENCE.search(text)
    if match is None:
        return None
    head = normalise(text[: match.start()])
    found = _TYPED.get(head) or (extra or {}).get(head)
    if found is None:
        return None
    note = text[match.end():].strip(" \t\n:;,-–") or None
    return found[0], match.group(0).upper(), note, found[1]


class ManagerActions:
    """Interceptor: a manager's (or coordinator's) button press, typed action or `bekijk MLD-...` on a report."""

    def __init__(self, org: Organisation, texts: Texts, tz: tzinfo) -> None:
        self.org = org
        self.texts = texts
        self.tz = tz
        self.labels: dict[str, tuple[str, Details]] = {
            normalise(texts.choice(f"action_{key}")): (action, details) for key, action, details in CHAT_BUTTONS}

    def __call__(
        self, uow: UnitOfWork, msg: IncomingMessage, employee: Employee, state: ConversationState, now: datetime
    ) -> tuple[Reply, ...] | None:
        t = self.texts
        pid = msg.in_reply_to
        if pid is not None and pid.startswith(MANAGER_PROMPT):
            reference = pid.removeprefix(MANAGER_PROMPT)
            index = match_choice(msg.text, action_choices(t))
            if index is None:
                return (Reply(t("action_unclear", reference=reference)),)
            _key, action, details = CHAT_BUTTONS[index]
            return self.record(uow, employee, reference, action, None, now, details=details)
        if pid is not None and pid.startswith(LEGACY_MANAGER_PROMPT):
            reference = pid.removeprefix(LEGACY_MANAGER_PROMPT)
            index = match_choice(msg.text, legacy_choices(t))
            if index is None or LEGACY_BUTTONS[index] == CONTACT:
                return (Reply(t("action_which_contact", reference=reference)),)
            return self.record(uow, employee, reference, LEGACY_BUTTONS[index], None, now)
        if pid is not None:
            return None
        parsed = parse_command(msg.text, self.labels)
        if parsed is None:
            return None
        action, reference, note, details = parsed
        if action == VIEW:
            return ReportViewer(self.org, t, self.tz).view(uow, employee, reference, now, msg.channel)
        if action == AMBIGUOUS:
            return (Reply(t("action_which_contact", reference=reference)),)
        if action in (NOTE, MESSAGE) and not note:
            return (Reply(t("action_note_hint", reference=reference)),)
        if action == MEASURE:
            details = measure_from(note, t)
        return self.record(uow, employee, reference, action, note, now, details=details)

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
        details = {k: v for k, v in (details or {}).items() if k in ACTION_DETAILS.get(action, {})} or None
        line = action_line(t, action, role, details)
        store = uow.followup
        action_id = store.add_action(ActionRecord(reference, actor.id, role, action, note, now,
                                                  summary_line(t, line, now, self.tz), details))
        stopped = store.acknowledge(reference, ACTION_STOPS.get(action, ()), actor.id, now)
        if action == DONE:
            uow.reports.set_status(reference, "afgerond")
        elif report.status == "ingediend":
            uow.reports.set_status(reference, "in_behandeling")
        uow.audit.record(now, actor.id, "report_action", reference,
                         {"action": action, "role": role, "clocks": stopped, "note": bool(note), "channel": channel,
                          **({"details": details} if details else {})})
        relay_to_reporter(uow, t, report, line, note, str(action_id), now)
        reporter = self.org.employee(report.reporter_id)
        name = first_name(reporter.name) if reporter else t("unknown_value")
        if action == NOTE:
            return (Reply(t("action_note_recorded", reference=reference, name=name)),)
        lines = [t("action_recorded", reference=reference, action=self.action_label(action, details), name=name)]
        still = [c for c in store.clocks(reference) if c.acknowledged_at is None]
        if still and action != DONE:
            lines.append(t("action_still_open", clocks="; ".join(
                t("action_open_clock", clock=t.label("clock_names", c.kind), due=local(c.due_at, self.tz))
                for c in still)))
        if not note:
            lines.append(t("action_note_hint", reference=reference))
        return (Reply("\n".join(lines)),)

    def action_label(self, action: str, details: Mapping[str, str] | None) -> str:
        t = self.texts
        how = (details or {}).get("how")
        if how:
            return t.label("reaction_how", how)
        return t.choice(f"action_{action}")


class ReportViewer:
    """`bekijk MLD-...` and a bare reference: the whole report in the chat for whoever may read it (audit-logged)."""

    def __init__(self, org: Organisation, texts: Texts, tz: tzinfo) -> None:
        self.org = org
        self.texts = texts
        self.tz = tz

    def __call__(
        self, uow: UnitOfWork, msg: IncomingMessage, employee: Employee, state: ConversationState, now: datetime
    ) -> tuple[Reply, ...] | None:
        """A reference typed outside a report never starts one: it is answered with what can be done with it."""
        if msg.in_reply_to is not None or state.in_report:
            return None
        match = REFERENCE.search(msg.text)
        if match is None:
            return None
        reference = match.group(0).upper()
        report = uow.reports.get(reference)
        if report is None or not may(self.org, employee, Permission.READ, report):
            return (Reply(self.texts("action_unknown_report", reference=reference)),)
        if role_of(self.org, employee, report) is None:
            return (Reply(self.texts("reference_hint_reporter", reference=reference)),)
        return (Reply(self.texts("reference_hint_manager", reference=reference), action_choices(self.texts),
                      MANAGER_PROMPT + reference),)

    def view(self, uow: UnitOfWork, reader: Employee, reference: str, now: datetime,
             channel: str) -> tuple[Reply, ...]:
        t = self.texts
        report = uow.reports.get(reference)
        if report is None or not may(self.org, reader, Permission.READ, report):
            if report is not None:
                uow.audit.record(now, reader.id, "report_read_refused", reference, {"channel": channel})
            return (Reply(t("action_unknown_report", reference=reference)),)
        uow.audit.record(now, reader.id, "report_read", reference, {"channel": channel})
        reporter = self.org.employee(report.reporter_id) or Employee(report.reporter_id, report.reporter_id, None)
        clocks = []
        for c in uow.followup.clocks(reference):
            if c.acknowledged_at is None:
                state = t("view_clock_open", due=local(c.due_at, self.tz))
            else:
                key = "view_clock_met" if c.acknowledged_at <= c.due_at else "view_clock_late"
                state = t(key, at=local(c.acknowledged_at, self.tz))
            clocks.append((t.label("clock_names", c.kind), state))
        actions = [a.summary for a in uow.followup.actions(reference)]
        text = report_view(report, reporter, t, self.tz, t.label("status", report.status), clocks, actions)
        if role_of(self.org, reader, report) is None:
            return (Reply(text),)
        return (Reply(text, action_choices(t), MANAGER_PROMPT + reference),)
