"""Classifier input: folded words with negated cues marked, plus character n-grams for typo tolerance."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from nlu.rules import Analysis


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """Which tokens the bag-of-words models see."""

    char_ngrams: tuple[int, int] | None = (3, 5)  # inclusive n range, None for words only
    min_word_len: int = 4  # words shorter than this get no character n-grams
    mark_negation: bool = True
    cue_tokens: bool = True  # one token per rule cue found ("cue_physical", "cue_neg_physical")

    def to_dict(self) -> dict[str, object]:
        return {
            "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None,
            "min_word_len": self.min_word_len,
            "mark_negation": self.mark_negation,
            "cue_tokens": self.cue_tokens,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> FeatureConfig:
        grams = raw.get("char_ngrams")
        return cls(
            char_ngrams=(int(grams[0]), int(grams[1])) if isinstance(grams, list) else None,
            min_word_len=int(str(raw.get("min_word_len", 4))),
            mark_negation=bool(raw.get("mark_negation", True)),
            cue_tokens=bool(raw.get("cue_tokens", True)),
        )


def feature_tokens(analysis: Analysis, config: FeatureConfig) -> list[str]:
    """The token sequence a classifier sees for one analysed text."""
    words: list[str] = []
    grams: list[str] = []
    for tok, mark in zip(analysis.tokens, analysis.marks, strict=True):
        if not any(ch.isalnum() for ch in tok):
            continue
        if tok.isdigit():
            words.append("<num>")
            continue
        if mark and config.mark_negation:
            words.append("neg_" + tok)
            continue
        words.append(tok)
        if config.char_ngrams and len(tok) >= config.min_word_len:
            grams.extend(char_grams(tok, *config.char_ngrams))
    cues: list[str] = []
    if config.cue_tokens:
        for ev in analysis.evidence:
            cues.append(f"cue_{ev.cue}" if ev.status == "actual" else f"cue_neg_{ev.cue}")
        if analysis.entities.weapon:
            cues.append("cue_weapon")
    return words + cues + grams or ["<empty>"]


def intent_tokens(folded_words: list[str], config: FeatureConfig) -> list[str]:
    """The token sequence the intent classifier sees: words plus character n-grams."""
    out = list(folded_words)
    if config.char_ngrams:
        for tok in folded_words:
            out.extend(char_grams(tok, *config.char_ngrams))
    return out or ["<empty>"]


@functools.lru_cache(maxsize=8192)  # the same few thousand words come back in every text
def char_grams(word: str, lo: int, hi: int) -> tuple[str, ...]:
    """The character n-grams (lo..hi) of a word marked at both ends, each as a token: #<wo, #wor, ..."""
    padded = f"<{word}>"
    return tuple("#" + padded[i : i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1))
