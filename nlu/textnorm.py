"""Text folding shared by the rules and the classifiers: lower case, no accents, same length."""

from __future__ import annotations

import unicodedata

_QUOTE_LIKE = {
    "’": "'",
    "‘": "'",
    "´": "'",
    "`": "'",
    "‚": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
}


def fold_char(ch: str) -> str:
    """One character lower-cased, without accent, with curly quotes made straight."""
    if ch in _QUOTE_LIKE:
        return _QUOTE_LIKE[ch]
    low = ch.lower()
    if len(low) != 1:
        return ch
    if low.isascii():
        return low
    base = unicodedata.normalize("NFD", low)[0]
    return base if base.isascii() else low


def fold(text: str) -> str:
    """Lower-case and strip accents without changing the length, so character offsets stay valid."""
    if text.isascii():
        return text.lower()
    return "".join(fold_char(ch) for ch in text)
