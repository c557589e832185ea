"""Negation and hypothetical scope: is a cue denied ("niet", "geen") or not real ("bijna", "zou")."""

from __future__ import annotations

from collections.abc import Sequence

NEGATORS = frozenset({"niet", "geen", "nooit", "zonder", "niks", "niets", "niemand", "nergens", "geeneen"})
# "niet alleen ... maar ook" and similar do not deny anything
_NOT_NEGATING_NEXT = frozenset({"alleen", "enkel", "zomaar", "zelden", "minder"})
HYPOTHETICAL = frozenset({
    "bijna", "haast", "alsof", "zou", "zouden", "dreigde", "dreigden", "dreigt", "dreigen", "leek", "leken",
    "mocht", "misschien",
})  # fmt: skip
_HYPOTHETICAL_PAIRS = frozenset({("bang", "dat"), ("angst", "dat"), ("als", "of"), ("net", "niet")})
CLAUSE_BREAKS = frozenset({
    ".", "!", "?", ";", ":", ",", "(", ")", '"', "-", "--", "—", "–", "maar", "toen", "omdat", "doordat",
    "nadat",
    "want", "daarna", "vervolgens", "terwijl", "waarna", "dus", "zodat", "waardoor", "wel", "daarop", "later",
    "uiteindelijk", "totdat", "tot",
})  # fmt: skip
WINDOW_BEFORE = 5
WINDOW_AFTER = 3


def clause_bounds(tokens: Sequence[str], index: int) -> tuple[int, int]:
    """The first and last token index of the clause around `index` (inclusive)."""
    start = index
    while start > 0 and tokens[start - 1] not in CLAUSE_BREAKS:
        start -= 1
    end = index
    while end < len(tokens) - 1 and tokens[end + 1] not in CLAUSE_BREAKS:
        end += 1
    return start, end


def _negator_at(tokens: Sequence[str], i: int) -> bool:
    if tokens[i] not in NEGATORS:
        return False
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
    right = min(c_end, head + WINDOW_AFTER)
    for i in range(left, right + 1):
        if skip_inside and first <= i <= head:
            continue
        if _negator_at(tokens, i):
            return "negated", i
    if act:
        for i in range(left, right + 1):
            if first <= i <= head and tokens[i] not in ("bijna", "haast", "zou", "zouden"):
                continue
            if tokens[i] in HYPOTHETICAL or (
                i + 1 < len(tokens) and (tokens[i], tokens[i + 1]) in _HYPOTHETICAL_PAIRS
            ):
                return "hypothetical", i
        if _had_kunnen(tokens, c_start, c_end):
            return "hypothetical", None
    return "actual", None


def _had_kunnen(tokens: Sequence[str], start: int, end: int) -> bool:
    """'had kunnen slaan', 'had me kunnen raken': a counterfactual clause."""
    words = tokens[start : end + 1]
    return ("had" in words or "hadden" in words) and "kunnen" in words
