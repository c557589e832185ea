"""spaCy text classifiers: pipelines for incidents (primary, ABCD, fine forms) and dialogue intents."""

from __future__ import annotations

import logging
import random
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from nlu.features import FeatureConfig
from nlu.result import ABCD, FINE_FORMS, INTENTS, PRIMARY_FORMS

if TYPE_CHECKING:
    from spacy.language import Language
    from thinc.api import Model

logger = logging.getLogger(__name__)

INCIDENT_PIPES = ("primary", "abcd", "forms")
Progress = Callable[[str, int, int], None]  # (stage, done, total)


# Architecture choice (5-fold CV on incidents.yml, macro-F1 primary / ABCD after the rule combination):
#   spaCy TextCatEnsemble (tok2vec CNN + BOW), words          0.81 / 0.81
#   BOW words + char 3-5-grams, bigrams                        0.83 / 0.82  (0.78 / 0.78 at learn rate 0.005)
#   BOW words, unigrams / bigrams / trigrams (learn rate 0.001) 0.85 / 0.85, 0.85 / 0.83, 0.84 / 0.83
#   BOW words, bigrams, learn rate 0.005, L2 1e-4              0.87 / 0.87
#   average of BOW bigrams + unigrams (kept)                   0.87 / 0.89
#   + a trigram member                                         0.88 / 0.88  (+0.007 in sum: noise, not kept)
# Character n-grams did not help with typos enough to pay for the noise they add on this data.
WORDS = FeatureConfig(char_ngrams=None)
INTENT_FEATURES = FeatureConfig(char_ngrams=(3, 5), mark_negation=False, cue_tokens=False)


@dataclass(frozen=True, slots=True)
class Member:
    """One bag-of-words model of the incident ensemble."""

    ngram_size: int = 2
    features: FeatureConfig = WORDS

    def to_dict(self) -> dict[str, Any]:
        return {"ngram_size": self.ngram_size, "features": self.features.to_dict()}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Member:
        return cls(int(raw.get("ngram_size", 2)), FeatureConfig.from_dict(raw.get("features") or {}))


@dataclass(frozen=True, slots=True)
class ArchConfig:
    """Architecture and training settings; the defaults won the cross-validation noted above."""

    name: str = "bow"  # "bow" | "ensemble" (spaCy TextCatEnsemble: tok2vec CNN + bag of words)
    members: tuple[Member, ...] = (Member(2, WORDS), Member(1, WORDS))
    intent_member: Member = Member(2, INTENT_FEATURES)
    length: int = 2**16
    forms_length: int = 2**16
    epochs: int = 14
    intent_epochs: int = 20
    dropout: float = 0.2
    batch_size: int = 16
    learn_rate: float = 0.005
    l2: float = 0.0001

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "members": [m.to_dict() for m in self.members],
            "intent_member": self.intent_member.to_dict(),
            "length": self.length,
            "forms_length": self.forms_length,
            "epochs": self.epochs,
            "intent_epochs": self.intent_epochs,
            "dropout": self.dropout,
            "batch_size": self.batch_size,
            "learn_rate": self.learn_rate,
            "l2": self.l2,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ArchConfig:
        base = cls()
        keys = (
            "name",
            "length",
            "forms_length",
            "epochs",
            "intent_epochs",
            "dropout",
            "batch_size",
            "learn_rate",
            "l2",
        )
        values: dict[str, Any] = {k: raw[k] for k in keys if k in raw}
        if "members" in raw:
            values["members"] = tuple(Member.from_dict(m) for m in raw["members"])
        if "intent_member" in raw:
            values["intent_member"] = Member.from_dict(raw["intent_member"])
        return replace(base, **values)


def _bow(exclusive: bool, ngram_size: int, length: int) -> dict[str, Any]:
    return {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": exclusive,
        "ngram_size": ngram_size,
        "no_output_layer": False,
        "length": length,
    }


