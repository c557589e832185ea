"""Help with aangifte: a draft police statement with the 7 W's, domiciliekeuze and the VPT marking."""

from __future__ import annotations

from datetime import datetime, tzinfo

from actions.escalation import REFERENCE
from bot.conversation.flow import normalise
from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.conversation.when import Occurrence, when_text, with_absolute_time
from bot.domain.access import Permission, may
from bot.domain.model import Employee, Organisation, Report
from bot.ports import UnitOfWork

# Typed requests without a reference (only while no report is in progress).
_REQUESTS = {"aangifte", "concept aangifte", "conceptaangifte", "aangifte doen", "hulp bij aangifte",
             "aangifte maken", "concept voor aangifte", "aangifte concept"}


def draft_text(report: Report, reporter: Employee, org: Organisation, texts: Texts, tz: tzinfo) -> str:
    """The draft statement: wie, wat, waar, waarmee, hoe, wanneer, waarom; plain text, for chat and file."""
    unknown = texts("unknown_value")

    def val(value: str | None) -> str:
        return value if value else unknown

    forms = texts.label("forms", report.primary_form) if report.primary_form else unknown
    occurred = Occurrence.of(report)
    # Absolute dates and times only: 'vanmiddag' means something else on the day the police reads it.
    what = with_absolute_time(report.description.strip(), occurred, tz, texts) or forms
    where = texts.label("location", report.location_type) if report.location_type else None
    if where and report.location_text:
        where = f"{where} ({report.location_text})"
    when = when_text(occurred, tz, texts) or report.occurred_text
    how = [texts("aangifte_how_form", value=forms)]
    if report.quotes:
        how.append(texts("aangifte_how_quotes", value="; ".join(f"'{q}'" for q in report.quotes)))
    if report.injury:
        how.append(texts("aangifte_how_injury", value=report.injury))
    if report.damage:
        how.append(texts("aangifte_how_damage", value=report.damage))
    lines = [
        texts("aangifte_title", reference=report.reference),
        texts("aangifte_how_to"),
        "",
        texts("aangifte_vpt"),
        "",
        texts("aangifte_who", name=reporter.name, org=org.name, perpetrator=val(report.perpetrator),
              witnesses=val(report.witnesses)),
        texts("aangifte_what", value=what),
        texts("aangifte_where", value=val(where)),
        texts("aangifte_with", value=report.weapon or texts("aangifte_nothing_with")),
        texts("aangifte_how", value="; ".join(how)),
        texts("aangifte_when", value=val(when)),
        texts("aangifte_why", org=org.name),
        "",
        texts("aangifte_domicile", address=org.employer_address),
        texts("aangifte_more"),
    ]
    return "\n".join(lines)


def draft_for(
    uow: UnitOfWork, org: Organisation, texts: Texts, tz: tzinfo, reference: str, reader: Employee | None,
    now: datetime, channel: str,
) -> str | None:
    """The draft as a file's content for someone allowed to read it (None otherwise); the access is logged.

    `reader` None means the operator on the command line.
    """
    report = uow.reports.get(reference.strip().upper())
    if report is None or (reader is not None and not may_read(org, reader, report)):
        return None
    reporter = org.employee(report.reporter_id) or Employee(report.reporter_id, report.reporter_id, report.team_id)
    uow.audit.record(now, reader.id if reader else "cli", "aangifte_draft", report.reference, {"channel": channel})
    return draft_text(report, reporter, org, texts, tz) + "\n"


def may_read(org: Organisation, employee: Employee, report: Report) -> bool:
    """The reporter, their team's manager and the coordinator (the employer can file aangifte too)."""
    return may(org, employee, Permission.AANGIFTE, report)


class AangifteRequests:
    """Interceptor: 'aangifte' (newest own report) or 'aangifte MLD-2026-00042' returns the draft in the chat."""

    def __init__(self, org: Organisation, texts: Texts, tz: tzinfo) -> None:
        self.org = org
        self.texts = texts
        self.tz = tz

    def __call__(
        self, uow: UnitOfWork, msg: IncomingMessage, employee: Employee, state: ConversationState, now: datetime
    ) -> tuple[Reply, ...] | None:
        if msg.in_reply_to is not None:
            return None
        t = self.texts
        match = REFERENCE.search(msg.text)
        if match is not None:
            if normalise(msg.text[: match.start()]) not in _REQUESTS or msg.text[match.end():].strip():
                return None
            reference = match.group(0).upper()
            others = False
        else:
            if state.in_report or normalise(msg.text) not in _REQUESTS:
                return None
            own = list(uow.reports.for_reporter(employee.id))
            if not own:
                return (Reply(t("aangifte_none")),)
            reference, others = own[0].reference, len(own) > 1
        report = uow.reports.get(reference)
        if report is None:
            return (Reply(t("action_unknown_report", reference=reference)),)
        if not may_read(self.org, employee, report):
            uow.audit.record(now, employee.id, "aangifte_draft_refused", reference)
            return (Reply(t("aangifte_not_yours")),)
        reporter = self.org.employee(report.reporter_id) or employee
        uow.audit.record(now, employee.id, "aangifte_draft", reference, {"channel": msg.channel})
        replies = [Reply(draft_text(report, reporter, self.org, t, self.tz))]
        if others:
            replies.append(Reply(t("aangifte_other", reference=reference)))
        return tuple(replies)
