"""The `train`, `evaluate` and `classify` commands, added to the meldbot typer app."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from nlu.result import UnderstandContext

EXPECTING = (
    "description",
    "when",
    "location",
    "injury",
    "witnesses",
    "feeling",
    "wants",
    "yes_no",
    "choice",
    "free",
)


def register(app: typer.Typer, settings_factory: Callable[[], Any]) -> None:
    """Add the NLU commands to `app`; `settings_factory()` gives model_dir, training_dir and timezone."""

    @app.command("train")
    def train_command(
        seed: Annotated[int, typer.Option(help="Seed; dezelfde seed geeft hetzelfde model.")] = 0,
    ) -> None:
        """Train de taalmodellen op data/training en sla ze op in de modelmap."""
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

        from nlu.training import train  # noqa: PLC0415

        settings = settings_factory()
        console = Console(stderr=True)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            tasks: dict[str, Any] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(f"Trainen: {stage}", total=total)
                bar.update(tasks[stage], completed=done)

            report = train(
                Path(settings.training_dir), Path(settings.model_dir), seed=seed, progress=progress
            )
        console.print(
            f"Model getraind op {report.incidents} meldingen en {report.intent_examples} zinnen "
            f"in {report.seconds:.1f} s ({report.size_bytes / 1e6:.1f} MB): {report.model_dir}"
        )

    @app.command("evaluate")
    def evaluate_command(
        out: Annotated[Path | None, typer.Option("--out", help="Map voor evaluation.md en de PNG's.")] = None,
        folds: Annotated[int, typer.Option(help="Aantal folds voor de kruisvalidatie.")] = 5,
        seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    ) -> None:
        """Kruisvalidatie en held-out-scores, als markdown en PNG."""
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: PLC0415

        from nlu.evaluation import evaluate  # noqa: PLC0415

        settings = settings_factory()
        target = out or Path(settings.model_dir).parent / "evaluation"
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as bar:
            tasks: dict[str, Any] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(f"Evalueren: {stage}", total=total)
                bar.update(tasks[stage], completed=done)

            report = evaluate(Path(settings.training_dir), target, folds=folds, seed=seed, progress=progress)
        shown = report.heldout or report.cv
        console.print(
            f"Primaire vorm macro-F1 {shown.primary.macro_f1:.3f}, ABCD macro-F1 {shown.abcd.macro_f1:.3f}, "
            f"ernstig: recall {shown.severe.recall:.3f}, precisie {shown.severe.precision:.3f}"
        )
        for title, scores in (("Echte teksten", report.realtext), ("Contrastparen", report.contrast)):
            if scores is not None:
                console.print(
                    f"{title} (n={scores.n}): primaire vorm nauwkeurigheid {scores.primary.accuracy:.3f}, "
                    f"ABCD {scores.abcd.accuracy:.3f}, ernstig: recall {scores.severe.recall:.3f}, "
                    f"precisie {scores.severe.precision:.3f}"
                )
        console.print(f"Rapport: {report.report_path}")

    @app.command("classify")
    def classify_command(
        text: Annotated[str, typer.Argument(help="De tekst, of '-' om regels van stdin te lezen.")],
        now: Annotated[
            str | None, typer.Option("--now", help="Referentietijd (ISO 8601); standaard nu.")
        ] = None,
        expecting: Annotated[
            str | None, typer.Option("--expecting", help="Wat het gesprek verwacht: " + ", ".join(EXPECTING))
        ] = None,
    ) -> None:
        """Eén JSON-object per tekst: intentie, vormen, ABCD, tijd, plaats en meer."""
        from nlu.training import load_understander, needs_training  # noqa: PLC0415

        settings = settings_factory()
        tz = ZoneInfo(str(getattr(settings, "timezone", "Europe/Amsterdam")))
        reference = _parse_now(now, tz)
        if expecting is not None and expecting not in EXPECTING:
            raise typer.BadParameter(f"onbekende waarde {expecting!r}", param_hint="--expecting")
        model_dir, training_dir = Path(settings.model_dir), Path(settings.training_dir)
        if needs_training(model_dir, training_dir):
            typer.echo("Er is nog geen actueel model; ik train het eerst.", err=True)
        understander = load_understander(model_dir, training_dir, tz=tz.key)
        context = UnderstandContext(now=reference, expecting=expecting)
        lines = sys.stdin if text == "-" else [text]
        for line in lines:
            line = line.rstrip("\n")
            if text == "-" and not line.strip():
                continue
            result = understander.understand(line, context)
            typer.echo(json.dumps(result.to_json(), ensure_ascii=False))


def _parse_now(raw: str | None, tz: ZoneInfo) -> datetime:
    if raw is None:
        return datetime.now(tz=tz)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise typer.BadParameter(f"geen ISO 8601-tijd: {raw!r}", param_hint="--now") from exc
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed
