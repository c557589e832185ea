"""Negation and hypothetical scope: is a cue denied ("niet", "geen") or not real ("bijna", "zou")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlu.lexicon import FINITE_PAST

NEGATORS = frozenset({"niet", "geen", "nooit", "zonder", "niks", "niets", "niemand", "nergens", "geeneen"})
# "niet alleen ... maar ook" and similar do not deny anything
_NOT_NEGATING_NEXT = frozenset({"alleen", "enkel", "zomaar", "zelden", "minder"})
HYPOTHETICAL = frozenset({
    "bijna", "haast", "alsof", "zou", "zouden", "dreigde", "dreigden", "dreigt", "dreigen", "leek", "leken",
    "mocht", "misschien", "wou", "wilde", "wilden",
})  # fmt: skip
_HYPOTHETICAL_PAIRS = frozenset({
    ("bang", "dat"), ("angst", "dat"), ("als", "of"), ("net", "niet"), ("dacht", "dat"), ("dachten", "dat"),
    ("dachten", "hij"), ("dacht", "hij"), ("vreesde", "dat"), ("vreesden", "dat"), ("bang", "om"),
    ("bang", "voor"), ("angst", "om"), ("angst", "voor"), ("kans", "op"), ("risico", "op"),
})  # fmt: skip
CLAUSE_BREAKS = frozenset({
    ".", "!", "?", ";", ":", ",", "(", ")", '"', "-", "--", "—", "–", "maar", "toen", "omdat", "doordat",
    "nadat",
    "want", "daarna", "vervolgens", "terwijl", "waarna", "dus", "zodat", "waardoor", "wel", "daarop", "later",
    "uiteindelijk", "totdat", "tot",
})  # fmt: skip
WINDOW_BEFORE = 5
WINDOW_AFTER = 3
# modals that make a deed unreal only when the deed is an infinitive ("zou gooien"), not a finite
# past form ("zou me opwachten en gooide een stoel": the throw happened)
_MODAL_HYPOTHETICAL = frozenset({
    "zou", "zouden", "dreigde", "dreigden", "dreigt", "dreigen", "leek", "leken", "mocht", "misschien", "wou",
    "wilde", "wilden",
})  # fmt: skip
_FINITE_DREIG = re.compile(r"(?:be)?dreig(?:de|den|t)$")
_COORDINATORS = frozenset({"en", "of", "maar"})


def _is_break(tokens: Sequence[str], i: int) -> bool:
    """A clause boundary: punctuation and connectives, or 'en'/'of' that starts a new finite deed."""
    tok = tokens[i]
    if tok in CLAUSE_BREAKS:
        return True
    return tok in _COORDINATORS and i + 1 < len(tokens) and tokens[i + 1] in FINITE_PAST


def clause_bounds(tokens: Sequence[str], index: int) -> tuple[int, int]:
    """The first and last token index of the clause around `index` (inclusive)."""
    start = index
    while start > 0 and not _is_break(tokens, start - 1):
        start -= 1
    end = index
    while end < len(tokens) - 1 and not _is_break(tokens, end + 1):
        end += 1
    return start, end


# an article before a negator makes it part of a noun phrase: "het niet betalen", "uit het niets"
_ARTICLES = frozenset({"het", "de", "een", "'t"})
# "zonder" denies only what follows it at once ("zonder te slaan"), never the deed it comes after or
# a deed further on ("kreeg zonder enige aanleiding een vuistslag")
_ZONDER_REACH = 2


def _negator_at(tokens: Sequence[str], i: int, first: int) -> bool:
    if tokens[i] not in NEGATORS:
        return False
    if i > 0 and tokens[i - 1] in _ARTICLES:
        return False
    if tokens[i] == "zonder":
        return 0 < first - i <= _ZONDER_REACH
    return not (tokens[i] == "niet" and i + 1 < len(tokens) and tokens[i + 1] in _NOT_NEGATING_NEXT)


def scope_status(
    tokens: Sequence[str],
    first: int,
    head: int,
    *,
    act: bool,
    skip_inside: bool = False,
) -> tuple[str, int | None]:
    """'negated', 'hypothetical' or 'actual' for a cue on tokens first..head, and the deciding token."""
    c_start, c_end = clause_bounds(tokens, head)
    left = max(c_start, min(first, head) - WINDOW_BEFORE)
    # a negator after the cue ("sloeg me niet") only counts when the cue opens with a finite verb;
    # after a noun or participle ("bedreigingen uitte en niet akkoord ging") it belongs to another verb
    verb_first = tokens[first] in FINITE_PAST or _FINITE_DREIG.match(tokens[first]) is not None
    right = min(c_end, head + WINDOW_AFTER) if verb_first or act else head
    for i in range(left, right + 1):
        if skip_inside and first <= i <= head:
            continue
        if _negator_at(tokens, i, first) and not _in_condition(tokens, c_start, i, first):
            return "negated", i
    if act:
        finite = tokens[first] in FINITE_PAST
        for i in range(left, right + 1):
            if first <= i <= head and tokens[i] not in ("bijna", "haast", "zou", "zouden"):
                continue
            if finite and tokens[i] in _MODAL_HYPOTHETICAL and i < first:
                continue  # "hij dreigde en sloeg toen": the blow is told as done
            if tokens[i] in HYPOTHETICAL or _hypothetical_pair(tokens, i):
                return "hypothetical", i
        if not finite and _had_kunnen(tokens, c_start, c_end):
            return "hypothetical", None
    return "actual", None


# a fear or belief told before the deed ("ik dacht eerst dat hij ging slaan") may have one word between
_BELIEF_GAP = frozenset({"eerst", "even", "al", "echt", "nog", "toen", "heel"})


def _hypothetical_pair(tokens: Sequence[str], i: int) -> bool:
    if i + 1 < len(tokens) and (tokens[i], tokens[i + 1]) in _HYPOTHETICAL_PAIRS:
        return True
    return (
        i + 2 < len(tokens)
        and tokens[i + 1] in _BELIEF_GAP
        and (tokens[i], tokens[i + 2]) in _HYPOTHETICAL_PAIRS
    )


_CONDITIONALS = frozenset({"als", "indien", "wanneer", "zolang", "tenzij", "mits"})


def _in_condition(tokens: Sequence[str], start: int, neg: int, first: int) -> bool:
    """'als ik die vergunning niet krijg, ...': the negation belongs to the condition, not to the cue after it."""
    return neg < first and any(tokens[j] in _CONDITIONALS for j in range(start, neg))


def _had_kunnen(tokens: Sequence[str], start: int, end: int) -> bool:
    """'had kunnen slaan', 'had me kunnen raken': a counterfactual clause."""
    words = tokens[start : end + 1]
    return ("had" in words or "hadden" in words) and "kunnen" in words