def _model_config(arch: ArchConfig, member: Member, exclusive: bool, length: int) -> dict[str, Any]:
    bow = _bow(exclusive, member.ngram_size, length)
    if arch.name == "bow":
        return bow
    return {
        "@architectures": "spacy.TextCatEnsemble.v2",
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {
                "@architectures": "spacy.MultiHashEmbed.v2",
                "width": 64,
                "rows": [4000, 1000, 1000, 500],
                "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                "include_static_vectors": False,
            },
            "encode": {
                "@architectures": "spacy.MaxoutWindowEncoder.v2",
                "width": 64,
                "window_size": 1,
                "maxout_pieces": 3,
                "depth": 2,
            },
        },
        "linear_model": bow,
    }


def build_incident_nlp(arch: ArchConfig, member: Member) -> Language:
    """A blank Dutch pipeline with the three incident classifiers for one ensemble member."""
    import spacy  # noqa: PLC0415

    nlp = spacy.blank("nl")
    primary = nlp.add_pipe(
        "textcat", name="primary", config={"model": _model_config(arch, member, True, arch.length)}
    )
    abcd = nlp.add_pipe(
        "textcat", name="abcd", config={"model": _model_config(arch, member, True, arch.length)}
    )
    forms = nlp.add_pipe(
        "textcat_multilabel",
        name="forms",
        config={"model": _model_config(arch, member, False, arch.forms_length)},
    )
    for label in PRIMARY_FORMS:
        primary.add_label(label)  # type: ignore[attr-defined]
    for label in ABCD:
        abcd.add_label(label)  # type: ignore[attr-defined]
    for label in FINE_FORMS:
        forms.add_label(label)  # type: ignore[attr-defined]
    return nlp


def build_intent_nlp(arch: ArchConfig) -> Language:
    """A blank Dutch pipeline with the dialogue-intent classifier."""
    import spacy  # noqa: PLC0415

    nlp = spacy.blank("nl")
    model = _model_config(arch, arch.intent_member, True, arch.forms_length)
    intent = nlp.add_pipe("textcat", name="intent", config={"model": model})
    for label in INTENTS:
        intent.add_label(label)  # type: ignore[attr-defined]
    return nlp


def incident_cats(primary: str, abcd: str, forms: Sequence[str]) -> dict[str, float]:
    """Gold categories for one incident across the three incident classifiers."""
    cats = {label: float(label == primary) for label in PRIMARY_FORMS}
    cats.update({label: float(label == abcd) for label in ABCD})
    cats.update({label: float(label in forms) for label in FINE_FORMS})
    return cats


def train_nlp(
    nlp: Language,
    data: Sequence[tuple[list[str], dict[str, float]]],
    *,
    epochs: int,
    seed: int,
    dropout: float,
    batch_size: int,
    learn_rate: float = 0.001,
    l2: float = 0.01,
    progress: Progress | None = None,
    stage: str = "train",
) -> dict[str, float]:
    """Train all pipes of `nlp` on (tokens, cats) pairs; deterministic for a given seed. Returns last losses.

    Each pipe gets examples holding only its own labels (an exclusive textcat rejects other labels).
    """
    from spacy.tokens import Doc  # noqa: PLC0415
    from spacy.training import Example  # noqa: PLC0415
    from spacy.util import fix_random_seed  # type: ignore[attr-defined]  # noqa: PLC0415
    from thinc.api import Adam  # noqa: PLC0415

    fix_random_seed(seed)
    per_pipe: dict[str, list[Example]] = {}
    for name, proc in nlp.pipeline:
        labels = set(proc.labels)  # type: ignore[attr-defined]
        per_pipe[name] = [
            Example.from_dict(
                Doc(nlp.vocab, words=toks), {"cats": {k: v for k, v in cats.items() if k in labels}}
            )
            for toks, cats in data
        ]
        proc.initialize(lambda exs=per_pipe[name]: exs, nlp=nlp)  # type: ignore[attr-defined]
    optimizer = Adam(learn_rate=learn_rate, L2=l2, grad_clip=1.0, use_averages=True, L2_is_weight_decay=True)
    order = list(range(len(data)))
    rng = random.Random(seed)
    losses: dict[str, float] = {}
    for epoch in range(epochs):
        rng.shuffle(order)
        losses = {}
        for lo in range(0, len(order), batch_size):
            batch = order[lo : lo + batch_size]
            for name, proc in nlp.pipeline:
                examples = [per_pipe[name][i] for i in batch]
                proc.update(examples, sgd=optimizer, drop=dropout, losses=losses)  # type: ignore[attr-defined]
        if progress is not None:
            progress(stage, epoch + 1, epochs)
        logger.debug("epoch %s losses %s", epoch, losses)
    return losses


