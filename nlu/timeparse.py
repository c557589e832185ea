"""Dutch time phrases to timezone-aware intervals: a rule layer, dateparser only for absolute dates."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nlu.fuzzy import Corrector
from nlu.result import TimeSpan
from nlu.textnorm import fold
from nlu.timespecial import expand_weekday_abbreviations, resolve_month, resolve_special

logger = logging.getLogger(__name__)

DEFAULT_TZ = "Europe/Amsterdam"

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
PARTS: dict[str, tuple[int, int]] = {
    "ochtend": (6, 12),
    "voormiddag": (6, 12),
    "middag": (12, 18),
    "namiddag": (12, 18),
    "avond": (18, 24),
    "nacht": (0, 6),
    "lunch": (12, 14),
}
MONTHS = (
    "januari|jan|februari|feb|maart|mrt|mar|april|apr|mei|juni|jun|juli|jul|augustus|aug|"
    "september|sept|sep|oktober|okt|november|nov|december|dec"
)
_NUMBERS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
    "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16, "zeventien": 17,
    "achttien": 18, "negentien": 19, "twintig": 20, "vijfentwintig": 25, "dertig": 30, "veertig": 40,
    "vijfenveertig": 45, "vijftig": 50, "zestig": 60, "negentig": 90,
    "enen": 1, "tweeen": 2, "drieen": 3, "vieren": 4, "vijven": 5, "zessen": 6, "zevenen": 7, "achten": 8,
    "negenen": 9, "tienen": 10, "elven": 11, "twaalven": 12,
}  # fmt: skip
_DAY_PREFIXES = {
    "gisteren": "gisteren", "gister": "gisteren", "gistere": "gisteren", "eergisteren": "eergisteren",
    "eergister": "eergisteren", "van": "vandaag", "vandaag": "vandaag",
    **{wd: wd for wd in WEEKDAYS},
}  # fmt: skip
_PART_WORDS = {
    "ochtend": "ochtend", "ochtends": "ochtend", "morgen": "ochtend", "morgens": "ochtend",
    "voormiddag": "voormiddag", "voormiddags": "voormiddag", "middag": "middag", "middags": "middag",
    "namiddag": "namiddag", "namiddags": "namiddag", "avond": "avond", "avonds": "avond",
    "nacht": "nacht", "nachts": "nacht",
}  # fmt: skip
_SINGLE = {
    "gister": "gisteren", "eergister": "eergisteren", "ochtends": "ochtend", "middags": "middag",
    "avonds": "avond", "nachts": "nacht", "voormiddags": "voormiddag", "namiddags": "namiddag",
    "morgens": "ochtend", "uren": "uur", "u": "uur", "minuut": "minuten", "min": "minuten",
    "mins": "minuten", "dagen": "dag", "weken": "week", "maanden": "maand", "vorig": "vorige",
    "zonet": "zojuist", "daarnet": "zojuist", "zoeven": "zojuist", "zopas": "zojuist", "ebbe": "zojuist",
    "lunchtijd": "lunch", "lunchpauze": "lunch", "recentelijk": "onlangs", "recent": "onlangs",
    "laatst": "onlangs", "pas": "pas", "een": "een", "n": "een", "ongeveer": "rond", "omstreeks": "rond",
    "rondom": "rond", "circa": "rond", "ca": "rond", "rond": "rond", "gisterochtend": "gisteren ochtend",
    "weekeinde": "weekend",
}  # fmt: skip
_VOCAB = (
    set(WEEKDAYS)
    | set(_PART_WORDS)
    | {"gisteren", "eergisteren", "vandaag", "zojuist", "geleden", "minuten", "kwartier", "afgelopen",
       "vorige", "verleden", "weekend", "middernacht", "ongeveer", "omstreeks", "anderhalf", "onlangs",
       "lunchtijd", "lunchpauze", "zonet", "daarnet"}
)  # fmt: skip
# Common words one edit away from a time word; never "corrected".
_PROTECTED = {
    "macht", "nachten", "acht", "avonden", "morgan", "midden", "middel", "zonder", "zondags", "geleid",
    "gelegen", "geladen", "verleden", "vorigen", "maandelijks", "weekenden", "minuut", "morgen",
    "dinsdags", "zoveel", "omstreken", "middagen", "ochtenden", "gevonden", "vonden", "agenda",
}  # fmt: skip


def _compounds() -> dict[str, tuple[str, ...]]:
    """Compound words such as gisteravond or dinsdagmiddag, split into day and part of day."""
    out: dict[str, tuple[str, ...]] = {}
    for prefix, day in _DAY_PREFIXES.items():
        for part_word, part in _PART_WORDS.items():
            if prefix in ("van", "vandaag") and part_word.endswith("s"):
                continue
            out[prefix + part_word] = (day, part)
            if prefix in WEEKDAYS and not part_word.endswith("s"):
                out[prefix + "s" + part_word] = (day, part)  # dinsdagsavonds
    return out


@dataclass(frozen=True, slots=True)
class _Tok:
    """One canonical word with the span of the original text it came from."""

    word: str
    start: int
    end: int
    fuzzy: bool = False


@dataclass(slots=True)
class _Hit:
    """A recognised time expression before resolution."""

    kind: str  # just|ago|vague|span|day|part|clock|between
    start: int  # offsets in the original text
    end: int
    fuzzy: bool
    data: dict[str, Any] = field(default_factory=dict)


_TOKEN_RE = re.compile(
    r"(?P<decimal>\d+,\d+)"  # "2,5 uur": an amount, never a clock time
    r"|(?P<date>\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[-/]\d{1,2}(?![-/.\d]))"
    r"|(?P<clock>\d{1,2}[:.u]\d{2})(?![\d.:])"
    r"|(?P<num>\d+)(?:ste|de|e)?(?![0-9])"
    r"|(?P<s>['`]s(?=[\s-])|\bs['`]-?(?=[a-z])|\bs-(?=[a-z]))"
    r"|(?P<word>[a-z]+)"
)


class _Lexicon:
    """Canonicalises raw words: numbers to digits, compounds split, one-letter typos fixed."""

    def __init__(self) -> None:
        self.compounds = _compounds()
        self.corrector = Corrector(
            _VOCAB | set(self.compounds) | set(_NUMBERS), protected=_PROTECTED | set(_NUMBERS), min_len=5
        )

    def canon(self, raw: str) -> tuple[tuple[str, ...], bool]:
        """Canonical words for one raw word, and whether a typo was corrected."""
        if raw in _NUMBERS:
            return (str(_NUMBERS[raw]),), False
        if raw in self.compounds:
            return self.compounds[raw], False
        if raw in _SINGLE:
            return tuple(_SINGLE[raw].split()), False
        if raw.startswith("s") and raw[1:] in _PART_WORDS and raw[1:].endswith("s"):
            return ("s", _PART_WORDS[raw[1:]]), False  # savonds
        if raw in _VOCAB or len(raw) < 5:
            return (raw,), False
        fixed = self.corrector.correct(raw)
        if fixed is None or fixed == raw:
            return (raw,), False
        if fixed in _NUMBERS:
            return (str(_NUMBERS[fixed]),), True
        words, _ = self.canon(fixed)
        return words, True


_LEXICON: _Lexicon | None = None


def _lexicon() -> _Lexicon:
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = _Lexicon()
    return _LEXICON


def tokenize(text: str) -> list[_Tok]:
    """Canonical time words with their original offsets."""
    folded = fold(text)
    lex = _lexicon()
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(folded):
        kind = m.lastgroup
        s, e = m.start(), m.end()
        if kind == "s":
            toks.append(_Tok("s", s, e))
            continue
        if kind in ("date", "clock", "decimal"):
            toks.append(_Tok(m.group(0), s, e))
            continue
        if m.group("num") is not None:
            toks.append(_Tok(str(int(m.group("num"))) if len(m.group("num")) < 5 else m.group("num"), s, e))
            continue
        words, fuzzy = lex.canon(m.group(0))
        for w in words:
            toks.append(_Tok(w, s, e, fuzzy))
    return _resolve_morgen(toks)


_DAY_CONTEXT = {"s", "de", "deze", "die", "in", "vandaag", "gisteren", "eergisteren", *WEEKDAYS}


def _resolve_morgen(toks: list[_Tok]) -> list[_Tok]:
    """'morgen' after a day word or article is the morning; on its own it is tomorrow."""
    out: list[_Tok] = []
    for i, tok in enumerate(toks):
        if tok.word == "ochtend" and _raw_is_morgen(tok) and (i == 0 or toks[i - 1].word not in _DAY_CONTEXT):
            out.append(_Tok("morgen", tok.start, tok.end, tok.fuzzy))
        elif tok.word == "morgen" and i > 0 and toks[i - 1].word in _DAY_CONTEXT:
            out.append(_Tok("ochtend", tok.start, tok.end, tok.fuzzy))  # "in de morgen", "maandag morgen"
        else:
            out.append(tok)
    return out


def _raw_is_morgen(tok: _Tok) -> bool:
    return tok.end - tok.start == 6  # the bare word "morgen"; compounds and "morgens" are longer


# ---------------------------------------------------------------- patterns on the canonical string

_WD = "|".join(WEEKDAYS)
_PART = "ochtend|voormiddag|middag|namiddag|avond|nacht"
_PRE = (
    r"(?:(?P<pre>om|rond|tegen|even na|iets na|kort na|net na|even voor|iets voor|kort voor|net voor|na|voor|"
    r"vanaf|tot|op zijn vroegst om|op zijn laatst om)\s)?"
)
_POST = r"(?: (?P<post>op zijn vroegst|op zijn laatst))?"
_NOT_AHEAD = r"(?<!,)(?<!over )(?<!in )(?<!binnen )(?<!komende )(?<!volgende )"  # "over twee uur": a duration
_UNITS_AFTER = (
    r"(?!\s(?:minuten|kwartier|dag|week|maand|jaar|keer|mensen|man|personen|euro|cm|meter|km|procent))"
)
_NUM = r"(?:\d{1,3}|een|een paar|paar|enkele|anderhalf|een half|half|een kwart)"
_AGO = r"(?:geleden|terug|eerder|ervoor)"

_DIGIT = "0"  # in a pattern's `needs`: a digit anywhere in the canonical text
_AGO_WORDS = frozenset({"geleden", "terug", "eerder", "ervoor"})

# Each pattern with the canonical words of which every match holds at least one (or _DIGIT: a digit). A text's
# canonical words are few, so `_find_hits` runs only the patterns that can match; most of a description names
# no time at all. tests/unit/nlu/test_timeparse.py checks that a pattern never matches without its words.
_PATTERNS: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = tuple(
    (kind, re.compile(p), frozenset(needs))
    for kind, p, needs in (
        ("between", r"\btussen (?P<h1>\d{1,2})(?:[:.u](?P<m1>\d{2}))?(?: uur)? en (?P<h2>\d{1,2})"
                    r"(?:[:.u](?P<m2>\d{2}))?(?: uur)?\b", {_DIGIT}),
        (
            "clock",
            _PRE
            + r"\b(?P<n>\d{1,2}|kwart) (?:minuten )?(?P<dir>over|voor) (?P<half>half )?(?P<h>\d{1,2}|een)\b",
            {_DIGIT, "kwart"},
        ),
        ("clock", _PRE + r"\bhalf (?P<halfh>\d{1,2}|een)\b(?! uur)", {"half"}),
        ("clock", _PRE + r"\b(?P<h>\d{1,2})[:.u](?P<m>\d{2})(?: uur)?", {_DIGIT}),
        ("clock", _PRE + _NOT_AHEAD + r"\b(?P<h>\d{1,2}) uur(?! geleden| terug| lang| later| eerder| ervoor| daarvoor)"
                  r"\b" + _POST, {_DIGIT}),
        ("clock", r"\b(?P<pre>om|rond|tegen) (?P<h>een) uur(?! geleden| terug| lang| later| eerder)\b", {"uur"}),
        ("clock", _PRE + r"\been uur of (?P<h>\d{1,2})\b", {_DIGIT}),
        ("clock", r"\b(?P<pre>om|rond|tegen|tot) (?P<h>\d{1,2})\b" + _UNITS_AFTER, {_DIGIT}),
        ("clock", _PRE + r"\b(?P<midnight>middernacht)\b", {"middernacht"}),
        ("ago", r"\b(?P<n>" + _NUM + r") (?P<unit>minuten|kwartier|uur|dag|week|maand)(?: en een half)? "
                + _AGO + r"\b", _AGO_WORDS),
        ("ago", r"\b(?P<unit>kwartier|half uur|uur|uurtje|kwartiertje) " + _AGO + r"\b", _AGO_WORDS),
        ("earlier", r"\beerder vandaag\b", {"vandaag"}),
        ("just", r"\b(?:zojuist|zo even|zo net|net nog|nog maar net|zo juist)\b", {"zojuist", "even", "net", "juist"}),
        ("just_net", r"\bnet\b(?! (?:als|zo|niet|wel|te|op tijd|genoeg|aan|voor|na))", {"net"}),
        ("vague", r"\b(?:onlangs|pas geleden|kort geleden|een tijdje geleden|tijdje geleden|een tijdje terug|"
                  r"een tijd geleden|lang geleden|een poos geleden|ooit)\b", {"onlangs", "geleden", "terug", "ooit"}),
        ("span", r"\b(?P<which>vorige|afgelopen|verleden|deze|dit|eerder deze|begin deze|begin vorige|"
                 r"eind vorige|einde vorige|het|in het) (?P<unit>week|weekend|maand)\b"
                 r"(?! (?:op )?(?:" + _WD + r"))", {"week", "weekend", "maand"}),
        ("day", r"\b(?:(?P<mod>vorige|afgelopen|verleden) week (?:op )?(?P<wd1>" + _WD + r"))\b", {"week"}),
        ("day", r"\b(?P<wd2>" + _WD + r") (?:van )?(?:de )?(?P<mod2>vorige|afgelopen|verleden) week\b", {"week"}),
        ("day", r"\b(?:(?P<mod3>vorige|afgelopen|verleden|deze|laatste|op) )?(?P<wd>" + _WD + r")\b", set(WEEKDAYS)),
        ("day", r"\b(?P<rel>eergisteren|gisteren|vandaag|morgen|overmorgen)\b",
         {"eergisteren", "gisteren", "vandaag", "morgen", "overmorgen"}),
        ("day", r"\bop (?P<rel>deze dag)\b", {"dag"}),
        ("day", r"\b(?:(?:op|de) )?(?P<d>\d{1,2}) (?P<mon>" + MONTHS + r")\b(?: (?P<y>\d{4})\b)?", {_DIGIT}),
        ("day", r"\b(?P<date>\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{2,4})?)(?=\s|$)", {_DIGIT}),
        ("part", r"\b(?:(?P<mod>vroeg in de|laat in de|begin van de|eind van de|einde van de|"
                 r"aan het begin van de|"
                 r"aan het eind van de|aan het einde van de|later in de|eerder in de) )?"
                 r"(?:(?P<art>s|in de|tijdens de|op de|deze|die|de) )?(?P<part>" + _PART + r")"
                 r"(?: (?P<late>laat|vroeg))?\b", set(_PART.split("|"))),
        ("part", r"\b(?:tussen de middag|tijdens de lunch|rond de lunch|in de lunch|rond lunch|lunch)\b",
         {"middag", "lunch"}),
    )
)  # fmt: skip


def _find_hits(toks: list[_Tok]) -> list[_Hit]:
    """All non-overlapping time expressions in the canonical token stream, longest first."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []  # canonical char range per token
    pos = 0
    for tok in toks:
        parts.append(tok.word)
        offsets.append((pos, pos + len(tok.word)))
        pos += len(tok.word) + 1
    canon = " ".join(parts)
    present = set(parts)
    if any(ch.isdigit() for ch in canon):
        present.add(_DIGIT)
    candidates: list[tuple[int, int, int, str, re.Match[str]]] = []
    for prio, (kind, pattern, needs) in enumerate(_PATTERNS):
        if needs.isdisjoint(present):
            continue  # none of the words every match holds: it cannot match
        for m in pattern.finditer(canon):
            if m.end() > m.start():
                candidates.append((m.start(), m.end(), prio, kind, m))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int]] = []
    hits: list[_Hit] = []
    for cs, ce, _prio, kind, m in candidates:
        if any(cs < te and ts < ce for ts, te in taken):
            continue
        taken.append((cs, ce))
        idx = [i for i, (a, b) in enumerate(offsets) if a < ce and cs < b]
        if not idx:
            continue
        start, end = toks[idx[0]].start, toks[idx[-1]].end
        fuzzy = any(toks[i].fuzzy for i in idx)
        data = {k: v for k, v in m.groupdict().items() if v is not None}
        data["tokens"] = [toks[i].word for i in idx]
        hits.append(_Hit(kind, start, end, fuzzy, data))
    hits.sort(key=lambda h: h.start)
    return hits


