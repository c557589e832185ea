"""One trained model per test session, shared by the integration tests of the NLU."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.training import TrainReport, load_understander, train
from nlu.understander import Understander

TRAINING_DIR = Path(__file__).resolve().parents[3] / "data" / "training"


@pytest.fixture(scope="session")
def training_dir() -> Path:
    if not (TRAINING_DIR / "incidents.yml").exists():
        pytest.skip("data/training/incidents.yml not present")
    return TRAINING_DIR


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, training_dir: Path) -> tuple[Path, TrainReport]:
    model_dir = tmp_path_factory.mktemp("nlu") / "model"
    return model_dir, train(training_dir, model_dir, seed=0)


@pytest.fixture(scope="session")
def understander(trained: tuple[Path, TrainReport], training_dir: Path) -> Understander:
    model_dir, _ = trained
    return load_understander(model_dir, training_dir, train_if_missing=False)
