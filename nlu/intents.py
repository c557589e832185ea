"""Rule intents for short dialogue answers: ja, nee, weet ik niet, stop, help, terug, bedankt, ..."""

from __future__ import annotations

import functools
import itertools
import re

_WORD_RE = re.compile(r"[a-z0-9']+|\?|[\U0001F300-\U0001FAFF\u2B05\u2B06\u2B07\u27A1\u2705\u274C\u270B]")

_YES_START = frozenset({
    "ja", "jawel", "jazeker", "jep", "jup", "yep", "yes", "yess", "klopt", "correct", "inderdaad", "zeker",
    "ok", "oke", "okay", "okidoki", "prima", "akkoord", "absoluut", "precies", "uhu", "graag", "jawohl", "👍",
    "👌", "✅", "top", "goed", "juist", "allez",
})  # fmt: skip
_NO_START = frozenset({"nee", "neen", "nope", "nah", "no", "neuh", "nein", "nej", "nie", "nooit", "negatief",
                       "👎",
                       "🙅", "❌"})  # fmt: skip
_NO_PHRASES = (
    "klopt niet",
    "niet waar",
    "helemaal niet",
    "absoluut niet",
    "zeker niet",
    "liever niet",
    "da klopt nie",
    "dat klopt niet",
    "klopt nie",
    "dat heeft hij niet gedaan",
    "dat heeft ze niet gedaan",
    "was niet zo",
)
_DONT_KNOW = (
    "weet ik niet",
    "weet niet",
    "geen idee",
    "geen flauw",
    "kweenie",
    "weetniet",
    "sla over",
    "overslaan",
    "skip",
    "weet het niet",
    "weet ik echt niet",
    "weet ik nog niet",
    "kan ik niet zeggen",
    "niet herinneren",
    "twijfel",
    "k weet",
    "kweet",
    "weet da nie",
    "weet het nie",
    "volgende vraag",
    "onbekend",
    "wie weet",
    "zou het niet weten",
    "geen zicht op",
    "niet zeker",
    "niet gezien",
    "weet ik niet meer",
    "idk",
    "🤷",
    "sla deze",
    "vraag overslaan",
    "weet ik eigenlijk niet",
    "geen benul",
)
_STOP = (
    "stop",
    "stoppen",
    "annuleer",
    "annuleren",
    "afbreken",
    "kappen",
    "kap ermee",
    "exit",
    "quit",
    "cancel",
    "afsluiten",
    "ophouden",
    "laat maar",
    "hou maar op",
    "houd maar op",
    "vergeet het maar",
    "ik wil niet verder",
    "genoeg zo",
    "melding intrekken",
    "doe maar niet",
    "niet meer melden",
    "ik stop ermee",
    "wil dit niet meer",
    "gesprek beeindigen",
    "beeindig",
    "geen zin meer",
    "🛑",
)
_HELP = (
    "help",
    "hulp",
    "hellup",
    "uitleg",
    "menu",
    "opties",
    "hoe werkt",
    "wat bedoel je",
    "ik snap",
    "snap het niet",
    "snap de vraag",
    "begrijp de vraag niet",
    "wat moet ik",
    "wat kan ik hier",
    "wat kan jij",
    "wat kun jij",
    "kom er niet uit",
    "wat wordt er bedoeld",
    "geef eens een voorbeeld",
    "anders stellen",
    "kan je me helpen",
    "kun je me helpen",
    "hoe moet ik",
)
_BACK = (
    "terug",
    "trug",
    "terugg",
    "vorige",
    "vorge",
    "undo",
    "corrigeren",
    "corrigeer",
    "ongedaan",
    "⬅",
    "antwoord aanpassen",
    "antwoord wijzigen",
    "antwoord veranderen",
    "vergist",
    "fout antwoord",
    "de vraag hiervoor",
)
_MY_REPORTS = (
    "mijn melding", "mijn meldingen", "mn melding", "mn meldingen", "m'n melding", "status melding",
    "overzicht meldingen", "meldingen bekijken", "lijst van mijn meldingen", "oude meldingen",
)  # fmt: skip
_GREETING = frozenset({
    "hoi", "hallo", "hey", "hi", "hee", "hei", "yo", "moi", "goedemorgen", "goeiemorgen", "goedemiddag",
    "goeiemiddag", "goedenavond", "goeienavond", "goedendag", "goeiedag", "dag", "hallootjes", "hallo daar",
    "👋", "middag", "morgen", "avond",
})  # fmt: skip
_THANKS = ("dank", "bedankt", "dankjewel", "dankuwel", "thanks", "thx", "merci", "dankje", "top dank", "tof")
_QUESTION_START = frozenset({"wat", "wie", "hoe", "waarom", "wanneer", "waar", "welke", "moet", "kan", "mag",
                             "krijg", "krijgt", "wordt", "worden", "is", "telt", "hoort", "ziet", "komt",
                             "belt",
                             "met"})  # fmt: skip
