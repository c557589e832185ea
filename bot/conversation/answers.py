"""Pure checks on what a reporter typed: commands, choices, places, questions before reporting."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

# Fixed commands: whole messages only, so that "vorige week" or a story containing "stop" is never a command.
COMMANDS = {
    "stop": {"stop", "stoppen", "annuleer", "annuleren", "afbreken", "ik wil stoppen"},
    "help": {"help", "hulp", "?", "uitleg", "help me"},
    "back": {"terug", "vorige vraag", "ga terug", "een vraag terug"},
    "my_reports": {"mijn meldingen", "mijnmeldingen", "mijn melding", "status", "mijn status"},
    "start": {"start", "melden", "nieuwe melding", "ik wil iets melden", "melding maken", "iets melden"},
}
_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]*>")
_SPLIT = re.compile(r"\s*(?:,|;|\+|&|\ben\b)\s*", re.IGNORECASE)

# Questions people ask before they report, by topic; each topic is a text key "faq_<topic>".
FAQ_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("anonymous", ("anoniem",)),
    ("who_sees", ("wie ziet", "wie leest", "wie krijgt", "wie kan mijn", "wie kan de")),
    ("aangifte", ("aangifte",)),
    ("part_of_job", ("hoort dit er", "hoort erbij", "hoort er niet", "hoort bij mijn werk", "hoort bij het werk",
                     "normaal", "overdrijf")),
    ("use", ("zin", "helpt het", "heeft het nut", "nut", "gebeurt er", "gebeurt er mee")),
)

# A place in the reporter's words: an address ("Hoefstraat 12, Tilburg") or a building in a town.
_STREET = re.compile(
    r"\b([A-Z][\w'-]*(?:straat|weg|laan|plein|kade|gracht|singel|dijk|dreef|hof|pad|steeg|markt|park)"
    r"\s+\d+[a-zA-Z]?(?:\s*,\s*[A-Z][\w'-]+)?)"
)
_BUILDING = re.compile(
    r"\b((?:stadskantoor|gemeentehuis|stadhuis|kantoor|servicepunt|station|bibliotheek|wijkcentrum|zwembad)"
    r"\s+(?:(?:in|te|van)\s+)?[A-Z][\w'-]+)"
)
_IN_TOWN = re.compile(r"(?<=[a-z,] )(?:in|te) ([A-Z][a-z][\w'-]+)")
OFFICE_WORDS = ("kantoor", "stadhuis", "gemeentehuis", "loket", "servicepunt", "balie")


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces: for matching commands and choices."""
    if len(text) <= _REMEMBERED_CHARS:
        return _normalise_short(text)  # choice labels and short answers, normalised at every turn
    return _normalise(text)


_REMEMBERED_CHARS = 80
_PUNCTUATION = re.compile(r"[^\w\s?]")


