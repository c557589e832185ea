"""Follow-up for the composition root: the filer and the interceptors, configured from the settings."""

from __future__ import annotations

from datetime import tzinfo

from actions.aangifte import AangifteRequests
from actions.aftercare import CheckInAnswers
from actions.escalation import ManagerActions, ReportViewer
from actions.filing import EMAIL, ReportFiler
from actions.referral import ReferralAnswers
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


def push_channels(settings: Settings) -> frozenset[str]:
    """The channels on which meldbot can reach someone unasked: the chat channels switched on, and e-mail."""
    found = set()
    if settings.telegram_token is not None:
        found.add("telegram")
    if settings.teams_dev_anonymous or settings.teams_app_id:
        found.add("teams")
    if settings.smtp_host:
        found.add(EMAIL)
    return frozenset(found)


def followup_hooks(
    settings: Settings, org: Organisation, texts: Texts, tz: tzinfo
) -> tuple[ReportFiler, list[Interceptor]]:
    """The filing hook and, in order, the interceptors that run before the reporting flow."""
    channels = push_channels(settings)
    filer = ReportFiler(org, texts, policy_from(settings), tz, push_channels=channels)
    interceptors: list[Interceptor] = [
        ManagerActions(org, texts, tz),
        ReferralAnswers(org, texts, can_email=EMAIL in channels),
        CheckInAnswers(org, texts, tz, can_email=EMAIL in channels),
        AangifteRequests(org, texts, tz),
        ReportViewer(org, texts, tz),  # last: a reference typed outside a report never starts one
    ]
    return filer, interceptors
