"""The draft as the reporter sees it (the summary) and as it is filed (the report and the closing words)."""

from __future__ import annotations

from typing import Any

from bot.conversation.answers import tidy_explanation
from bot.conversation.draft import ReportDraft
from bot.conversation.reading import for_someone_else, occurrence
from bot.conversation.texts import Texts
from bot.conversation.turns import TurnContext, first_name
from bot.conversation.when import when_text
from bot.domain.model import Report, ReporterRole, is_severe, severity_for
from bot.domain.vocabulary import Location, StepName, Wish


def build_report(draft: ReportDraft, ctx: TurnContext) -> Report:
    """The report as filed, from the draft of the conversation."""
    primary = draft.primary_form
    forms = draft.forms
    severe = draft.severe or is_severe(primary, forms) or draft.doxing
    severity = draft.severity or severity_for(primary, forms)
    if draft.injury not in (None, "nee") and severity != "hoog":
        severity = "hoog"
    reason = tidy_explanation(draft.explanation or "") if primary else ""

    def marked(slot: str, value: str | None) -> str | None:
        """Free text kept after an unclear answer, marked so that nobody takes it for a clear answer."""
        if slot in draft.unclear and value:
            return ctx.texts("unclear_value", value=value)
        return value

    location_text = draft.location_text
    if draft.place and (draft.location_type != Location.ANDERS or not location_text):
        location_text = draft.place
    # The report belongs to the team of the colleague it happened to (their manager follows it up), else the
    # reporter's team.
    victim = ctx.colleague(draft.victim_name) if draft.victim_id and draft.victim_name else None
    team_id = victim.team_id if victim is not None and victim.id == draft.victim_id else ctx.reporter.team_id
    return Report(
        reference=ctx.next_reference(),
        reporter_id=ctx.reporter.id,
        team_id=team_id,
        channel=ctx.channel,
        created_at=ctx.now,
        description=draft.description or "",
        primary_form=primary,
        forms=forms,
        abcd=draft.abcd,
        severe=severe,
        severity=severity,
        explanation=reason,
        corrected_by_reporter=draft.corrected,
        occurred_text=marked(StepName.WHEN, draft.occurred_text),
        occurred_start=draft.occurred_start,
        occurred_end=draft.occurred_end,
        occurred_at=draft.occurred_at,
        location_type=str(draft.location_type) if draft.location_type else None,
        location_text=marked(StepName.WHERE, location_text),
        injury=draft.injury,
        damage=draft.damage,
        weapon=draft.weapon,
        witnesses=marked(StepName.WITNESSES, draft.witnesses),
        perpetrator=draft.perpetrator,
        quotes=draft.quotes,
        feeling=draft.feeling,
        wants=tuple(str(w) for w in draft.wants),
        suicide_threat=draft.suicide_threat,
        doxing=draft.doxing,
        evidence=draft.evidence,
        reporter_role=ReporterRole(draft.reporter_role or ReporterRole.SELF),
        victim_id=draft.victim_id,
        victim_name=marked(StepName.VICTIM, draft.victim_name),
        victim_told=draft.victim_told and bool(draft.victim_id),
    )


def filed_message(report: Report, t: Texts) -> str:
    """What the reporter reads once the report is filed: the reference and what happens next."""
    lines = [t("filed", reference=report.reference)]
    if report.reporter_role == ReporterRole.ON_BEHALF:  # the manager turns to the colleague it happened to
        who = first_name(report.victim_name) if report.victim_id and report.victim_name else t("your_colleague")
        lines.append(t("next_steps_severe_other" if report.severe else "next_steps_normal_other", who=who))
    else:
        lines.append(t("next_steps_severe") if report.severe else t("next_steps_normal"))
    if report.reporter_role == ReporterRole.WITNESS:
        lines.append(t("next_steps_aftercare_witness"))
    elif report.reporter_role == ReporterRole.SELF:  # for a colleague: they get the check-ins, if told
        lines.append(t("next_steps_aftercare"))
    if report.suicide_threat or "dreigen_zelfdoding" in report.forms:
        lines.append(t("next_steps_113"))
    if report.doxing or "online_doxing" in report.forms:
        lines.append(t("next_steps_doxing"))
    if Wish.AANGIFTE_HELP in report.wants:  # asked for already: say how, do not offer it again
        lines.append(t("next_steps_aangifte_wanted", reference=report.reference))
    elif report.severe:
        lines.append(t("next_steps_aangifte", reference=report.reference))
    return "\n\n".join(lines)


