"""Follow-up for the composition root: the filer and the interceptors, configured from the settings."""

from __future__ import annotations

from datetime import tzinfo

from actions.aangifte import AangifteRequests
from actions.aftercare import CheckInAnswers
from actions.escalation import ManagerActions
from actions.filing import ReportFiler
from actions.timeline import FollowUpPolicy, parse_clock_time, parse_schedule
from bot.conversation.texts import Texts
from bot.domain.model import Organisation
from bot.service import Interceptor
from bot.settings import Settings


def policy_from(settings: Settings) -> FollowUpPolicy:
    """Raises ValueError on an invalid MELDBOT_AFTERCARE_SCHEDULE or MELDBOT_DIGEST_TIME (fail at start)."""
    return FollowUpPolicy(
        aftercare=parse_schedule(settings.aftercare_schedule),
        digest_at=parse_clock_time(settings.digest_time),
        severe_immediately=settings.severe_immediately,
    )


def followup_hooks(
    settings: Settings, org: Organisation, texts: Texts, tz: tzinfo
) -> tuple[ReportFiler, list[Interceptor]]:
    """The filing hook and, in order, the interceptors that run before the reporting flow."""
    filer = ReportFiler(org, texts, policy_from(settings), tz)
    interceptors: list[Interceptor] = [
        ManagerActions(org, texts, tz),
        CheckInAnswers(org, texts, tz),
        AangifteRequests(org, texts, tz),
    ]
    return filer, interceptors
