"""Files sent during a report (evidence of the draft) or for a report filed before ('bewijs toevoegen aan …')."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.conversation.answers import evidence_request as evidence_request_in
from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.questions import question
from bot.conversation.reading import join_description
from bot.conversation.state import ConversationState
from bot.conversation.turns import AddEvidence, Turn, TurnContext
from bot.domain.model import Evidence
from bot.domain.vocabulary import StepName


def takes_first(state: ConversationState, msg: IncomingMessage) -> bool:
    """Messages that belong to the conversation before any interceptor sees them: evidence for a report."""
    if msg.in_reply_to is not None:
        return False
    return evidence_request_in(msg.text.strip()) is not None or (
        bool(msg.attachments) and state.evidence_for is not None and not state.in_report)


def evidence_of(msg: IncomingMessage) -> tuple[Evidence, ...]:
    """The files (or a location) a channel stored for this message, as evidence of a report; a file the channel
    did not keep (no path) is none."""
    return tuple(
        Evidence(kind=a.kind, path=a.path, mime_type=a.mime_type, size=a.size, latitude=a.latitude,
                 longitude=a.longitude, original_name=a.original_name)
        for a in msg.attachments
        if a.path is not None or a.latitude is not None
    )


def accepts_evidence(state: ConversationState, now: datetime, resume_after: timedelta) -> bool:
    """Whether a file sent now becomes evidence: of the report going on, or of a filed one asked for just now."""
    if state.in_report:
        return state.step != StepName.CONFIRM_STOP
    fresh = state.last_activity is not None and now - state.last_activity < resume_after
    return state.evidence_for is not None and fresh


def evidence_request(
    state: ConversationState, reference: str, msg: IncomingMessage, ctx: TurnContext, prefix: Sequence[Reply],
) -> Turn:
    """'bewijs toevoegen aan MLD-…': the next files (or those sent with it) go to that report of one's own."""
    t = ctx.texts
    if state.in_report:
        return Turn(state, (*prefix, Reply(t("evidence_later_busy", reference=reference)), *question(state, ctx)))
    if reference not in {r.reference for r in ctx.own_reports()}:
        return Turn(state, (*prefix, Reply(t("evidence_unknown_report", reference=reference))))
    waiting = state.evolve(evidence_for=reference)
    if msg.attachments:
        return add_evidence(waiting, msg, ctx, prefix)
    return Turn(waiting, (*prefix, Reply(t("evidence_send_now", reference=reference))))


def add_evidence(
    waiting: ConversationState, msg: IncomingMessage, ctx: TurnContext, prefix: Sequence[Reply]
) -> Turn:
    """The files go to the report `waiting.evidence_for`; a file the channel could not keep is asked again."""
    items = evidence_of(msg)
    if not items:
        return Turn(waiting, (*prefix, Reply(ctx.texts("evidence_not_kept"))))
    return Turn(waiting, tuple(prefix), (AddEvidence(str(waiting.evidence_for), items),))


def take_files(
    state: ConversationState, msg: IncomingMessage, ctx: TurnContext, prefix: Sequence[Reply],
    waiting: str | None = None,
) -> Turn:
    """Files sent: evidence of the draft, of a filed report asked for just now, or of nothing."""
    t = ctx.texts
    if not state.in_report and waiting is not None:
        return add_evidence(state.evolve(evidence_for=waiting), msg, ctx, prefix)
    if not state.in_report or state.step == StepName.CONFIRM_STOP:
        return Turn(state, (*prefix, Reply(t("evidence_no_report"))))
    files = [Evidence(kind=a.kind, path=a.path, mime_type=a.mime_type, size=a.size, latitude=a.latitude,
                      longitude=a.longitude, original_name=a.original_name) for a in msg.attachments]
    draft = state.draft.evolve(evidence=(*state.draft.evidence, *files))
    if msg.text.strip() and state.step in (StepName.DESCRIBE, StepName.DESCRIBE_MORE):
        draft = draft.evolve(description=join_description(draft.description, msg.text.strip()))
    new = state.evolve(draft=draft)
    return Turn(new, (*prefix, Reply(t("evidence_received")), *question(new, ctx)))