# ---------------------------------------------------------------- resolution


@dataclass(slots=True)
class _Frame:
    """The pieces found in a text, to be combined into one interval."""

    days: list[tuple[date, float, bool]] = field(default_factory=list)  # (day, confidence, night_after)
    spans: list[tuple[datetime, datetime, float]] = field(default_factory=list)
    parts: list[tuple[int, int, float, str]] = field(default_factory=list)  # (start h, end h, conf, name)
    clocks: list[tuple[int, int, int, float, bool, str]] = field(default_factory=list)
    # clock: (spoken hour, minute offset, tolerance minutes, confidence, hour is 24h, pre)
    betweens: list[tuple[int, int, int, int]] = field(default_factory=list)
    absolute: list[date] = field(
        default_factory=list
    )  # dates such as 12 november: a weekday beside them is ignored
    night_after: bool = False


def _local(d: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=tz) + timedelta(hours=hour, minutes=minute)


def _day_start(d: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=tz)


def _most_recent_weekday(today: date, weekday: int, *, include_today: bool) -> date:
    delta = (today.weekday() - weekday) % 7
    if delta == 0 and not include_today:
        delta = 7
    return today - timedelta(days=delta)


def _absolute_date(text: str, now: datetime) -> date | None:
    """An absolute date such as '12 maart' or '3 jan 2024', read by dateparser (Dutch only, past)."""
    import dateparser  # noqa: PLC0415 - heavy, only needed for absolute dates

    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["day", "month"],
        "PARSERS": ["absolute-time"],
    }
    try:
        parsed = dateparser.parse(text, languages=["nl"], settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises a variety of errors on odd input
        logger.debug("dateparser could not read an absolute date")
        return None
    return parsed.date() if parsed is not None else None


def _numeric_date(text: str, today: date) -> date | None:
    parts = [int(p) for p in re.split(r"[-/.]", text)]
    day, month = parts[0], parts[1]
    year = parts[2] if len(parts) > 2 else today.year
    if year < 100:  # "31.10.74" is 1974; a year at most ten years ahead is this century ("18-07-14")
        year += 2000 if year + 2000 <= today.year + 10 else 1900
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if len(parts) == 2 and found > today:
        try:
            found = date(year - 1, month, day)
        except ValueError:
            return None
    return found


def _ago_amount(n: str | None) -> float:
    if n is None:
        return 1.0
    return {
        "een": 1.0, "een paar": 3.0, "paar": 3.0, "enkele": 3.0, "anderhalf": 1.5, "een half": 0.5,
        "half": 0.5, "een kwart": 0.25,
    }.get(n, float(n) if n.isdigit() else 1.0)  # fmt: skip


def _collect(hits: list[_Hit], now: datetime, tz: ZoneInfo) -> tuple[_Frame, float]:
    """Hits as a frame of days, spans, parts and clock times, plus a base confidence."""
    frame = _Frame()
    today = now.date()
    conf = 1.0
    for hit in hits:
        d = hit.data
        if hit.kind == "just":
            frame.spans.append((now - timedelta(minutes=30), now, 0.9))
        elif hit.kind == "earlier":
            frame.spans.append((_day_start(now.date(), tz), now, 0.85))
        elif hit.kind == "just_net":
            frame.spans.append((now - timedelta(minutes=30), now, 0.6))
        elif hit.kind == "vague":
            frame.spans.append((now - timedelta(days=30), now, 0.2))
        elif hit.kind == "ago":
            _collect_ago(frame, d, now)
        elif hit.kind == "span":
            _collect_span(frame, d, now, tz)
        elif hit.kind == "day":
            _collect_day(frame, d, hit, now)
        elif hit.kind == "part":
            _collect_part(frame, d)
        elif hit.kind == "clock":
            _collect_clock(frame, d)
        elif hit.kind == "between":
            frame.betweens.append((int(d["h1"]), int(d.get("m1", 0)), int(d["h2"]), int(d.get("m2", 0))))
        if hit.fuzzy:
            conf *= 0.85
    frame.night_after = _night_after(hits)
    del today
    return frame, conf


def _night_after(hits: list[_Hit]) -> bool:
    """'gisternacht', 'zaterdag nacht': the night that follows the named day."""
    for part in hits:
        if part.kind != "part" or part.data.get("part") != "nacht" or part.data.get("art"):
            continue
        for day in hits:
            if (
                day.kind == "day"
                and day.data.get("rel") != "vandaag"
                and day.start <= part.start <= day.end + 1
            ):
                return True
    return False


def _collect_ago(frame: _Frame, d: dict[str, Any], now: datetime) -> None:
    unit = d["unit"]
    amount = _ago_amount(d.get("n"))
    if "en een half" in " ".join(d["tokens"]):
        amount += 0.5
    minutes = {"minuten": 1, "kwartier": 15, "kwartiertje": 15, "uur": 60, "uurtje": 60, "half uur": 30}
    if unit in minutes:
        ago = amount * minutes[unit]
        if d.get("n") in ("een paar", "paar", "enkele"):
            frame.spans.append((now - timedelta(minutes=ago * 2), now, 0.7))
            return
        center = now - timedelta(minutes=ago)
        frame.spans.append((center - timedelta(minutes=15), min(now, center + timedelta(minutes=15)), 0.85))
    elif unit == "dag":
        if d.get("n") in ("een paar", "paar", "enkele"):
            frame.spans.append((_day_start(now.date() - timedelta(days=5), now.tzinfo), now, 0.5))  # type: ignore[arg-type]
            return
        frame.days.append((now.date() - timedelta(days=round(amount)), 0.85, False))
    elif unit == "week":
        center = now - timedelta(weeks=amount)
        tz = now.tzinfo
        if d.get("n") in ("een paar", "paar", "enkele"):
            frame.spans.append((now - timedelta(weeks=5), now - timedelta(weeks=1), 0.4))
            return
        start = _day_start(center.date() - timedelta(days=3), tz)  # type: ignore[arg-type]
        frame.spans.append((start, _day_start(center.date() + timedelta(days=4), tz), 0.5))  # type: ignore[arg-type]
    elif unit == "maand":
        center = now - timedelta(days=30 * amount)
        frame.spans.append((center - timedelta(days=15), min(now, center + timedelta(days=15)), 0.3))


def _collect_span(frame: _Frame, d: dict[str, Any], now: datetime, tz: ZoneInfo) -> None:
    which, unit = d["which"], d["unit"]
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    if unit == "week":
        if which in ("deze", "dit", "eerder deze", "begin deze", "het", "in het"):
            start = _day_start(monday, tz)
            end = _day_start(monday + timedelta(days=7), tz)
            if which == "eerder deze":
                end = now
            elif which == "begin deze":
                end = _day_start(monday + timedelta(days=3), tz)
            frame.spans.append((start, end, 0.8))
        else:
            prev = monday - timedelta(days=7)
            start, end = _day_start(prev, tz), _day_start(monday, tz)
            if which == "begin vorige":
                end = _day_start(prev + timedelta(days=3), tz)
            elif which in ("eind vorige", "einde vorige"):
                start = _day_start(prev + timedelta(days=3), tz)
            frame.spans.append((start, end, 0.85))
    elif unit == "weekend":
        saturday = monday - timedelta(days=2)
        if today.weekday() >= 5 and which in ("deze", "dit", "het", "in het"):
            saturday = monday + timedelta(days=5)
        start = _day_start(saturday, tz)
        frame.spans.append((start, _day_start(saturday + timedelta(days=2), tz), 0.85))
    else:  # maand
        first = today.replace(day=1)
        if which in ("deze", "dit", "eerder deze", "begin deze", "het", "in het"):
            frame.spans.append(
                (_day_start(first, tz), _day_start((first + timedelta(days=32)).replace(day=1), tz), 0.7)
            )
        else:
            prev_first = (first - timedelta(days=1)).replace(day=1)
            frame.spans.append((_day_start(prev_first, tz), _day_start(first, tz), 0.7))


def _collect_day(frame: _Frame, d: dict[str, Any], hit: _Hit, now: datetime) -> None:
    today = now.date()
    tokens = d["tokens"]
    # a compound such as gisternacht / zaterdagnacht: the night after that day
    if "rel" in d:
        offset = {"eergisteren": -2, "gisteren": -1, "vandaag": 0, "deze dag": 0, "morgen": 1, "overmorgen": 2}[
            d["rel"]
        ]
        frame.days.append((today + timedelta(days=offset), 0.9 if offset <= 0 else 0.3, False))
    elif "wd1" in d or "wd2" in d:
        wd = WEEKDAYS.index(d.get("wd1") or d["wd2"])
        monday = today - timedelta(days=today.weekday())
        frame.days.append((monday - timedelta(days=7) + timedelta(days=wd), 0.9, False))
    elif "wd" in d:
        wd = WEEKDAYS.index(d["wd"])
        conf = 0.85 if d.get("mod3") in (None, "op", "afgelopen", "vorige", "verleden", "laatste") else 0.6
        frame.days.append((_most_recent_weekday(today, wd, include_today=False), conf, False))
    elif "mon" in d:
        words = [_FULL_MONTH.get(t, t) for t in tokens if t not in ("op", "de")]
        found = _absolute_date(" ".join(words), now)
        if found is not None:
            frame.absolute.append(found)
    elif "date" in d:
        found = _numeric_date(d["date"], today)
        if found is not None:
            frame.absolute.append(found)
    del hit, tokens


_FULL_MONTH = {"sept": "september", "sep": "september", "mrt": "maart", "okt": "oktober", "mar": "maart"}


def _collect_part(frame: _Frame, d: dict[str, Any]) -> None:
    name = d.get("part", "lunch")
    start, end = PARTS[name]
    mod = d.get("mod", "")
    if mod.startswith(("vroeg", "begin", "aan het begin", "eerder")) or d.get("late") == "vroeg":
        end = (start + end) // 2
    elif mod.startswith(("laat", "eind", "aan het eind", "later")) or d.get("late") == "laat":
        start = (start + end) // 2
    if d.get("art") == "deze":
        frame.days.append((date.min, 0.85, False))  # marker: today, filled in later
    frame.parts.append((start, end, 0.9, name))


def _collect_clock(frame: _Frame, d: dict[str, Any]) -> None:
    pre = d.get("pre", "om")
    if d.get("post") == "op zijn vroegst" or pre == "op zijn vroegst om":
        pre = "vanaf"
    elif d.get("post") == "op zijn laatst" or pre in ("op zijn laatst om", "tot"):
        pre = "voor"
    if "midnight" in d:
        frame.clocks.append((24, 0, 15, 0.85, True, pre))
        return
    if "halfh" in d:
        frame.clocks.append((_hour_number(d["halfh"]), -30, 15, 0.85, False, pre))
        return
    if "dir" in d:
        n = 15 if d["n"] == "kwart" else int(d["n"])
        offset = n if d["dir"] == "over" else -n
        if "half" in d:
            offset -= 30
        frame.clocks.append((_hour_number(d["h"]), offset, 15, 0.85, False, pre))
        return
    hour = _hour_number(d["h"])
    minute = int(d.get("m", 0))
    explicit = "m" in d and (hour >= 13 or hour == 0 or d["m"] != "00" and hour >= 10)
    frame.clocks.append((hour, minute, 15, 0.85, hour >= 13 or hour == 0 or explicit, pre))


def _hour_number(word: str) -> int:
    return 1 if word == "een" else int(word)


def _hour_in_part(spoken: int, part: tuple[int, int] | None) -> int:
    """A 24-hour hour for a spoken hour 1–12, using the part of the day or the bare-hour convention."""
    if spoken >= 13 or spoken == 0:
        return spoken
    if part is not None:
        start, end = part
        for cand in (spoken % 12, spoken % 12 + 12, 24 if spoken == 12 else -1):
            if start <= cand < end or (cand == end == 24):
                return cand
        if start >= 12:
            return spoken % 12 + 12
        return spoken % 12
    return spoken + 12 if 1 <= spoken <= 7 else spoken


def parse_when(text: str, now: datetime, *, tz: str = DEFAULT_TZ) -> TimeSpan | None:
    """The interval a Dutch time phrase refers to, relative to `now`; None when the text names no time."""
    zone = ZoneInfo(tz)
    now = now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)
    text = _normalise_written_forms(expand_weekday_abbreviations(text))
    named = _NAMED_ZONE.search(text)
    if named is not None:  # "16 uur CET": read the clock in that zone, answer in ours
        other = _ZONES[named.group(1).lower()]
        span = parse_when(text[: named.start()] + text[named.end() :], now, tz=other)
        if span is None:
            return None
        return TimeSpan(span.text, span.start.astimezone(zone), span.end.astimezone(zone), span.confidence)
    special = resolve_special(text, now, zone, lambda rest: _day_named(rest, now, zone))
    if special is not None:
        (start, end), words = special
        conf = 0.85 if start <= now else 0.3  # an incident in the future: something is off
        return TimeSpan(text=words, start=start, end=end, confidence=conf)
    found = _parse_rules(text, now, zone)
    if found is None and (month := resolve_month(text, now, zone)) is not None:
        (start, end), words = month
        return TimeSpan(text=words, start=start, end=end, confidence=0.7 if start <= now else 0.3)
    return found


