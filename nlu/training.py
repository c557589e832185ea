"""Training the classifiers, storing them with the training-data hash, and loading them back."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from nlu.combine import CombineParams
from nlu.data import INCIDENTS_FILE, INTENTS_FILE, Incident, IntentExample, load_incidents, load_intents
from nlu.data import training_hash as data_hash
from nlu.features import FeatureConfig, feature_tokens, intent_tokens
from nlu.intents import words_of
from nlu.model import ArchConfig, Progress, build_incident_nlp, build_intent_nlp, incident_cats, train_nlp
from nlu.result import INTENTS
from nlu.rules import Analysis, RuleAnalyzer
from nlu.textnorm import fold
from nlu.understander import Understander

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

MODEL_VERSION = "meldbot-nlu-2"  # bump when features or the model layout change: stored models retrain
META_FILE = "meta.json"
DESCRIBE_FROM_INCIDENTS = 120  # incident texts added as "describe" examples for the intent model


@dataclass(frozen=True, slots=True)
class TrainReport:
    """What a training run produced."""

    model_dir: Path
    incidents: int
    intent_examples: int
    seconds: float
    size_bytes: int
    data_hash: str
    arch: dict[str, Any] = field(default_factory=dict)


def model_hash(training_dir: Path) -> str:
    """The training-data hash combined with the model version; a change means the model must be retrained."""
    return f"{MODEL_VERSION}:{data_hash(training_dir)}"


def incident_training_data(
    incidents: Sequence[Incident], analyses: Sequence[Analysis], features: FeatureConfig
) -> list[tuple[list[str], dict[str, float]]]:
    """(feature tokens, gold categories) pairs for the incident pipeline."""
    return [
        (feature_tokens(analysis, features), incident_cats(inc.primary, inc.abcd, inc.forms))
        for inc, analysis in zip(incidents, analyses, strict=True)
    ]


def train_incident_members(
    incidents: Sequence[Incident],
    analyses: Sequence[Analysis],
    arch: ArchConfig,
    *,
    seed: int,
    progress: Progress | None = None,
) -> list[Language]:
    """One trained incident pipeline per ensemble member."""
    nlps = []
    for k, member in enumerate(arch.members):
        nlp = build_incident_nlp(arch, member)
        data = incident_training_data(incidents, analyses, member.features)
        train_nlp(
            nlp, data, epochs=arch.epochs, seed=seed, dropout=arch.dropout, batch_size=arch.batch_size,
            learn_rate=arch.learn_rate, l2=arch.l2, progress=progress, stage=f"incidenten {k + 1}",
        )  # fmt: skip
        nlps.append(nlp)
    return nlps


def intent_training_data(
    examples: list[IntentExample], incidents: list[Incident], features: FeatureConfig
) -> list[tuple[list[str], dict[str, float]]]:
    """(tokens, gold categories) pairs for the intent pipeline, with some incident texts as "describe"."""
    pairs = [(ex.text, ex.intent) for ex in examples]
    step = max(1, len(incidents) // DESCRIBE_FROM_INCIDENTS) if incidents else 1
    pairs += [(inc.text, "describe") for inc in incidents[::step][:DESCRIBE_FROM_INCIDENTS]]
    return [
        (intent_tokens(words_of(fold(text)), features), {label: float(label == intent) for label in INTENTS})
        for text, intent in pairs
    ]


def train(
    training_dir: Path,
    model_dir: Path,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    arch: ArchConfig | None = None,
    params: CombineParams | None = None,
) -> TrainReport:
    """Train the incident and intent classifiers on training_dir; store them in model_dir (replacing it)."""
    arch = arch or ArchConfig()
    params = params or CombineParams()
    started = time.perf_counter()
    incidents = load_incidents(training_dir / INCIDENTS_FILE)
    intent_path = training_dir / INTENTS_FILE
    intents = load_intents(intent_path) if intent_path.exists() else []
    analyzer = RuleAnalyzer()
    analyses = [analyzer.analyze(inc.text) for inc in incidents]
    int_data = intent_training_data(intents, incidents, arch.intent_member.features)
    logger.info("training on %s incidents and %s intent examples", len(incidents), len(int_data))

    incident_nlps = train_incident_members(incidents, analyses, arch, seed=seed, progress=progress)
    intent_nlp = build_intent_nlp(arch)
    train_nlp(intent_nlp, int_data, epochs=arch.intent_epochs, seed=seed, dropout=arch.dropout,
              batch_size=arch.batch_size, learn_rate=arch.learn_rate, l2=arch.l2, progress=progress,
              stage="intenties")  # fmt: skip

    model_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".nlu-", dir=model_dir.parent))
    try:
        for k, nlp in enumerate(incident_nlps):
            nlp.to_disk(staging / f"incident_{k}")
        intent_nlp.to_disk(staging / "intent")
        digest = model_hash(training_dir)
        meta = {
            "model_version": MODEL_VERSION,
            "data_hash": digest,
            "seed": seed,
            "arch": arch.to_dict(),
            "params": params.to_dict(),
            "incidents": len(incidents),
            "intent_examples": len(int_data),
            "trained_at": datetime.now(tz=ZoneInfo("UTC")).isoformat(timespec="seconds"),
        }
        (staging / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if model_dir.exists():
            shutil.rmtree(model_dir)
        staging.rename(model_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file())
    logger.info("model trained in %.1f s, %s bytes", seconds, size)
    return TrainReport(model_dir, len(incidents), len(int_data), seconds, size, digest, arch.to_dict())


def read_meta(model_dir: Path) -> dict[str, Any] | None:
    """The stored model's metadata, or None when there is no (complete) model."""
    path = model_dir / META_FILE
    if not path.exists() or not (model_dir / "incident_0").exists() or not (model_dir / "intent").exists():
        return None
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return meta