def _normalise(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().strip().lstrip("/")
    return " ".join(_PUNCTUATION.sub(" ", text).split())


_normalise_short = functools.lru_cache(maxsize=4096)(_normalise)


def words(text: str) -> int:
    return len(_WORD.findall(text))


def without_markup(text: str) -> str:
    """The reporter's words without HTML-like tags (never part of what happened)."""
    return " ".join(_TAG.sub(" ", text).split())


def has_words(text: str) -> bool:
    """At least one word of two letters: not only digits, symbols or markup."""
    return any(sum(ch.isalpha() for ch in w) >= 2 for w in _WORD.findall(without_markup(text)))


def command_of(text: str) -> str | None:
    """A fixed command (stop, help, back, my_reports, start) when the whole message is one, else None."""
    if text.strip().lower().startswith("/start"):
        return "start"  # also "/start CODE" from someone already linked
    norm = normalise(text)
    return next((name for name, phrases in COMMANDS.items() if norm in phrases), None)


def is_label(text: str, choices: Sequence[str]) -> bool:
    """The whole message is exactly one of the offered labels (a button, or its label typed)."""
    norm = normalise(text)
    return bool(norm) and norm in {normalise(c) for c in choices}


def match_many(text: str, choices: Sequence[str]) -> list[int] | None:
    """Several choices by number or by label ('1 en 3', '1, 2 en 3', '1 2 3', 'Hulp bij aangifte, Iemand om mee
    te praten'); None when any part is not one of them."""
    labels = [normalise(c) for c in choices]
    whole = normalise(text)
    if whole and whole in labels:
        return [labels.index(whole)]
    picked: set[int] = set()
    for raw in _SPLIT.split(text):  # split before normalising, which would drop the commas
        part = normalise(raw)
        if not part:
            continue
        if part in labels:
            picked.add(labels.index(part))
        elif all(number.isdigit() for number in part.split()):
            for number in part.split():
                if not 0 < int(number) <= len(choices):
                    return None
                picked.add(int(number) - 1)
        else:
            return None
    return sorted(picked) or None


def place_in(text: str) -> str | None:
    """An address or a named building or town in the text, as written; None when there is none."""
    for pattern in (_STREET, _BUILDING, _IN_TOWN):
        found = pattern.search(text)
        if found:
            return found.group(1).strip(" ,.")
    return None


def faq_topic(text: str) -> str | None:
    """The topic of a question someone asks before (or while) reporting, when it is one we answer."""
    if "?" not in text or words(text) > 14:
        return None
    norm = normalise(text)
    for topic, phrases in FAQ_TOPICS:
        if any(re.search(rf"\b{re.escape(p)}\b", norm) for p in phrases):
            return topic
    return None


def tidy_explanation(text: str) -> str:
    """One pair of brackets instead of two in a row: '(stalking) ('volgde me')' → '(stalking, 'volgde me')'."""
    return re.sub(r"\(([^()]*)\)\s*\(([^()]*)\)", r"(\1, \2)", text)


# Reporting for someone else: "ik meld dit namens mijn collega Noor", "ik zag dat een klant Noor uitschold".
# A first name and at most two more capitalised words, with particles between ('Ahmed El Amrani',
# 'Noor van der Berg'); the organisation file decides how many of the words belong to the name.
_NAME = r"([A-Z][\w'-]+(?:\s+(?:(?:van|de|der|den|el|ten|ter)\s+)*[A-Z][\w'-]+){0,2})"
_ON_BEHALF = re.compile(r"\bnamens\b|\bmeld\w*\b[^.?!]*\bvoor\s+(?:mijn|onze|een)\s+collega\b", re.IGNORECASE)
_WITNESS = re.compile(r"\bik (?:zag|heb gezien|heb zien gebeuren) (?:dat|hoe)\b|\bik was getuige\b|\bals getuige\b",
                      re.IGNORECASE)
_ABOUT_ME = re.compile(r"\b(?:me|mij|ik werd|ikzelf)\b", re.IGNORECASE)
_VICTIM_NAMED = (
    re.compile(rf"\bnamens\s+(?:(?:mijn|onze)\s+)?(?:collega\s+)?{_NAME}"),
    re.compile(rf"\b(?:[Cc]ollega|[Tt]eamgenoot)\s+{_NAME}"),
)
_VICTIM_WORDS = re.compile(r"^(?:(?:het|dat) (?:was|is|overkwam)\s+)?(?:(?:mijn|onze)\s+)?(?:collega\s+)?",
                           re.IGNORECASE)


def reporter_role_in(text: str) -> str | None:
    """'on_behalf' or 'witness' when the story is told for someone else; None when it happened to the reporter."""
    if _ON_BEHALF.search(text):
        return "on_behalf"
    if _WITNESS.search(text) and not _ABOUT_ME.search(text):
        return "witness"
    return None


def victim_named_in(text: str) -> str | None:
    """The name of the colleague it happened to, as written ('Noor', 'Noor Bakker'); None when none is named.

    It may carry a capitalised word that follows the name; `name_candidates` gives the shorter readings."""
    for pattern in _VICTIM_NAMED:
        found = pattern.search(text)
        if found:
            return found.group(1)
    return None


def name_candidates(named: str) -> list[str]:
    """'Ahmed El Amrani Gisteren' → the readings to look up, longest first, each ending in a capitalised word."""
    words = named.split()
    return [" ".join(words[:n]) for n in range(len(words), 0, -1) if words[n - 1][:1].isupper()]


def victim_in_answer(text: str) -> str:
    """Who it happened to, from an answer to 'Wie is het overkomen?': the name when one is named, else the words."""
    named = victim_named_in(text)
    if named:
        return named
    return _VICTIM_WORDS.sub("", without_markup(text).strip(" .!")).strip() or without_markup(text)


# Evidence for a report filed before: "bewijs toevoegen aan MLD-2026-00042" (also as a photo's caption).
_EVIDENCE_REQUEST = re.compile(
    r"^\s*(?:bewijs|een foto|foto'?s?|screenshots?|bestand(?:en)?)\s+(?:toevoegen|sturen|erbij doen)\s+"
    r"(?:aan|bij|voor)\s+(?:melding\s+)?(MLD-\d{4}-\d{5})\s*[.!]?\s*$",
    re.IGNORECASE,
)
EVIDENCE_DONE = {"klaar", "dat was het", "dat is alles", "niets meer", "niks meer", "nee", "nee dank je", "stop"}


def evidence_request(text: str) -> str | None:
    """The reference in 'bewijs toevoegen aan MLD-2026-00042' (the whole message), else None."""
    found = _EVIDENCE_REQUEST.match(text)
    return found.group(1).upper() if found else None


def match_choice(text: str, choices: Sequence[str]) -> int | None:
    """The index of the chosen option: by number (1-based) or by its label."""
    norm = normalise(text)
    if norm.isdigit():
        idx = int(norm) - 1
        return idx if 0 <= idx < len(choices) else None
    labels = [normalise(c) for c in choices]
    if norm in labels:
        return labels.index(norm)
    starts = [i for i, lab in enumerate(labels) if norm and (lab.startswith(norm) and len(norm) >= 3)]
    return starts[0] if len(starts) == 1 else None


def match_numbers(text: str, count: int) -> list[int] | None:
    """Several 1-based numbers ('1 en 3', '1,3'); None when the text is not only numbers."""
    norm = normalise(text).replace(" en ", " ")
    parts = norm.replace(",", " ").split()
    if not parts or not all(p.isdigit() for p in parts):
        return None
    idx = sorted({int(p) - 1 for p in parts})
    return idx if all(0 <= i < count for i in idx) else None
