"""The report as the conversation builds it: a typed, frozen draft, versioned in the stored JSON."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.conversation.frozen import Copier
from bot.domain.model import Evidence, ReporterRole
from bot.domain.vocabulary import Location, Wish

DRAFT_VERSION = 2  # version 1: the loose dict with '_asked' and '_answered' (no 'version' key)
_EVIDENCE_FIELDS = ("kind", "path", "mime_type", "size", "latitude", "longitude", "original_name")
_LEGACY_KEYS = {"_asked": "asked", "_answered": "answered"}


@dataclass(frozen=True, slots=True, eq=False)
class ReportDraft:
    """What is known about the incident so far, and which questions were asked and answered."""

    description: str | None = None
    # The understanding's reading (or the reporter's correction of it).
    primary_form: str | None = None
    forms: tuple[str, ...] = ()
    abcd: str | None = None
    severe: bool = False
    severity: str | None = None
    explanation: str | None = None
    form_unsure: bool = False
    corrected: bool = False
    quotes: tuple[str, ...] = ()
    perpetrator: str | None = None
    weapon: str | None = None
    suicide_threat: bool = False
    doxing: bool = False
    # When: the reporter's words, the interval and the moment meant.
    occurred_text: str | None = None
    occurred_start: datetime | None = None
    occurred_end: datetime | None = None
    occurred_at: datetime | None = None
    # Where: the kind of place, the words, and an address or building found in the story.
    location_type: Location | None = None
    location_text: str | None = None
    place: str | None = None
    injury: str | None = None  # "nee", "ja" or the words
    damage: str | None = None
    witnesses: str | None = None  # "nee", "ja" (nobody named) or who
    feeling: str | None = None
    wants: tuple[Wish, ...] = ()
    wants_text: str | None = None
    evidence: tuple[Evidence, ...] = ()
    # Reporting for someone else.
    reporter_role: ReporterRole | None = None
    victim_id: str | None = None
    victim_name: str | None = None
    victim_told: bool = False
    # Bookkeeping of the conversation.
    asked: tuple[str, ...] = ()  # steps asked for this report (each counts as one question)
    answered: tuple[str, ...] = ()  # steps answered, by the reporter or from the story (sorted)
    unclear: Mapping[str, str] = field(default_factory=dict)  # step -> words kept after an unclear answer
    extra: Mapping[str, Any] = field(default_factory=dict)  # keys of a stored draft this version does not know

    __hash__ = None  # type: ignore[assignment]

    def evolve(self, **changes: Any) -> ReportDraft:
        return self._with(_coerced(changes))

    def _with(self, changes: dict[str, Any]) -> ReportDraft:
        return _copy(self, changes)

    def is_answered(self, step: str) -> bool:
        return step in self.answered

    def with_answered(self, *steps: str) -> ReportDraft:
        return self._with({"answered": tuple(sorted({*self.answered, *steps}))})

    def without_answered(self, *steps: str) -> ReportDraft:
        return self._with({"answered": tuple(s for s in self.answered if s not in steps)})

    # -- stored form ---------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The stored form: the version and every field that is not at its default."""
        data: dict[str, Any] = {"version": DRAFT_VERSION}
        for name, value, default in zip(_STORED, _stored_values_of(self), _STORED_DEFAULTS, strict=True):
            if value != default:
                data[name] = _plain(value)
        data.update(self.extra)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ReportDraft:
        """A draft from its stored form, of this version or an older one (see `migrate`)."""
        current = migrate(data or {})
        values = {k: v for k, v in current.items() if k in _STORED_NAMES}
        extra = {k: v for k, v in current.items() if k not in _STORED_NAMES and k != "version"}
        return cls(**_coerced(values), extra=extra)

    # -- read access by the stored names (for callers that look at one value) -------------

    def __getitem__(self, key: str) -> Any:
        name = _LEGACY_KEYS.get(key, key)
        if name in self.extra:
            return self.extra[name]
        if name == "extra" or name not in _FIELD_NAMES:
            raise KeyError(key)
        return _plain(getattr(self, name))

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __eq__(self, other: object) -> bool:
        # Equal by the stored form; a dict (the old, loose draft) compares by what it migrates to.
        if isinstance(other, ReportDraft):
            return self.to_json() == other.to_json()
        if isinstance(other, Mapping):  # compared with a draft in its old, loose form
            return self.to_json() == ReportDraft.from_json(other).to_json()
        return NotImplemented


_copy = Copier(ReportDraft)
_FIELD_NAMES = frozenset(_copy.names)
_EMPTY = ReportDraft()
# The fields of the stored form (all but `extra`), their getter and their defaults.
_STORED = tuple(name for name in _copy.names if name != "extra")
_STORED_NAMES = frozenset(_STORED)
_stored_values_of = operator.attrgetter(*_STORED)
_STORED_DEFAULTS = _stored_values_of(_EMPTY)


def migrate(data: Mapping[str, Any]) -> dict[str, Any]:
    """The stored draft brought up to the current version.

    Version 1 (no 'version' key) is the loose dict of drafts in progress before the typed draft: the same
    value keys, with the bookkeeping under '_asked' and '_answered'.
    """
    current = dict(data)
    version = int(current.get("version") or 1)
    if version < 2:
        for old, new in _LEGACY_KEYS.items():
            if old in current:
                current[new] = current.pop(old)
        current["version"] = 2
    return current


def _coerced(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the draft's fields hold them (lists as tuples, times as datetimes, words as vocabulary)."""
    out = dict(values)
    for key in ("forms", "quotes", "asked"):
        if key in out:
            out[key] = tuple(out[key] or ())
    if "answered" in out:
        out["answered"] = tuple(sorted(set(out["answered"] or ())))
    for key in ("occurred_start", "occurred_end", "occurred_at"):
        if isinstance(out.get(key), str):
            out[key] = datetime.fromisoformat(out[key])
    if out.get("location_type") is not None:
        out["location_type"] = Location(out["location_type"])
    if "wants" in out:
        out["wants"] = tuple(Wish(w) for w in out["wants"] or ())
    if out.get("reporter_role") is not None:
        out["reporter_role"] = ReporterRole(out["reporter_role"])
    if "evidence" in out:
        out["evidence"] = tuple(_evidence(e) for e in out["evidence"] or ())
    if "unclear" in out:
        out["unclear"] = dict(out["unclear"] or {})
    for key in ("severe", "form_unsure", "corrected", "suicide_threat", "doxing", "victim_told"):
        if key in out:
            out[key] = bool(out[key])
    return out


_AS_IS = frozenset({str, bool, int, float, type(None)})  # stored as they are (an enum member is not one of these)


def _evidence(item: Evidence | Mapping[str, Any]) -> Evidence:
    if isinstance(item, Evidence):
        return item
    return Evidence(**{k: item[k] for k in _EVIDENCE_FIELDS if k in item})


def _plain(value: Any) -> Any:
    """A field's value in the stored (JSON) form."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Evidence):
        return {k: getattr(value, k) for k in _EVIDENCE_FIELDS}
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, (Location, Wish, ReporterRole)):
        return str(value)
    return value
