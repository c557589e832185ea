"""Cross-validation and held-out evaluation, written as evaluation.md plus confusion-matrix PNGs."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from nlu.combine import CombineParams, Reading, read_incident
from nlu.data import (
    CONTRAST_FILE,
    HELDOUT_FILE,
    INCIDENTS_FILE,
    INTENTS_FILE,
    REALTEXT_FILE,
    Incident,
    load_incidents,
    load_intents,
)
from nlu.features import feature_tokens
from nlu.metrics import BinaryScore, ClassScore, Scores, binary, multi_label, single_label
from nlu.model import ArchConfig, Progress, average, build_intent_nlp, predict_many, train_nlp
from nlu.result import ABCD, FINE_FORMS, INTENTS, PRIMARY_FORMS, UnderstandContext
from nlu.rules import Analysis, RuleAnalyzer
from nlu.timecorpus import CorpusScore, duckling_accuracy, render_table
from nlu.timeparse import parse_when
from nlu.training import intent_training_data, train_incident_members

logger = logging.getLogger(__name__)

TIME_PHRASES_FILE = "time_phrases.yml"


@dataclass(frozen=True, slots=True)
class IncidentScores:
    """Scores of the incident classification on one evaluation set."""

    n: int
    primary: Scores
    abcd: Scores
    forms: tuple[ClassScore, ...]
    forms_micro_f1: float
    forms_macro_f1: float
    severe: BinaryScore


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Everything `evaluate` measured, and where it wrote the report."""

    cv: IncidentScores
    heldout: IncidentScores | None
    intent_cv: Scores | None
    time_phrases: tuple[int, int] | None  # (resolved correctly, total)
    seconds: float
    report_path: Path
    images: tuple[Path, ...] = field(default_factory=tuple)
    realtext: IncidentScores | None = None  # real descriptions from public sources (realtext_dev.yml)
    contrast: IncidentScores | None = None  # constructed contrast pairs (contrast.yml)
    duckling: CorpusScore | None = None  # Duckling's Dutch time corpus, re-resolved to the past


def stratified_folds(incidents: Sequence[Incident], folds: int, seed: int) -> list[int]:
    """A fold number per incident, balanced over primary form and ABCD."""
    order = list(range(len(incidents)))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda i: (incidents[i].primary, incidents[i].abcd))
    assignment = [0] * len(incidents)
    for rank, i in enumerate(order):
        assignment[i] = rank % folds
    return assignment


def raw_scores(
    train_set: Sequence[Incident],
    train_analyses: Sequence[Analysis],
    test_analyses: Sequence[Analysis],
    arch: ArchConfig,
    seed: int,
) -> list[dict[str, float]]:
    """Train the incident ensemble on train_set and score the test texts (members averaged)."""
    nlps = train_incident_members(train_set, train_analyses, arch, seed=seed)
    per_member = [
        predict_many(nlp, [feature_tokens(a, member.features) for a in test_analyses])
        for nlp, member in zip(nlps, arch.members, strict=True)
    ]
    return [average(list(cats)) for cats in zip(*per_member, strict=True)]


def readings(
    analyses: Sequence[Analysis], cats: Sequence[dict[str, float]], params: CombineParams
) -> list[Reading]:
    """Readings from raw model scores and rule analyses."""
    out = []
    for analysis, c in zip(analyses, cats, strict=True):
        out.append(
            read_incident(
                analysis,
                {k: c.get(k, 0.0) for k in PRIMARY_FORMS},
                {k: c.get(k, 0.0) for k in ABCD},
                {k: c.get(k, 0.0) for k in FINE_FORMS},
                params,
            )
        )
    return out


def score_incidents(gold: Sequence[Incident], pred: Sequence[Reading]) -> IncidentScores:
    """All incident scores for one set."""
    forms, micro, macro = multi_label([g.forms for g in gold], [p.fine_forms for p in pred], FINE_FORMS)
    return IncidentScores(
        n=len(gold),
        primary=single_label([g.primary for g in gold], [p.primary for p in pred], PRIMARY_FORMS),
        abcd=single_label([g.abcd for g in gold], [p.abcd for p in pred], ABCD),
        forms=forms,
        forms_micro_f1=micro,
        forms_macro_f1=macro,
        severe=binary([g.severe for g in gold], [p.severe for p in pred]),
    )


def cross_validate(
    incidents: Sequence[Incident],
    analyzer: RuleAnalyzer,
    arch: ArchConfig,
    *,
    folds: int,
    seed: int,
    progress: Progress | None = None,
) -> tuple[list[Analysis], list[dict[str, float]]]:
    """Out-of-fold raw model scores for every incident."""
    analyses = [analyzer.analyze(inc.text) for inc in incidents]
    assignment = stratified_folds(incidents, folds, seed)
    cats: list[dict[str, float]] = [{} for _ in incidents]
    for fold_no in range(folds):
        train_idx = [i for i, f in enumerate(assignment) if f != fold_no]
        test_idx = [i for i, f in enumerate(assignment) if f == fold_no]
        scores = raw_scores(
            [incidents[i] for i in train_idx],
            [analyses[i] for i in train_idx],
            [analyses[i] for i in test_idx],
            arch,
            seed,
        )
        for i, s in zip(test_idx, scores, strict=True):
            cats[i] = s
        if progress is not None:
            progress("kruisvalidatie", fold_no + 1, folds)
    return analyses, cats