_ZONES = {"cet": "Etc/GMT-1", "cest": "Etc/GMT-2", "gmt": "UTC", "utc": "UTC", "wet": "UTC"}
_NAMED_ZONE = re.compile(r"(?<=[\dru])\s+(cet|cest|gmt|utc)\b", re.IGNORECASE)  # after "16", "uur", "8u"
_WRITTEN_FORMS = (
    (re.compile(r"\b(\d{1,2})h(\d{2})\b", re.IGNORECASE), r"\1:\2"),  # "17h10"
    (re.compile(r"\b(\d{1,2})h\b", re.IGNORECASE), r"\1 uur"),  # "15h"
    (
        re.compile(r"\b(1[01]|[6-9])(:\d{2})?\s*am\b(?:\s*in de (?:ochtend|morgen))?", re.IGNORECASE),
        r"\1\2 's ochtends",
    ),
    (re.compile(r"\b(12|[0-5])(:\d{2})?\s*am\b", re.IGNORECASE), r"\1\2 's nachts"),
    (re.compile(r"\b(\d{1,2})(:\d{2})?\s*pm\b", re.IGNORECASE), r"\1\2 's middags"),
)


def _normalise_written_forms(text: str) -> str:
    """Clock times written as 17h10, 15h, 11 am or 3 pm, in the forms the rules read."""
    if not any(ch.isdigit() for ch in text):
        return text
    for pattern, replacement in _WRITTEN_FORMS:
        text = pattern.sub(replacement, text)
    return text


