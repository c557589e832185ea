"""The train/evaluate/classify commands through a tiny typer app, as `meldbot` registers them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nlu.commands import register
from nlu.training import TrainReport

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class _Settings:
    model_dir: Path
    training_dir: Path
    timezone: str = "Europe/Amsterdam"


@pytest.fixture(scope="module")
def app(trained: tuple[Path, TrainReport], training_dir: Path) -> typer.Typer:
    model_dir, _ = trained
    application = typer.Typer()
    register(application, lambda: _Settings(model_dir, training_dir))
    return application


def test_classify_prints_one_json_object_with_time_place_and_form(app: typer.Typer) -> None:
    text = "Vanochtend om half tien schold een man me uit aan de telefoon voor klootzak"
    result = CliRunner().invoke(app, ["classify", "--now", "2026-11-18T10:00:00+01:00", text])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["intent"] == "describe"
    assert out["primary_form"] == "verbaal"
    assert out["entities"]["location_type"] == "telefoon"
    assert out["entities"]["when"]["start"] == "2026-11-18T09:15:00+01:00"


def test_classify_dash_reads_stdin_and_prints_one_object_per_line(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["classify", "--now", "2026-11-18T10:00:00", "-"], input="ja\n\nweet ik niet\n"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["intent"] for line in lines] == ["yes", "dont_know"]


def test_classify_rejects_a_reference_time_that_is_not_iso_8601(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["classify", "--now", "gisteren", "hallo"])
    assert result.exit_code != 0