def predict_cats(nlp: Language, tokens: list[str]) -> dict[str, float]:
    """Category scores for one token sequence (the same scores as running the pipeline on it)."""
    from spacy.tokens import Doc  # noqa: PLC0415

    plan = _PLANS.get(nlp)
    if plan is None:
        plan = _PLANS[nlp] = _plan(nlp)
    docs = [Doc(nlp.vocab, words=tokens)]
    cats: dict[str, float] = {}
    for extract, heads in plan:
        features = extract.predict(docs)
        for labels, weights, activation in heads:
            scores = activation.predict(weights.predict(features))
            cats.update(zip(labels, scores[0].tolist(), strict=True))
    return cats


# A plan per pipeline: (n-gram extractor, [(labels, weights, activation), ...]) for each kind of extractor.
_Head = tuple[tuple[str, ...], "Model[Any, Any]", "Model[Any, Any]"]
_PLANS: weakref.WeakKeyDictionary[Language, list[tuple[Model[Any, Any], list[_Head]]]] = weakref.WeakKeyDictionary()


def _plan(nlp: Language) -> list[tuple[Model[Any, Any], list[_Head]]]:
    """The pipeline's bag-of-words classifiers grouped by the n-grams they read.

    spaCy builds each as `with_cpu(extract_ngrams >> sparse linear) >> with_cpu(activation)`. The pipes of one
    pipeline (primary, abcd, forms) read the same n-grams of the same words, so the n-grams are counted once per
    text and each pipe applies only its own weights and activation: a third of the time per text.
    """
    groups: dict[tuple[Any, ...], tuple[Model[Any, Any], list[_Head]]] = {}
    for name, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        try:
            features_then_weights, activation = (layer.layers[0] for layer in model.layers)  # type: ignore[union-attr]
            extract, weights = features_then_weights.layers
        except (AttributeError, ValueError) as exc:
            raise ValueError(f"pipe {name!r} is not a bag-of-words text classifier") from exc
        if extract.name != "extract_ngrams":
            raise ValueError(f"pipe {name!r} is not a bag-of-words text classifier")
        key = (extract.attrs["ngram_size"], extract.attrs["attr"])
        labels = tuple(proc.labels)  # type: ignore[attr-defined]  # a text classifier has them
        groups.setdefault(key, (extract, []))[1].append((labels, weights, activation))
    return list(groups.values())


def average(cats: Sequence[dict[str, float]]) -> dict[str, float]:
    """The mean of several models' category scores."""
    if len(cats) == 1:
        return cats[0]
    return {k: sum(c.get(k, 0.0) for c in cats) / len(cats) for k in cats[0]}


def predict_many(nlp: Language, token_lists: Sequence[list[str]]) -> list[dict[str, float]]:
    """Category scores for many token sequences, batched."""
    from spacy.tokens import Doc  # noqa: PLC0415

    docs = [Doc(nlp.vocab, words=toks) for toks in token_lists]
    return [dict(doc.cats) for doc in nlp.pipe(docs, batch_size=256)]
