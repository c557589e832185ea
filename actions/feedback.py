"""Terugkoppeling: every manager action is relayed to the reporter in their own chat, naming the role."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo

from bot.conversation.messages import Reply
from bot.conversation.texts import Texts
from bot.domain.model import Report
from bot.ports import UnitOfWork


def action_line(texts: Texts, action: str, role: str, details: Mapping[str, str] | None = None) -> str:
    """'Je leidinggevende heeft de burger gebeld.' — the most specific line the action's details allow."""
    who = texts.label("roles", role)
    details = details or {}
    specific = texts.labels("feedback_details")
    for key in ("how", "measure", "by"):
        value = details.get(key)
        if value and f"{action}_{value}" in specific:
            return specific[f"{action}_{value}"].format(role=who)
    if action == "aftercare" and details.get("to"):
        return specific["aftercare_to"].format(role=who, to=details["to"])
    return texts.label("feedback", action).format(role=who)


def summary_line(texts: Texts, line: str, at: datetime, tz: tzinfo) -> str:
    """The line under 'mijn meldingen': the date and what happened."""
    return texts("feedback_summary", date=at.astimezone(tz).strftime("%d-%m-%Y"), line=line)


def relay_to_reporter(
    uow: UnitOfWork, texts: Texts, report: Report, line: str, note: str | None, key: str, now: datetime
) -> None:
    """Queue the news for the reporter (sent by the tick, after this turn commits)."""
    parts = [texts("feedback_message", reference=report.reference, line=line)]
    if note:
        parts.append(texts("feedback_note", note=note))
    uow.outbox.add(report.reporter_id, [Reply("\n".join(parts))], due_at=now, kind="feedback",
                   dedup_key=f"feedback:{key}", data={"reference": report.reference})
