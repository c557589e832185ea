"""Tolerant word lookup: maps a word with a small typo onto a known vocabulary word."""

from __future__ import annotations

from collections.abc import Iterable


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance, giving up (returning limit + 1) once it exceeds limit."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            val = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                val = min(val, prev2[j - 2] + 1)
            cur[j] = val
            row_min = min(row_min, val)
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


MAX_WORD = 30


class Corrector:
    """Corrects words of at least `min_len` letters within one edit (two for long words) of the vocabulary."""

    def __init__(self, vocabulary: Iterable[str], *, protected: Iterable[str] = (), min_len: int = 5) -> None:
        self._vocab = frozenset(vocabulary)
        self._protected = frozenset(protected)
        self._min_len = min_len
        # deletion index (SymSpell): words within k edits share a variant with k letters deleted
        self._index: dict[str, set[str]] = {}
        for word in self._vocab:
            if len(word) >= min_len:
                for key in _deletions(word, 2 if len(word) >= 8 else 1):
                    self._index.setdefault(key, set()).add(word)
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The vocabulary word meant by `word`, or None; exact vocabulary words come back unchanged."""
        if word in self._vocab:
            return word
        # No vocabulary word is longer than MAX_WORD letters: longer input cannot be a typo of one, and its
        # deletion variants grow with the square of its length.
        if len(word) < self._min_len or len(word) > MAX_WORD or word in self._protected or not word.isalpha():
            return None
        if word in self._cache:
            return self._cache[word]
        limit = 2 if len(word) >= 9 else 1
        candidates: set[str] = set()
        for key in _deletions(word, limit):
            candidates |= self._index.get(key, set())
        best: str | None = None
        best_dist = limit + 1
        for cand in sorted(candidates):
            dist = osa_distance(word, cand, limit)
            if dist < best_dist:
                best, best_dist = cand, dist
        if len(self._cache) > 20000:
            self._cache.clear()
        self._cache[word] = best
        return best


def _deletions(word: str, depth: int) -> set[str]:
    """The word and every variant with up to `depth` letters deleted."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out