def _day_named(text: str, now: datetime, zone: ZoneInfo) -> date | None:
    """The single day the rest of a phrase names ("gisteren", "vrijdag"), if it names one."""
    span = _parse_rules(text, now, zone)
    if span is None or span.end - span.start > timedelta(days=1):
        return None
    return span.start.date()


def _parse_rules(text: str, now: datetime, zone: ZoneInfo) -> TimeSpan | None:
    toks = tokenize(text)
    if not toks:
        return None
    hits = [h for h in _find_hits(toks) if h.kind != "just_net" or len(toks) <= 6]
    if not hits:
        return None
    frame, conf = _collect(hits, now, zone)
    resolved = _resolve(frame, now, zone)
    if resolved is None:
        return None
    start, end, rconf = resolved
    conf *= rconf
    if start > now:
        conf = min(conf, 0.3)  # an incident in the future: something is off
    span_text = text[min(h.start for h in hits) : max(h.end for h in hits)].strip()
    return TimeSpan(text=span_text, start=start, end=end, confidence=round(min(conf, 0.99), 3))


def _resolve(frame: _Frame, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime, float] | None:
    today = now.date()
    days = [(today if d == date.min else d, c, n) for d, c, n in frame.days]
    if frame.absolute:
        days = [(d, 0.9, False) for d in frame.absolute]
    unique_days = sorted({d for d, _, _ in days})
    day_conf = min((c for _, c, _ in days), default=1.0)
    multi = 1.0
    if len(unique_days) > 1:
        multi = 0.5  # "maandag of dinsdag": cover both, ask
    part = frame.parts[0][:2] if frame.parts else None
    part_name = frame.parts[0][3] if frame.parts else None
    if len({p[:2] for p in frame.parts}) > 1:
        multi = min(multi, 0.6)

    if frame.betweens:
        h1, m1, h2, m2 = frame.betweens[0]
        a = _hour_in_part(h1, part)
        b = _hour_in_part(h2, part)
        if b < a and b < 12:
            b += 12
        day = unique_days[0] if unique_days else None
        base, inferred = _pick_day(day, a, m1, now)
        start = _local(base, a, m1, tz)
        end = _local(base, b, m2, tz)
        return start, max(end, start), 0.9 * day_conf * multi * (0.85 if inferred else 1.0)

    if frame.clocks:
        spoken, offset, tol, cconf, is24, pre = frame.clocks[0]
        hour = spoken if is24 else _hour_in_part(spoken, part)
        day = unique_days[0] if unique_days else None
        if day is not None and part_name == "nacht" and frame.night_after:
            day = day + timedelta(days=1)
        base, inferred = _pick_day(day, hour, offset, now)
        center = _local(base, hour, offset, tz)
        start, end = center - timedelta(minutes=tol), center + timedelta(minutes=tol)
        if pre in ("na", "even na", "iets na", "kort na", "net na", "vanaf"):
            start, end = center, center + timedelta(minutes=60)
        elif pre in ("voor", "even voor", "iets voor", "kort voor", "net voor"):
            start, end = center - timedelta(minutes=60), center
        amb = 1.0 if is24 or part is not None else 0.9
        return start, end, cconf * day_conf * multi * amb * (0.8 if inferred else 1.0)

    if part is not None:
        pstart, pend = part
        if unique_days:
            day = unique_days[0]
            night_after = part_name == "nacht" and frame.night_after
            if night_after:
                day = day + timedelta(days=1)
            start = _local(day, pstart, 0, tz)
            end = _local(unique_days[-1] + (timedelta(days=1) if night_after else timedelta()), pend, 0, tz)
            return start, end, 0.9 * day_conf * multi
        start = _local(today, pstart, 0, tz)
        inferred_conf = 0.75
        if start > now:
            start = _local(today - timedelta(days=1), pstart, 0, tz)
            inferred_conf = 0.6
        end = start + timedelta(hours=pend - pstart)
        return start, end, inferred_conf * multi

    if unique_days:
        start = _day_start(unique_days[0], tz)
        end = _day_start(unique_days[-1] + timedelta(days=1), tz)
        return start, end, day_conf * multi

    if frame.spans:
        best = max(frame.spans, key=lambda s: s[2])
        return best[0], best[1], best[2]
    return None


def _pick_day(day: date | None, hour: int, minute: int, now: datetime) -> tuple[date, bool]:
    """The given day, or today when that time has passed (yesterday otherwise); second value: inferred."""
    if day is not None:
        return day, False
    today = now.date()
    tz = now.tzinfo
    candidate = datetime.combine(today, time(0, 0), tzinfo=tz) + timedelta(hours=hour, minutes=minute)
    if candidate > now:
        return today - timedelta(days=1), True
    return today, True
