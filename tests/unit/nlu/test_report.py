"""The evaluation report: scores, Markdown tables and confusion-matrix PNGs."""

from __future__ import annotations

from pathlib import Path

from nlu.combine import Reading
from nlu.data import Incident
from nlu.evaluation import plot_confusion, render_markdown, score_incidents
from nlu.metrics import binary, single_label
from nlu.model import ArchConfig


def _reading(primary: str, abcd: str, severe: bool) -> Reading:
    return Reading(primary, {}, abcd, {}, (), severe, "laag", "", 1.0)


def test_single_label_scores_give_per_class_f1_macro_f1_and_the_confusion_matrix() -> None:
    scores = single_label(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"])
    assert scores.confusion == ((1, 1), (0, 2))
    assert [round(c.f1, 3) for c in scores.per_class] == [0.667, 0.8]
    assert round(scores.macro_f1, 3) == 0.733


def test_severe_scores_count_recall_over_the_severe_incidents() -> None:
    score = binary([True, True, False], [True, False, True])
    assert (score.precision, score.recall, score.positives) == (0.5, 0.5, 2)


def test_the_report_is_markdown_with_tables_and_the_confusion_pngs_are_written(tmp_path: Path) -> None:
    gold = [
        Incident("a", "verbaal", "B", ("schelden_beledigen",), False),
        Incident("b", "fysiek", "D", ("lichamelijk_geweld",), True),
    ]
    scores = score_incidents(gold, [_reading("verbaal", "B", False), _reading("fysiek", "D", True)])
    text = render_markdown(scores, scores, None, (9, 10), folds=5, seed=0, arch=ArchConfig(), seconds=1.0)
    assert "| verbaal | 1.000 | 1.000 | 1.000 | 1 |" in text
    assert "9/10 resolved" in text
    png = plot_confusion(scores.primary, tmp_path / "confusion_primary.png", "Primaire vorm")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
