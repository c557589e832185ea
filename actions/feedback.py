"""Terugkoppeling: every manager action is relayed to the reporter in their own chat, naming the role."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.conversation.messages import Reply
from bot.conversation.texts import Texts
from bot.domain.model import Report
from bot.ports import UnitOfWork


def action_line(texts: Texts, action: str, role: str) -> str:
    """'Je leidinggevende heeft contact opgenomen met de burger.'"""
    return texts.label("feedback", action).format(role=texts.label("roles", role))


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
