"""Model probabilities and rule evidence combined into forms, ABCD, severity and a Dutch explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass

from nlu.result import ABCD, FINE_FORMS, PRIMARY_FORMS
from nlu.rules import Analysis, Evidence

FORM_GROUP = {
    "schelden_beledigen": "verbaal",
    "vernederen": "verbaal",
    "discriminatie": "verbaal",
    "dreigen_nadelige_gevolgen": "verbaal",
    "seksueel": "verbaal",  # remarks; touching is fysiek, decided by the primary form
    "intimidatie": "bedreiging",
    "bedreigen": "bedreiging",
    "doodsbedreiging": "bedreiging",
    "chantage": "bedreiging",
    "stalking": "bedreiging",
    "online_doxing": "bedreiging",
    "dreigen_zelfdoding": "bedreiging",
    "lichamelijk_geweld": "fysiek",
    "vasthouden_insluiten": "fysiek",
    "gooien_voorwerpen": "fysiek",
    "vernieling": "fysiek",
}
PRIMARY_LABEL = {"verbaal": "verbale agressie", "bedreiging": "bedreiging", "fysiek": "fysiek geweld"}
FORM_REASON = {
    "schelden_beledigen": "er werd gescholden, beledigd of geschreeuwd",
    "vernederen": "je werd vernederd",
    "intimidatie": "er werd geïntimideerd",
    "dreigen_nadelige_gevolgen": "er werd gedreigd met nadelige gevolgen",
    "bedreigen": "er werd gedreigd",
    "doodsbedreiging": "er werd met de dood gedreigd",
    "lichamelijk_geweld": "er was lichamelijk geweld",
    "vasthouden_insluiten": "je werd vastgehouden of ingesloten",
    "gooien_voorwerpen": "er werd met voorwerpen gegooid",
    "vernieling": "er werd iets vernield",
    "seksueel": "er was ongewenst seksueel gedrag",
    "discriminatie": "er waren discriminerende opmerkingen",
    "chantage": "er werd gechanteerd",
    "stalking": "je werd gevolgd of opgewacht (stalking)",
    "online_doxing": "er werden persoonlijke gegevens online gezet",
    "dreigen_zelfdoding": "er werd gedreigd met zelfdoding",
}
_SEVERITY_RANK = {"verbaal": 0, "bedreiging": 1, "fysiek": 2}
_THREAT_CUES = ("threat", "death_threat", "intimidation", "stalking", "doxing", "blackmail", "suicide")
_ACT_CUES = ("physical", "injury", "throw", "block", "vandalism", "sexual_touch")
# deeds whose denial says something ("sloeg me niet"); "niet gewond" denies only the harm
_DENIABLE_ACT_CUES = ("physical", "throw", "block", "vandalism", "sexual_touch")
_VERBAL_CUES = ("insult", "humiliation", "discrimination", "consequences", "sexual_remark")
# words that name verbal aggression itself (a complaint or "de burgemeester" alone does not)
_STRONG_VERBAL_CUES = ("insult", "humiliation", "discrimination", "sexual_remark")
# which evidence explains a primary form best, strongest first
_EXPLAIN_ORDER = {
    "fysiek": ("physical", "throw", "block", "vandalism", "sexual_touch", "injury"),
    "bedreiging": ("death_threat", "threat", "suicide", "doxing", "stalking", "blackmail", "intimidation"),
    "verbaal": ("discrimination", "insult", "humiliation", "sexual_remark", "consequences"),
}


@dataclass(frozen=True, slots=True)
class CombineParams:
    """Rule-evidence weights and decision thresholds; tuned by cross-validation, stored with the model."""

    act_boost: float = 0.6  # added to P(fysiek) for a real physical act
    threat_boost: float = 0.45  # added to P(bedreiging) for a real threat cue
    death_boost: float = 0.3
    verbal_boost: float = 0.3  # added to P(verbaal) when only verbal cues (insults, ...) were found
    denied_act_factor: float = 0.25  # P(fysiek) times this when physical acts are only denied or hypothetical
    weapon_verbal_factor: float = 0.3
    uncued_factor: float = 1.0  # P(fysiek), P(bedreiging) times this without any act, threat or verbal cue
    verbal_only_factor: float = 0.35  # P(fysiek), P(bedreiging) times this when only insults etc. were found
    cued_verbal_factor: float = 0.35  # P(verbaal) times this when a real act or threat was found
    act_threat_factor: float = 0.3  # P(bedreiging) times this when a real act was found (most serious form)
    abcd_weight: float = 0.5  # weight of the ABCD model when choosing the (primary, ABCD) pair
    instrumental_weight: float = 0.25  # how much chantage/suicide evidence moves a threat from D to C or A
    consequences_weight: float = 0.0  # how much P(threat of adverse consequences) moves verbal anger to C
    despair_boost: float = 0.3  # added to P(A) when the anger is aimed at oneself
    forms_threshold: float = 0.4
    severe_threshold: float = 0.0  # kept for stored models; severity follows the form, never a "to be safe" bump
    rule_forms: bool = True

    def to_dict(self) -> dict[str, float | bool]:
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_dict(cls, raw: dict[str, float | bool]) -> CombineParams:
        known = {k: v for k, v in raw.items() if k in cls.__slots__}
        return cls(**known)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Reading:
    """The classification of one incident text."""

    primary: str
    primary_probs: dict[str, float]
    abcd: str
    abcd_probs: dict[str, float]
    fine_forms: tuple[str, ...]
    severe: bool
    severity: str
    explanation: str
    confidence: float

    @property
    def forms(self) -> tuple[str, ...]:
        """Top-level forms (most serious first) followed by the fine forms."""
        tops = {self.primary} | {FORM_GROUP[f] for f in self.fine_forms if f != "seksueel"}
        ordered = sorted(tops, key=lambda p: -_SEVERITY_RANK[p])
        return (*ordered, *self.fine_forms)


def _normalise(probs: dict[str, float]) -> dict[str, float]:
    total = sum(probs.values()) or 1.0
    return {k: v / total for k, v in probs.items()}


def adjust_primary(probs: dict[str, float], analysis: Analysis, params: CombineParams) -> dict[str, float]:
    """Primary-form probabilities after rule evidence: real acts and threats raise, denied acts lower."""
    p = {label: float(probs.get(label, 0.0)) for label in PRIMARY_FORMS}
    acts = analysis.actual(*_ACT_CUES)
    threats = analysis.actual(*_THREAT_CUES)
    if acts:
        p["fysiek"] += params.act_boost
        # the primary form is the most serious form present: a threat beside a real blow or throw
        # ("bedreigde hem en sloeg hem") does not make the incident a threat
        p["bedreiging"] *= params.act_threat_factor
    elif analysis.denied(*_DENIABLE_ACT_CUES):
        p["fysiek"] *= params.denied_act_factor
    if analysis.actual("death_threat"):
        p["bedreiging"] += params.death_boost
    elif threats:
        p["bedreiging"] += params.threat_boost
    if analysis.entities.weapon:
        p["verbaal"] *= params.weapon_verbal_factor
    elif acts or threats:
        # words for a real deed or threat: the insults around them do not make it verbal
        p["verbaal"] *= params.cued_verbal_factor
    else:
        # no words for a deed or a threat: the model alone may not make it one with confidence, least of all
        # when the text names the insults, humiliation or remarks that were made
        factor = params.verbal_only_factor if analysis.actual(*_STRONG_VERBAL_CUES) else params.uncued_factor
        p["fysiek"] *= factor
        p["bedreiging"] *= factor
        if analysis.actual(*_VERBAL_CUES):
            p["verbaal"] += params.verbal_boost
    return _normalise(p)


# (primary, ABCD) pairs the labelling guide allows: physical acts and plain threats are D, verbal never is;
# a threat can be C (chantage, suicide threat as leverage) or A (suicide threat out of despair).
ALLOWED_PAIRS = (
    ("fysiek", "D"),
    ("bedreiging", "D"),
    ("bedreiging", "C"),
    ("bedreiging", "A"),
    ("verbaal", "A"),
    ("verbaal", "B"),
    ("verbaal", "C"),
)


def instrumental_score(form_probs: dict[str, float], analysis: Analysis) -> float:
    """How likely a threat is chantage or a suicide threat (then C or A rather than D).

    A threat of harm stays D even when it is tied to a demand ("tenzij mijn vergunning er komt").
    """
    score = max(form_probs.get("chantage", 0.0), form_probs.get("dreigen_zelfdoding", 0.0))
    if analysis.actual("suicide", "blackmail"):
        score = max(score, 0.8)
    if analysis.actual("threat", "death_threat", "stalking", "doxing") and not analysis.actual("suicide"):
        score = min(score, 0.1)
    if not analysis.actual("suicide", "blackmail"):
        score = min(score, 0.3)  # no cue for leverage: a threat is D
    return min(max(score, 0.02), 0.98)


# fine forms named only when their own words are in the text
_NEEDS_EVIDENCE = {
    "dreigen_zelfdoding": "suicide",
    "online_doxing": "doxing",
    "doodsbedreiging": "death_threat",
    "chantage": "blackmail",
    "stalking": "stalking",
}


def decode(
    p_primary: dict[str, float],
    p_abcd: dict[str, float],
    instrumental: float,
    params: CombineParams,
    consequences: float = 0.5,
) -> tuple[str, str, dict[str, float]]:
    """Primary form and ABCD class among the allowed pairs; also the ABCD distribution given that primary.

    The primary form maximises log P(primary) + w * log P(ABCD allowed for it); ABCD is then the most likely
    class allowed for that primary form.
    """
    eps = 1e-6
    conditional: dict[str, dict[str, float]] = {}
    scores: dict[str, float] = {}
    for pr in PRIMARY_FORMS:
        allowed = {ab for p2, ab in ALLOWED_PAIRS if p2 == pr}
        cond = {k: (p_abcd[k] + eps if k in allowed else 0.0) for k in ABCD}
        if pr == "bedreiging":
            alpha = params.instrumental_weight
            cond = {
                k: v * (instrumental if k != "D" else 1.0 - instrumental) ** alpha for k, v in cond.items()
            }
        elif pr == "verbaal":
            beta = params.consequences_weight
            cond = {
                k: v * (consequences if k == "C" else 1.0 - consequences) ** beta for k, v in cond.items()
            }
        conditional[pr] = cond
        scores[pr] = math.log(p_primary[pr] + eps) + params.abcd_weight * math.log(sum(cond.values()))
    primary = max(PRIMARY_FORMS, key=lambda k: (scores[k], _SEVERITY_RANK[k]))
    cond = _normalise(conditional[primary])
    abcd = max(ABCD, key=lambda k: cond[k])
    return primary, abcd, cond


def choose_fine_forms(
    probs: dict[str, float], primary: str, analysis: Analysis, params: CombineParams
) -> tuple[str, ...]:
    """Fine forms above threshold plus rule-evidenced ones, kept consistent with the primary form."""
    chosen = {f for f in FINE_FORMS if probs.get(f, 0.0) >= params.forms_threshold}
    if params.rule_forms:
        for ev in analysis.actual():
            if ev.form is not None and (_SEVERITY_RANK[FORM_GROUP[ev.form]] <= _SEVERITY_RANK[primary]):
                chosen.add(ev.form)
    chosen = {f for f in chosen if f not in _NEEDS_EVIDENCE or analysis.actual(_NEEDS_EVIDENCE[f])}
    # forms more serious than the primary form contradict it
    chosen = {
        f for f in chosen if f == "seksueel" or _SEVERITY_RANK[FORM_GROUP[f]] <= _SEVERITY_RANK[primary]
    }
    if not any(FORM_GROUP[f] == primary or (f == "seksueel" and primary != "bedreiging") for f in chosen):
        in_group = [
            f
            for f in FINE_FORMS
            if (FORM_GROUP[f] == primary or (f == "seksueel" and primary == "fysiek"))
            and (f not in _NEEDS_EVIDENCE or analysis.actual(_NEEDS_EVIDENCE[f]))
        ]
        best = max(in_group, key=lambda f: probs.get(f, 0.0))
        chosen.add(best)
    return tuple(f for f in FINE_FORMS if f in chosen)


def severity_of(primary: str, fine: tuple[str, ...], analysis: Analysis) -> str:
    """hoog for physical violence, death threats, weapons or injury; middel for threats; laag otherwise."""
    ent = analysis.entities
    if primary == "fysiek" or "doodsbedreiging" in fine or ent.weapon or ent.injury:
        return "hoog"
    if primary == "bedreiging":
        return "middel"
    return "laag"


_GENERIC_WORDS = frozenset({
    "boos", "kwaad", "woedend", "toon", "hoge toon", "grof", "grove", "stomme", "schreeuwde", "schreeuwen",
    "geschreeuwd", "schreeuwend", "schreeuwden", "dreigde", "dreigend",
})  # fmt: skip


def _best_evidence(analysis: Analysis, primary: str, fine: tuple[str, ...]) -> Evidence | None:
    actual = sorted(analysis.actual(), key=lambda e: e.text.lower() in _GENERIC_WORDS)
    for cue in _EXPLAIN_ORDER[primary]:
        for ev in actual:
            if ev.cue == cue and (ev.form is None or ev.form in fine or ev.primary == primary):
                return ev
    return None


def _quote_for(analysis: Analysis, ev: Evidence) -> str:
    """The words to cite: the whole quote when the cue sits inside one, else the cue's own words.

    Overlapping evidence of the same kind widens the citation ("greep me" + "greep me bij mijn keel").
    """
    if ev.in_quote:
        for quote in analysis.entities.quotes:
            if ev.text.lower() in quote.lower() and len(quote) <= 80:
                return quote
    start, end = ev.start, ev.end
    for other in analysis.actual():
        same_kind = other.primary == ev.primary and other.primary is not None
        if same_kind and other.start < end and start < other.end and max(end, other.end) - start <= 80:
            start, end = min(start, other.start), max(end, other.end)
    return analysis.text[start:end]


def explain(
    analysis: Analysis, primary: str, abcd: str, fine: tuple[str, ...], *, severe: bool = False
) -> str:
    """One Dutch sentence naming the classification and the words that drove it."""
    head = f"Ik zie dit als {PRIMARY_LABEL[primary]} ({abcd}-gedrag)"
    ev = _best_evidence(analysis, primary, fine)
    if ev is not None:
        reason = FORM_REASON.get(ev.form or "", ev.reason) if ev.form in fine else ev.reason
        text = f"{head}: {reason} ('{_quote_for(analysis, ev).strip()}')"
    else:
        # no words in the text name this form: say so instead of naming a category without its cues
        text = f"{head}, op basis van de beschrijving als geheel; ik vond er geen duidelijke woorden voor"
    if severe and primary == "verbaal":
        extra = next(iter(analysis.actual("suicide", "doxing", "stalking")), None)
        if extra is not None:
            text += f"; ernstig omdat {extra.reason} ('{extra.text.strip()}')"
    denied = analysis.denied(*_DENIABLE_ACT_CUES)
    if primary != "fysiek" and denied and not analysis.actual(*_ACT_CUES):
        text += f"; '{denied[0].text.strip()}' is niet als fysiek geweld geteld omdat het niet gebeurde"
    return text + "."


def read_incident(
    analysis: Analysis,
    primary_probs: dict[str, float],
    abcd_probs: dict[str, float],
    form_probs: dict[str, float],
    params: CombineParams,
) -> Reading:
    """The full incident reading from model scores (or rule scores) and the rule analysis."""
    p = adjust_primary(primary_probs, analysis, params)
    abcd_in = _normalise({k: float(abcd_probs.get(k, 0.0)) + 1e-6 for k in ABCD})
    if analysis.actual("despair"):
        abcd_in = _normalise({k: v + (params.despair_boost if k == "A" else 0.0) for k, v in abcd_in.items()})
    consequences = min(max(form_probs.get("dreigen_nadelige_gevolgen", 0.0), 0.02), 0.98)
    primary, abcd, a = decode(p, abcd_in, instrumental_score(form_probs, analysis), params, consequences)
    fine = choose_fine_forms(form_probs, primary, analysis, params)
    ent = analysis.entities
    # severe: a threat or physical violence, doxing, stalking or a suicide threat; never insults however coarse
    severe = bool(primary != "verbaal" or ent.suicide_threat or ent.doxing or analysis.actual("stalking"))
    return Reading(
        primary=primary,
        primary_probs=p,
        abcd=abcd,
        abcd_probs=a,
        fine_forms=fine,
        severe=severe,
        severity=severity_of(primary, fine, analysis),
        explanation=explain(analysis, primary, abcd, fine, severe=severe),
        confidence=p[primary],
    )


def rule_scores(analysis: Analysis) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Crude keyword scores standing in for the models (RuleUnderstander)."""
    if analysis.actual(*_ACT_CUES):
        primary = {"verbaal": 0.1, "bedreiging": 0.1, "fysiek": 0.8}
    elif analysis.actual(*_THREAT_CUES) or analysis.entities.weapon:
        primary = {"verbaal": 0.1, "bedreiging": 0.8, "fysiek": 0.1}
    else:
        primary = {"verbaal": 0.8, "bedreiging": 0.1, "fysiek": 0.1}
    forms: dict[str, float] = {f: 0.0 for f in FINE_FORMS}
    for ev in analysis.actual():
        if ev.form is not None:
            forms[ev.form] = 1.0
    abcd = {"A": 0.1, "B": 0.4, "C": 0.1, "D": 0.4}
    if analysis.actual("despair"):
        abcd["A"] += 0.6
    if analysis.actual("blackmail", "consequences", "demand"):
        abcd["C"] += 0.5
    return primary, abcd, forms