def explanation(draft: ReportDraft, t: Texts) -> str:
    """Why the proposed label fits: the understanding's words, or the label's reason after a correction."""
    if draft.explanation and not draft.corrected:
        return tidy_explanation(draft.explanation)
    form = draft.primary_form
    if not form:
        return ""
    reason = t.label("reasons", form)
    if draft.abcd:
        return t("explain_form", form=t.label("forms", form), abcd=draft.abcd, reason=reason)
    return t("explain_form_no_abcd", form=t.label("forms", form), reason=reason)


def summary(draft: ReportDraft, ctx: TurnContext) -> str:
    """The draft as the reporter checks it before sending."""
    t = ctx.texts
    unknown = t("unknown_value")

    def val(v: Any) -> str:
        return unknown if v in (None, "", []) else str(v)

    unclear = draft.unclear
    when = when_text(occurrence(draft), ctx.tz, t) or draft.occurred_text
    where = where_text(draft, t)
    injury = harm_text(draft.injury, draft.damage, t)
    witnesses = draft.witnesses
    for slot in (StepName.WHEN, StepName.WHERE, StepName.INJURY, StepName.WITNESSES, StepName.WITNESSES_WHO):
        if slot in unclear:
            marked = t("unclear_value", value=unclear[slot])
            if slot == StepName.WHEN:
                when = marked
            elif slot == StepName.WHERE:
                where = marked
            elif slot == StepName.INJURY:
                injury = marked
            else:
                witnesses = marked
    wants = draft.wants
    wants_text = ", ".join(t.label("wants", w) for w in wants) if wants else draft.wants_text
    if not wants and not draft.wants_text and draft.is_answered(StepName.WANTS):
        wants_text = t("none_value")
    form = draft.primary_form
    form_text = t.label("forms", form) if form else None
    if form_text and draft.abcd:
        form_text = f"{form_text} ({t.label('abcd', draft.abcd)})"
    lines = [
        t("summary_header"),
        t("summary_description", value=val(draft.description)),
        *summary_people(draft, ctx),
        t("summary_when", value=val(when)),
        t("summary_where", value=val(where)),
        t("summary_injury", value=val(injury)),
        t("summary_witnesses", value=val(witnesses)),
        t("summary_feeling", value=val(draft.feeling)),
        t("summary_wants", value=val(wants_text)),
        t("summary_form", value=val(form_text)),
    ]
    return "\n".join(lines)


def summary_people(draft: ReportDraft, ctx: TurnContext) -> list[str]:
    """Who it happened to, the reporter's part, and whether that colleague hears of it (none when it was you)."""
    if not for_someone_else(draft):
        return []
    t = ctx.texts
    victim = draft.victim_name
    if StepName.VICTIM in draft.unclear:
        victim = t("unclear_value", value=draft.unclear[StepName.VICTIM])
    lines = [t("summary_victim", value=victim or t("unknown_value")),
             t("summary_role", value=t.label("reporter_roles", str(draft.reporter_role)))]
    if draft.victim_id and draft.is_answered(StepName.TELL_VICTIM):
        told = t("tell_victim_summary_yes") if draft.victim_told else t("tell_victim_summary_no")
        lines.append(t("summary_tell_victim", name=first_name(str(victim)), value=told))
    return lines


def where_text(draft: ReportDraft, t: Texts) -> str | None:
    kind = draft.location_type
    place = draft.place or (draft.location_text if kind == Location.ANDERS else None)
    if kind is None:
        return place
    label = t.label("location", kind)
    return f"{label}: {place}" if place else label


def harm_text(injury: str | None, damage: str | None, t: Texts) -> str | None:
    """'geen letsel en geen schade', 'letsel (blauwe plek)', …; None when nothing is known."""
    if injury == "nee" and damage == "nee":
        return t("harm_none")

    def part(value: str | None, kind: str) -> str | None:
        if value is None:
            return None
        if value == "nee":
            return t(f"harm_no_{kind}")
        if value == "ja":
            return t(f"harm_{kind}_plain")
        return t(f"harm_{kind}", value=value)

    parts = [p for p in (part(injury, "injury"), part(damage, "damage")) if p]
    if len(parts) == 2:
        return t("harm_join", first=parts[0], second=parts[1])
    return parts[0] if parts else None
