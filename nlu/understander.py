"""The understanders the dialogue calls: rules only (RuleUnderstander) or rules plus models (Understander)."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from nlu.combine import CombineParams, Reading, read_incident, rule_scores
from nlu.features import FeatureConfig, feature_tokens, intent_tokens
from nlu.intents import is_control, rule_intent, words_of
from nlu.model import ArchConfig, average, predict_cats
from nlu.result import (
    ABCD,
    FINE_FORMS,
    INTENTS,
    PRIMARY_FORMS,
    Entities,
    TimeSpan,
    UnderstandContext,
    Understanding,
)
from nlu.rules import Analysis, RuleAnalyzer, names_someone
from nlu.timeparse import parse_when

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

# Answers to these questions carry content, so a message that is no control intent counts as "describe".
SLOT_ANSWERS = frozenset(
    {"description", "when", "location", "injury", "witnesses", "feeling", "wants", "free"}
)
_CLASSIFY_WHEN_EXPECTING = frozenset({None, "description", "free"})
INTENT_WORDS = 30
_YES_NO_SLOTS = {"injury": "injury", "witnesses": "witnesses"}


class _Recent(threading.local):
    """The last text this thread understood, with what does not depend on the question: its analysis, its
    time and (once asked for) its reading."""

    key: tuple[str, datetime] | None = None
    analysis: Analysis
    when: TimeSpan | None = None
    reading: Reading | None = None


class RuleUnderstander:
    """Rules only, no trained model, instant after the first call: the fallback and the unit-test one."""

    def __init__(self, *, tz: str = "Europe/Amsterdam", params: CombineParams | None = None) -> None:
        self._tz = tz
        self._params = params or CombineParams()
        self._analyzer: RuleAnalyzer | None = None
        self._recent = _Recent()

    @property
    def analyzer(self) -> RuleAnalyzer:
        """The rule analyser, built on first use."""
        if self._analyzer is None:
            self._analyzer = RuleAnalyzer()
        return self._analyzer

    def understand(self, text: str, context: UnderstandContext) -> Understanding:
        """Intent, entities and (for incident descriptions) the classification of one message."""
        recent = self._recent
        if recent.key != (text, context.now):
            # What does not depend on the question asked is kept for the next call on this thread: a turn
            # may read the same text again for another question (a first message that starts a report).
            recent.key = (text, context.now)
            recent.analysis = self.analyzer.analyze(text)
            recent.when = parse_when(text, context.now, tz=self._tz)
            recent.reading = None
        analysis, when = recent.analysis, recent.when
        informative = when is not None or analysis.entities.location_type is not None
        intent, intent_conf = self._intent(analysis, context, informative=informative)
        reading = None
        if intent == "describe" and (context.expecting in _CLASSIFY_WHEN_EXPECTING or analysis.actual()):
            reading = recent.reading = recent.reading or self._read(analysis)
        entities = _entities_for(analysis, text, intent, context, when)
        return _understanding(intent, intent_conf, entities, reading)

    def _intent(
        self, analysis: Analysis, context: UnderstandContext, *, informative: bool = False
    ) -> tuple[str, float]:
        rule = rule_intent(analysis.folded, context.expecting)
        if rule is not None:
            return rule
        return _fallback_intent(analysis, context, informative=informative)

    def _read(self, analysis: Analysis) -> Reading:
        primary, abcd, forms = rule_scores(analysis)
        return read_incident(analysis, primary, abcd, forms, self._params)


class Understander(RuleUnderstander):
    """Rules plus trained spaCy classifiers for intents, primary form, ABCD and fine forms."""

    def __init__(
        self,
        incident_nlps: Sequence[Language],
        intent_nlp: Language,
        *,
        arch: ArchConfig,
        params: CombineParams,
        tz: str = "Europe/Amsterdam",
    ) -> None:
        super().__init__(tz=tz, params=params)
        self._incident_nlps = list(incident_nlps)
        self._intent_nlp = intent_nlp
        self.arch = arch
        self.params = params

    def _intent(
        self, analysis: Analysis, context: UnderstandContext, *, informative: bool = False
    ) -> tuple[str, float]:
        rule = rule_intent(analysis.folded, context.expecting)
        if rule is not None and rule[1] >= 0.9:
            return rule
        if context.expecting in SLOT_ANSWERS and len(analysis.tokens) > 8:
            return "describe", 0.9  # a long answer to a content question: no control intent is that long
        # dialogue intents are short; the opening words decide, which keeps long descriptions fast
        words = words_of(analysis.folded, INTENT_WORDS)
        cats = predict_cats(self._intent_nlp, intent_tokens(words, self.arch.intent_member.features))
        best = max(INTENTS, key=lambda k: cats.get(k, 0.0))
        conf = float(cats.get(best, 0.0))
        if context.expecting in SLOT_ANSWERS:
            if is_control(best) and conf >= 0.8 and len(analysis.tokens) <= 8:
                return best, conf
            return "describe", max(conf if best == "describe" else 0.0, 0.6)
        if context.expecting == "yes_no" and best in ("yes", "no") and conf >= 0.5:
            return best, conf
        if rule is not None:
            return rule
        if conf >= 0.7 or (conf >= 0.5 and not informative):
            return best, conf
        return _fallback_intent(analysis, context, informative=informative)

    def _read(self, analysis: Analysis) -> Reading:
        tokens: dict[FeatureConfig, list[str]] = {}
        scores = []
        for nlp, member in zip(self._incident_nlps, self.arch.members, strict=True):
            if member.features not in tokens:
                tokens[member.features] = feature_tokens(analysis, member.features)
            scores.append(predict_cats(nlp, tokens[member.features]))
        cats = average(scores)
        primary = {k: float(cats.get(k, 0.0)) for k in PRIMARY_FORMS}
        abcd = {k: float(cats.get(k, 0.0)) for k in ABCD}
        forms = {k: float(cats.get(k, 0.0)) for k in FINE_FORMS}
        return read_incident(analysis, primary, abcd, forms, self._params)


def _fallback_intent(
    analysis: Analysis, context: UnderstandContext, *, informative: bool = False
) -> tuple[str, float]:
    """Without a confident rule or model: content for slot questions, else describe when it reads like one."""
    if context.expecting in SLOT_ANSWERS:
        return "describe", 0.6
    n_words = sum(1 for t in analysis.tokens if any(ch.isalpha() for ch in t))
    if analysis.actual() or n_words >= 6 or informative:
        return "describe", 0.6
    return "other", 0.4


def _entities_for(
    analysis: Analysis, text: str, intent: str, context: UnderstandContext, when: TimeSpan | None
) -> Entities:
    """The rule entities plus the time, and what a plain ja/nee means for the question asked."""
    ent = analysis.entities
    changes: dict[str, object] = {"when": when}
    slot = _YES_NO_SLOTS.get(context.expecting or "")
    if slot is not None and intent in ("yes", "no") and getattr(ent, slot) is None:
        changes[slot] = intent == "yes"
        changes[f"{slot}_text"] = text.strip()
    if (
        context.expecting == "witnesses"
        and ent.witnesses is None
        and intent == "describe"
        and names_someone(text)
    ):
        changes["witnesses"] = True
        changes["witnesses_text"] = text.strip()
    if (
        context.expecting == "location"
        and ent.location_type is None
        and intent == "describe"
        and text.strip()
    ):
        changes["location_type"] = "anders"
        changes["location_text"] = text.strip()
    return dataclasses.replace(ent, **changes)  # type: ignore[arg-type]


def _understanding(
    intent: str, intent_conf: float, entities: Entities, reading: Reading | None
) -> Understanding:
    if reading is None:
        return Understanding(intent=intent, intent_confidence=intent_conf, entities=entities)
    return Understanding(
        intent=intent,
        intent_confidence=intent_conf,
        forms=reading.forms,
        primary_form=reading.primary,
        abcd=reading.abcd,
        abcd_probs={k: round(v, 4) for k, v in reading.abcd_probs.items()},
        severe=reading.severe,
        severity=reading.severity,
        entities=entities,
        explanation=reading.explanation,
        confidence=reading.confidence,
    )
