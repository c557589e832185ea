"""Dutch understanding for meldbot: intents, time, place, forms of aggression, ABCD; loads nothing on import.

Public API::

    RuleUnderstander()                           rules only, no model
    load_understander(model_dir, training_dir)   trained model (+ rules), trains when missing or stale
    train(training_dir, model_dir)               -> TrainReport
    evaluate(training_dir, out_dir)              -> EvalReport (evaluation.md + confusion PNGs)

Every understander has ``understand(text, UnderstandContext(now=..., expecting=...)) -> Understanding``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nlu.result import (
    ABCD,
    FINE_FORMS,
    INTENTS,
    LOCATION_TYPES,
    PRIMARY_FORMS,
    SEVERITIES,
    Entities,
    TimeSpan,
    UnderstandContext,
    Understanding,
)

if TYPE_CHECKING:
    from nlu.evaluation import EvalReport, evaluate
    from nlu.training import TrainReport, load_understander, train
    from nlu.understander import RuleUnderstander, Understander

_LAZY = {
    "Understander": "nlu.understander",
    "RuleUnderstander": "nlu.understander",
    "load_understander": "nlu.training",
    "train": "nlu.training",
    "TrainReport": "nlu.training",
    "evaluate": "nlu.evaluation",
    "EvalReport": "nlu.evaluation",
}

__all__ = [
    "ABCD",
    "FINE_FORMS",
    "INTENTS",
    "LOCATION_TYPES",
    "PRIMARY_FORMS",
    "SEVERITIES",
    "Entities",
    "EvalReport",
    "RuleUnderstander",
    "TimeSpan",
    "TrainReport",
    "UnderstandContext",
    "Understander",
    "Understanding",
    "evaluate",
    "load_understander",
    "train",
]


def __getattr__(name: str) -> Any:
    """Import the heavier modules only when one of their names is used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nlu' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
