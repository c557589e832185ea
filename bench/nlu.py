"""NLU benchmark: training time, model size, latency, held-out and real-text scores, time phrases vs targets.

Run: .venv/bin/python -m bench.nlu [--training-dir data/training] [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nlu.data import (  # noqa: E402
    CONTRAST_FILE,
    HELDOUT_FILE,
    INTENTS_FILE,
    REALTEXT_FILE,
    Incident,
    load_incidents,
    load_intents,
)
from nlu.evaluation import time_phrase_accuracy  # noqa: E402
from nlu.metrics import BinaryScore, Scores, binary, single_label  # noqa: E402
from nlu.result import ABCD, PRIMARY_FORMS, UnderstandContext  # noqa: E402
from nlu.timecorpus import duckling_accuracy, render_table  # noqa: E402
from nlu.training import load_understander, train  # noqa: E402
from nlu.understander import Understander  # noqa: E402

TZ = ZoneInfo("Europe/Amsterdam")
TARGETS = {
    "classify p99 (ms)": ("<=", 5.0),
    "training (s)": ("<=", 60.0),
    "model on disk (MB)": ("<=", 30.0),
    "held-out primary macro-F1": (">=", 0.90),
    "held-out ABCD macro-F1": (">=", 0.85),
    "held-out severe recall": (">=", 1.0),
    "held-out severe precision": (">=", 0.80),
    "time phrases resolved": (">=", 0.95),
    "Duckling NL, past meaning": (">=", 0.90),
    "Duckling NL, future flagged": (">=", 0.90),
    "real-text primary accuracy": (">=", 0.90),
    "real-text ABCD accuracy": (">=", 0.80),
    "real-text severe recall": (">=", 0.97),
    "real-text severe precision": (">=", 0.90),
}


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _score(
    understander: Understander, items: list[Incident], ctx: UnderstandContext
) -> tuple[Scores, Scores, BinaryScore]:
    results = [understander.understand(inc.text, ctx) for inc in items]
    primary = single_label(
        [i.primary for i in items], [r.primary_form or "verbaal" for r in results], PRIMARY_FORMS
    )
    abcd = single_label([i.abcd for i in items], [r.abcd or "B" for r in results], ABCD)
    return primary, abcd, binary([i.severe for i in items], [r.severe for r in results])


def _per_class(title: str, scored: tuple[Scores, Scores, BinaryScore], n: int) -> None:
    primary, abcd, severe = scored
    _out(f"{title} (n = {n}) per class (precision / recall / F1 / support):")
    for scores, name in ((primary, "primary"), (abcd, "ABCD")):
        _out(f"  {name:8} accuracy {scores.accuracy:.3f}, macro-F1 {scores.macro_f1:.3f}")
        for c in scores.per_class:
            _out(f"  {name:8} {c.label:11} {c.precision:.3f} / {c.recall:.3f} / {c.f1:.3f} / {c.support}")
    _out(f"  severe   {'yes':11} {severe.precision:.3f} / {severe.recall:.3f} / {severe.f1:.3f} / "
         f"{severe.positives}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--training-dir", type=Path, default=ROOT / "data" / "training")
    parser.add_argument("--model-dir", type=Path, default=None, help="default: a fresh temporary directory")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the latency message set")
    args = parser.parse_args()
    training_dir: Path = args.training_dir

    with tempfile.TemporaryDirectory(prefix="meldbot-nlu-bench-") as tmp:
        model_dir: Path = args.model_dir or Path(tmp) / "model"
        report = train(training_dir, model_dir, seed=0)
        size_mb = report.size_bytes / 1e6
        started = time.perf_counter()
        understander = load_understander(model_dir, training_dir, train_if_missing=False)
        load_s = time.perf_counter() - started

        heldout = load_incidents(training_dir / HELDOUT_FILE)
        intents = load_intents(training_dir / INTENTS_FILE) if (training_dir / INTENTS_FILE).exists() else []
        now = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
        describe = UnderstandContext(now=now, expecting="description")

        # latency: held-out incident descriptions plus dialogue answers, as the engine sends them
        messages = [(inc.text, describe) for inc in heldout]
        messages += [(ex.text, UnderstandContext(now=now, expecting="yes_no")) for ex in intents]
        messages += [(ex.text, UnderstandContext(now=now)) for ex in intents]
        latencies: list[float] = []
        first_pass: list[float] = []
        for round_no in range(args.rounds):
            if round_no == 1:
                first_pass = list(latencies)  # every text seen for the first time
            for text, ctx in messages:
                t0 = time.perf_counter()
                understander.understand(text, ctx)
                latencies.append((time.perf_counter() - t0) * 1000)

        held = _score(understander, heldout, describe)
        primary, abcd, severe = held
        unseen: dict[str, tuple[list[Incident], tuple[Scores, Scores, BinaryScore]]] = {}
        for name in (REALTEXT_FILE, CONTRAST_FILE):
            if (training_dir / name).exists():
                items = load_incidents(training_dir / name)
                unseen[name] = (items, _score(understander, items, describe))
        good, total = time_phrase_accuracy(training_dir) or (0, 0)
        duckling = duckling_accuracy(training_dir)

    measured = {
        "classify p99 (ms)": _percentile(latencies, 99),
        "training (s)": report.seconds,
        "model on disk (MB)": size_mb,
        "held-out primary macro-F1": primary.macro_f1,
        "held-out ABCD macro-F1": abcd.macro_f1,
        "held-out severe recall": severe.recall,
        "held-out severe precision": severe.precision,
        "time phrases resolved": good / total if total else 0.0,
    }
    if duckling is not None:
        d_good, d_total = duckling.past
        measured["Duckling NL, past meaning"] = d_good / d_total if d_total else 0.0
        future = [f for f in duckling.families if f.family == "future"]
        if future:
            measured["Duckling NL, future flagged"] = future[0].share
    if REALTEXT_FILE in unseen:
        r_primary, r_abcd, r_severe = unseen[REALTEXT_FILE][1]
        measured["real-text primary accuracy"] = r_primary.accuracy
        measured["real-text ABCD accuracy"] = r_abcd.accuracy
        measured["real-text severe recall"] = r_severe.recall
        measured["real-text severe precision"] = r_severe.precision
    _out(f"meldbot NLU benchmark ({os.cpu_count()} cores, {report.incidents} training incidents, "
         f"{len(heldout)} held-out)")  # fmt: skip
    _out(f"classify latency over {len(latencies)} calls: p50 {statistics.median(latencies):.2f} ms, "
         f"p99 {_percentile(latencies, 99):.2f} ms, max {max(latencies):.2f} ms; "
         f"load {load_s:.2f} s")  # fmt: skip
    _out(f"first pass only (cold caches): p99 {_percentile(first_pass or latencies, 99):.2f} ms")
    _out(f"time phrases: {good}/{total}")
    _out()
    failures = 0
    for name, (op, target) in TARGETS.items():
        if name not in measured:
            continue
        value = measured[name]
        ok = value <= target if op == "<=" else value >= target
        failures += not ok
        _out(f"{name:28} {value:9.3f}   target {op} {target:<6}  {'ok' if ok else 'MISSED'}")
    _out()
    if duckling is not None:
        _out(f"Duckling NL corpus re-resolved to the past (duckling_nl.yml; {duckling.skipped} phrases skipped):")
        for line in render_table(duckling):
            _out("  " + line)
        for case in duckling.failures:
            _out(f"  not resolved as expected: [{case.family}] {case.phrase!r}")
        _out()
    _per_class("held-out (heldout.yml)", held, len(heldout))
    for name, (items, scored) in unseen.items():
        _out()
        _per_class(f"never trained on: {name}", scored, len(items))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