def intent_cross_validation(training_dir: Path, arch: ArchConfig, *, folds: int, seed: int) -> Scores | None:
    """Out-of-fold intent accuracy of rules plus model, as the understander decides it (no context)."""
    from nlu.understander import Understander  # noqa: PLC0415

    path = training_dir / INTENTS_FILE
    if not path.exists():
        return None
    examples = load_intents(path)
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    fold_of = {i: rank % folds for rank, i in enumerate(order)}
    gold: list[str] = []
    pred: list[str] = []
    now = datetime.fromisoformat("2026-01-07T12:00:00+01:00")
    analyzer = RuleAnalyzer()
    for fold_no in range(folds):
        train_ex = [ex for i, ex in enumerate(examples) if fold_of[i] != fold_no]
        nlp = build_intent_nlp(arch)
        data = intent_training_data(train_ex, [], arch.intent_member.features)
        train_nlp(
            nlp,
            data,
            epochs=arch.intent_epochs,
            seed=seed,
            dropout=arch.dropout,
            batch_size=arch.batch_size,
            learn_rate=arch.learn_rate,
            l2=arch.l2,
        )
        und = Understander([], nlp, arch=arch, params=CombineParams())
        und._analyzer = analyzer  # share the rule analyser across folds
        for i, ex in enumerate(examples):
            if fold_of[i] == fold_no:
                analysis = analyzer.analyze(ex.text)
                gold.append(ex.intent)
                pred.append(und._intent(analysis, UnderstandContext(now=now))[0])
    return single_label(gold, pred, INTENTS)


def time_phrase_accuracy(training_dir: Path) -> tuple[int, int] | None:
    """How many cases of time_phrases.yml resolve to exactly the expected interval."""
    path = training_dir / TIME_PHRASES_FILE
    if not path.exists():
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = raw.get("cases") or []
    tz = str(raw.get("timezone", "Europe/Amsterdam"))
    good = 0
    for case in cases:
        if time_case_ok(case, tz):
            good += 1
    return good, len(cases)


def time_case_ok(case: dict[str, Any], tz: str = "Europe/Amsterdam") -> bool:
    """Whether a time-phrase case resolves to the expected interval (or to nothing if none is expected)."""
    now = datetime.fromisoformat(str(case["now"]))
    span = parse_when(str(case["text"]), now, tz=tz)
    if case.get("start") is None:
        return span is None
    if span is None:
        return False
    start = datetime.fromisoformat(str(case["start"]))
    end = datetime.fromisoformat(str(case["end"]))
    return span.start == start and span.end == end


def evaluate(
    training_dir: Path,
    out_dir: Path,
    *,
    folds: int = 5,
    seed: int = 0,
    arch: ArchConfig | None = None,
    params: CombineParams | None = None,
    progress: Progress | None = None,
) -> EvalReport:
    """k-fold cross-validation on incidents.yml and a held-out score on heldout.yml; writes the report."""
    arch = arch or ArchConfig()
    params = params or CombineParams()
    started = time.perf_counter()
    analyzer = RuleAnalyzer()
    incidents = load_incidents(training_dir / INCIDENTS_FILE)
    analyses, cats = cross_validate(incidents, analyzer, arch, folds=folds, seed=seed, progress=progress)
    cv = score_incidents(incidents, readings(analyses, cats, params))
    # every set that is never trained on is scored by one model trained on all of incidents.yml
    unseen: dict[str, IncidentScores] = {}
    for name in (HELDOUT_FILE, REALTEXT_FILE, CONTRAST_FILE):
        path = training_dir / name
        if not path.exists():
            continue
        gold = load_incidents(path)
        g_analyses = [analyzer.analyze(inc.text) for inc in gold]
        g_cats = raw_scores(incidents, analyses, g_analyses, arch, seed)
        unseen[name] = score_incidents(gold, readings(g_analyses, g_cats, params))
        if progress is not None:
            progress(name, 1, 1)
    heldout_scores = unseen.get(HELDOUT_FILE)
    intent_cv = intent_cross_validation(training_dir, arch, folds=folds, seed=seed)
    times = time_phrase_accuracy(training_dir)
    duckling = duckling_accuracy(training_dir)
    seconds = time.perf_counter() - started
    out_dir.mkdir(parents=True, exist_ok=True)
    shown = heldout_scores or cv
    images = (
        plot_confusion(shown.primary, out_dir / "confusion_primary.png", "Primaire vorm"),
        plot_confusion(shown.abcd, out_dir / "confusion_abcd.png", "ABCD"),
    )
    report = out_dir / "evaluation.md"
    report.write_text(
        render_markdown(
            cv,
            heldout_scores,
            intent_cv,
            times,
            folds=folds,
            seed=seed,
            arch=arch,
            seconds=seconds,
            realtext=unseen.get(REALTEXT_FILE),
            contrast=unseen.get(CONTRAST_FILE),
            duckling=duckling,
        ),
        encoding="utf-8",
    )
    return EvalReport(
        cv,
        heldout_scores,
        intent_cv,
        times,
        seconds,
        report,
        images,
        realtext=unseen.get(REALTEXT_FILE),
        contrast=unseen.get(CONTRAST_FILE),
        duckling=duckling,
    )


# ---------------------------------------------------------------- report rendering


def _table(scores: Sequence[ClassScore]) -> list[str]:
    lines = ["| class | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    lines += [
        f"| {c.label} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} | {c.support} |" for c in scores
    ]
    return lines


def _confusion_md(scores: Scores) -> list[str]:
    lines = [
        "| gold \\ predicted | " + " | ".join(scores.labels) + " |",
        "|---|" + "---:|" * len(scores.labels),
    ]
    for label, row in zip(scores.labels, scores.confusion, strict=True):
        lines.append(f"| **{label}** | " + " | ".join(str(v) for v in row) + " |")
    return lines


def _section(title: str, s: IncidentScores) -> list[str]:
    lines = [f"## {title} (n = {s.n})", ""]
    lines += [
        f"- primary form macro-F1: **{s.primary.macro_f1:.3f}** (accuracy {s.primary.accuracy:.3f})",
        f"- ABCD macro-F1: **{s.abcd.macro_f1:.3f}** (accuracy {s.abcd.accuracy:.3f})",
        f"- fine forms micro-F1: {s.forms_micro_f1:.3f}, macro-F1: {s.forms_macro_f1:.3f}",
        f"- severe: recall **{s.severe.recall:.3f}**, precision **{s.severe.precision:.3f}**, "
        f"F1 {s.severe.f1:.3f} ({s.severe.positives} severe)",
        "",
        "### Primary form",
        "",
        *_table(s.primary.per_class),
        "",
        *_confusion_md(s.primary),
        "",
        "### ABCD",
        "",
        *_table(s.abcd.per_class),
        "",
        *_confusion_md(s.abcd),
        "",
        "### Fine forms",
        "",
        *_table(s.forms),
        "",
    ]
    return lines


def render_markdown(
    cv: IncidentScores,
    heldout: IncidentScores | None,
    intent_cv: Scores | None,
    times: tuple[int, int] | None,
    *,
    folds: int,
    seed: int,
    arch: ArchConfig,
    seconds: float,
    realtext: IncidentScores | None = None,
    contrast: IncidentScores | None = None,
    duckling: CorpusScore | None = None,
) -> str:
    """The evaluation report as Markdown."""
    lines = [
        "# NLU evaluation",
        "",
        f"Architecture: `{arch.name}`, members {[m.to_dict() for m in arch.members]}, "
        f"{arch.epochs} epochs, learn rate {arch.learn_rate}, seed {seed}. Evaluation took {seconds:.0f} s.",
        "",
    ]
    if heldout is not None:
        lines += _section("Held-out set (heldout.yml, trained on all of incidents.yml)", heldout)
    if realtext is not None:
        lines += _section(
            "Real text from public sources (realtext_dev.yml, never trained on)", realtext
        )
    if contrast is not None:
        lines += _section("Constructed contrast pairs (contrast.yml, never trained on)", contrast)
    lines += _section(f"{folds}-fold cross-validation on incidents.yml", cv)
    if intent_cv is not None:
        lines += [
            f"## Dialogue intents ({folds}-fold cross-validation on nlu.yml, rules + model)",
            "",
            f"- macro-F1 {intent_cv.macro_f1:.3f}, accuracy {intent_cv.accuracy:.3f}",
            "",
            *_table(intent_cv.per_class),
            "",
        ]
    if times is not None:
        good, total = times
        lines += [
            "## Time phrases (time_phrases.yml)",
            "",
            f"- {good}/{total} resolved ({good / max(1, total):.1%})",
            "",
        ]
    if duckling is not None:
        lines += [
            "## Duckling's Dutch time corpus, re-resolved to the most recent past (duckling_nl.yml)",
            "",
            *render_table(duckling),
            "",
        ]
    return "\n".join(lines)


def plot_confusion(scores: Scores, path: Path, title: str) -> Path:
    """A confusion matrix as a PNG."""
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    size = len(scores.labels)
    fig, ax = plt.subplots(figsize=(1.2 * size + 2, 1.2 * size + 1.5))
    matrix = [list(row) for row in scores.confusion]
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(size), labels=list(scores.labels))
    ax.set_yticks(range(size), labels=list(scores.labels))
    ax.set_xlabel("voorspeld")
    ax.set_ylabel("werkelijk")
    ax.set_title(f"{title} (macro-F1 {scores.macro_f1:.2f})")
    peak = max((v for row in matrix for v in row), default=0)
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            ax.text(
                c, r, str(value), ha="center", va="center", color="white" if value > peak / 2 else "black"
            )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
