"""Scoring the time parser on data/training/duckling_nl.yml (Duckling's Dutch corpus, re-resolved to the past).

The scoring rules are described in the header of that file. Each phrase is one case; a case belongs to one
family. `future` (phrases with only a future meaning) and `negative` (no time at all) are scored as families
of their own and kept out of the past-meaning share; `skip` groups are not scored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from nlu.result import TimeSpan
from nlu.timeparse import parse_when

DUCKLING_FILE = "duckling_nl.yml"
UNSCORED_FAMILIES = ("future", "negative")  # reported, but outside the past-meaning share
FLAG_CONFIDENCE = 0.3  # a start after now must be flagged with at most this confidence
_CLOCK_WINDOW = timedelta(hours=1)  # an `at` case needs a window, not a whole part of the day


@dataclass(frozen=True, slots=True)
class TimeCase:
    """One phrase of the derived corpus with what it should resolve to."""

    family: str
    phrase: str
    spec: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FamilyScore:
    """How many cases of one family resolved correctly."""

    family: str
    good: int
    total: int

    @property
    def share(self) -> float:
        return self.good / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class CorpusScore:
    """Per-family results on the derived corpus, the past-meaning share, and the phrases that failed."""

    families: tuple[FamilyScore, ...]
    failures: tuple[TimeCase, ...]
    skipped: int

    def _sum(self, *, scored: bool) -> tuple[int, int]:
        picked = [f for f in self.families if (f.family not in UNSCORED_FAMILIES) == scored]
        return sum(f.good for f in picked), sum(f.total for f in picked)

    @property
    def past(self) -> tuple[int, int]:
        """(good, total) over the cases with a past meaning."""
        return self._sum(scored=True)

    @property
    def overall(self) -> tuple[int, int]:
        """(good, total) over every scored case, future and negative included."""
        good, total = self._sum(scored=True)
        other_good, other_total = self._sum(scored=False)
        return good + other_good, total + other_total


def load_cases(path: Path) -> tuple[list[TimeCase], datetime, str, int]:
    """The cases of the derived corpus, its reference time and zone, and how many phrases are skipped."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    tz = str(raw.get("timezone", "Europe/Amsterdam"))
    now = datetime.fromisoformat(str(raw["now"])).replace(tzinfo=ZoneInfo(tz))
    cases: list[TimeCase] = []
    skipped = 0
    for group in raw.get("cases") or []:
        phrases = [str(p) for p in group.get("phrases") or []]
        if group.get("skip"):
            skipped += len(phrases)
            continue
        cases.extend(TimeCase(str(group["family"]), p, group) for p in phrases)
    return cases, now, tz, skipped


def _truncate(moment: datetime, grain: str) -> datetime:
    """The start of the grain unit that holds `moment` (weeks start on Monday)."""
    if grain == "second":
        return moment.replace(microsecond=0)
    if grain == "minute":
        return moment.replace(second=0, microsecond=0)
    if grain == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    if grain == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown grain {grain!r}")


def _matches(span: TimeSpan, spec: dict[str, Any], zone: ZoneInfo) -> tuple[bool, datetime]:
    """Whether the span meets the case at its grain, and the expected start (for the future flag)."""

    def at(key: str) -> datetime:
        return datetime.fromisoformat(str(spec[key])).replace(tzinfo=zone)

    grain = str(spec.get("grain", "day"))
    start, end = span.start.astimezone(zone), span.end.astimezone(zone)
    if "unit" in spec:
        unit = at("unit")
        last = end - timedelta(microseconds=1) if end > start else end
        return _truncate(start, grain) == unit and _truncate(last, grain) == unit, unit
    if "at" in spec:
        moment = at("at")
        return start <= moment <= end and end - start <= _CLOCK_WINDOW, moment
    if "before" in spec:
        return _truncate(end, grain) == at("before"), at("before")
    if "after" in spec:
        return _truncate(start, grain) == at("after"), at("after")
    ok = _truncate(start, grain) == at("start") and _truncate(end, grain) == at("end")
    return ok, at("start")


def case_ok(case: TimeCase, now: datetime, tz: str) -> bool:
    """Whether the parser resolves one phrase as the derived corpus expects."""
    span = parse_when(case.phrase, now, tz=tz)
    if case.family == "negative":
        return span is None
    if case.family == "future":
        return span is None or (span.start > now and span.confidence <= FLAG_CONFIDENCE)
    if span is None:
        return False
    ok, expected_start = _matches(span, case.spec, ZoneInfo(tz))
    if ok and expected_start > now:
        return span.confidence <= FLAG_CONFIDENCE
    return ok


def _families(cases: list[TimeCase]) -> Iterator[str]:
    seen: list[str] = []
    for case in cases:
        if case.family not in seen:
            seen.append(case.family)
    yield from sorted(seen, key=lambda f: (f in UNSCORED_FAMILIES, f))


def duckling_accuracy(training_dir: Path) -> CorpusScore | None:
    """Per-family share of duckling_nl.yml resolved correctly; None when the file is absent."""
    path = training_dir / DUCKLING_FILE
    if not path.exists():
        return None
    cases, now, tz, skipped = load_cases(path)
    results = [(case, case_ok(case, now, tz)) for case in cases]
    families = tuple(
        FamilyScore(
            family,
            sum(ok for case, ok in results if case.family == family),
            sum(1 for case, _ in results if case.family == family),
        )
        for family in _families(cases)
    )
    failures = tuple(case for case, ok in results if not ok)
    return CorpusScore(families, failures, skipped)


def render_table(score: CorpusScore) -> list[str]:
    """The per-family figures as a Markdown table."""
    lines = ["| family | resolved | share |", "|---|---:|---:|"]
    lines += [f"| {f.family} | {f.good}/{f.total} | {f.share:.2f} |" for f in score.families]
    good, total = score.past
    all_good, all_total = score.overall
    lines += [
        f"| **past meaning (all but future, negative)** | {good}/{total} | {good / max(1, total):.3f} |",
        f"| all scored cases | {all_good}/{all_total} | {all_good / max(1, all_total):.3f} |",
    ]
    return lines