_CONTROL = ("dont_know", "stop", "help", "back")


_JA = re.compile(r"j+a+h*")
_NEE = re.compile(r"n+e+h*")
_ELONGATED = re.compile(r"(.)\1{2,}")


@functools.lru_cache(maxsize=8192)  # the same few thousand words come back in every text
def _squeeze(word: str) -> str:
    """Elongated spellings back to the plain word: jaaa -> ja, neee -> nee, terugg -> terug."""
    if _JA.fullmatch(word):
        return "ja"
    if _NEE.fullmatch(word):
        return "nee"
    return _ELONGATED.sub(r"\1", word)


def words_of(folded: str, limit: int | None = None) -> list[str]:
    """Words, question marks and emoji of a folded text, elongations squeezed (the first `limit` only)."""
    found = _WORD_RE.finditer(folded)
    return [_squeeze(m.group()) for m in (found if limit is None else itertools.islice(found, limit))]


@functools.cache
def _phrases_re(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a list of phrases, each as whole words (built once per list)."""
    return re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![a-z])")


def _contains(joined: str, phrases: tuple[str, ...]) -> bool:
    """True when one of `phrases` occurs in `joined` as whole words."""
    return _phrases_re(phrases).search(joined) is not None


def rule_intent(folded: str, expecting: str | None = None) -> tuple[str, float] | None:
    """A confident intent for short answers, or None to leave it to the model."""
    if folded.count(" ") > 12:
        return None  # long texts are no short dialogue answers
    words = words_of(folded)
    if not words:
        return None
    joined = " ".join(words)
    n = len([w for w in words if w != "?"])
    if n > 8:
        return None
    first = words[0]
    stop = n <= 6 and _contains(joined, _STOP) and not _contains(joined, ("stopgezet", "stopte"))
    if stop and not (first in _NO_START and n > 2):
        return "stop", 0.95
    if _contains(joined, _DONT_KNOW):
        return "dont_know", 0.95
    if first in _NO_START or (n <= 6 and _contains(joined, _NO_PHRASES)):
        return "no", 0.95
    if n <= 7 and _contains(joined, _BACK) and not _contains(joined, ("vorige week", "vorige maand")):
        return "back", 0.9
    if n <= 8 and _contains(joined, _MY_REPORTS):
        return "my_reports", 0.9
    if n <= 7 and _contains(joined, _HELP):
        return "help", 0.9
    if words == ["?"]:
        return "help", 0.9
    if first in _YES_START and n <= 7:
        if first == "goed" and n > 1 and words[1] not in ("zo", "hoor"):
            return None
        return "yes", 0.95
    if n <= 3 and words[0] in _GREETING and expecting not in ("when",):
        return "greeting", 0.9
    if n <= 5 and _contains(joined, _THANKS):
        return "thanks", 0.9
    if words[-1] == "?" and n >= 2 or (first in _QUESTION_START and n >= 3 and expecting is None):
        return "question", 0.7
    return None


def is_control(intent: str) -> bool:
    """Intents that steer the dialogue rather than answer its question."""
    return intent in _CONTROL
