"""Retention policy: when a closed report has to go (pure functions, no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta

CLOSED = "afgerond"
DEFAULT_YEARS = 5  # the brief: e.g. 5 years after the interest lapses (here: after the report was closed)


def closing_time(updated_at: datetime, done_at: datetime | None) -> datetime:
    """When a closed report was closed: its 'done' action, or its last change when no action says so."""
    return max(updated_at, done_at) if done_at is not None else updated_at


def retention_cutoff(now: datetime, years: int = DEFAULT_YEARS) -> datetime:
    """Reports closed before this moment are past their retention period (a year counted as 365.25 days)."""
    if years < 0:
        raise ValueError("the retention period cannot be negative")
    return now - timedelta(days=round(365.25 * years))


def is_due(status: str, closed_at: datetime, cutoff: datetime) -> bool:
    return status == CLOSED and closed_at < cutoff