def needs_training(model_dir: Path, training_dir: Path) -> bool:
    """Whether load_understander would train: no complete model, or the training data changed since."""
    meta = read_meta(model_dir)
    has_data = (training_dir / INCIDENTS_FILE).exists()
    return meta is None or (has_data and meta.get("data_hash") != model_hash(training_dir))


def load_understander(
    model_dir: Path,
    training_dir: Path,
    *,
    train_if_missing: bool = True,
    tz: str = "Europe/Amsterdam",
) -> Understander:
    """The trained understander; trains first when the model is missing or its training data changed."""
    meta = read_meta(model_dir)
    has_data = (training_dir / INCIDENTS_FILE).exists()
    stale = meta is None or (has_data and meta.get("data_hash") != model_hash(training_dir))
    if stale:
        if train_if_missing and has_data:
            logger.info("model missing or out of date; training")
            train(training_dir, model_dir)
            meta = read_meta(model_dir)
        elif meta is None:
            raise FileNotFoundError(f"no trained model in {model_dir}")
        else:
            logger.warning("model is older than the training data; using it anyway")
    assert meta is not None
    return _load(model_dir, meta, tz)


def _load(model_dir: Path, meta: dict[str, Any], tz: str) -> Understander:
    import spacy  # noqa: PLC0415

    arch = ArchConfig.from_dict(meta.get("arch") or {})
    first = spacy.load(model_dir / "incident_0")

    def load_sharing(path: Path) -> Language:
        # The classifiers only read hashed features of Docs built from words (predict_cats): the other
        # pipelines use the first one's vocabulary and tokenizer instead of ~15 MB of their own each (and a
        # vocabulary that grows with every new word once, not three times). Same scores.
        nlp = spacy.load(path, vocab=first.vocab, exclude=["vocab", "tokenizer"])
        nlp.tokenizer = first.tokenizer
        return nlp

    incident_nlps = [first, *(load_sharing(model_dir / f"incident_{k}") for k in range(1, len(arch.members)))]
    intent_nlp = load_sharing(model_dir / "intent")
    understander = Understander(
        incident_nlps,
        intent_nlp,
        arch=arch,
        params=CombineParams.from_dict(meta.get("params") or {}),
        tz=tz,
    )
    warm_up(understander, tz)
    return understander


def warm_up(understander: Understander, tz: str) -> None:
    """One call through every path so the first real message is as fast as the rest."""
    from nlu.result import UnderstandContext  # noqa: PLC0415

    now = datetime.now(tz=ZoneInfo(tz))
    understander.understand("Op 3 maart om 14:00 sloeg een man me aan de balie.", UnderstandContext(now=now))
    understander.understand("ja", UnderstandContext(now=now, expecting="yes_no"))
