"""Classification scores: per-class precision, recall and F1, macro-F1 and confusion matrices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall and F1 of one class."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Scores:
    """Scores of one single-label classification task."""

    labels: tuple[str, ...]
    per_class: tuple[ClassScore, ...]
    macro_f1: float
    accuracy: float
    confusion: tuple[tuple[int, ...], ...]  # rows gold, columns predicted, in `labels` order


@dataclass(frozen=True, slots=True)
class BinaryScore:
    """Precision and recall of one yes/no decision."""

    precision: float
    recall: float
    f1: float
    positives: int


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def single_label(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> Scores:
    """Scores for a single-label task."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g]][index[p]] += 1
    per_class = []
    for i, label in enumerate(labels):
        tp = matrix[i][i]
        fp = sum(matrix[r][i] for r in range(len(labels))) - tp
        fn = sum(matrix[i]) - tp
        precision, recall, f1 = _prf(tp, fp, fn)
        per_class.append(ClassScore(label, precision, recall, f1, sum(matrix[i])))
    present = [c for c in per_class if c.support > 0]
    macro = sum(c.f1 for c in present) / len(present) if present else 0.0
    accuracy = sum(matrix[i][i] for i in range(len(labels))) / max(1, len(gold))
    return Scores(tuple(labels), tuple(per_class), macro, accuracy, tuple(tuple(r) for r in matrix))


def binary(gold: Sequence[bool], pred: Sequence[bool]) -> BinaryScore:
    """Precision and recall of the positive class."""
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    precision, recall, f1 = _prf(tp, fp, fn)
    return BinaryScore(precision, recall, f1, tp + fn)


def multi_label(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], labels: Sequence[str]
) -> tuple[tuple[ClassScore, ...], float, float]:
    """Per-label scores, micro-F1 and macro-F1 (over labels with support) of a multi-label task."""
    per_class = []
    tp_all = fp_all = fn_all = 0
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if label in g and label not in p)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        precision, recall, f1 = _prf(tp, fp, fn)
        per_class.append(ClassScore(label, precision, recall, f1, tp + fn))
    micro = _prf(tp_all, fp_all, fn_all)[2]
    present = [c for c in per_class if c.support > 0]
    macro = sum(c.f1 for c in present) / len(present) if present else 0.0
    return tuple(per_class), micro, macro
