"""Turn latency: message in -> replies out, committed; scripted conversations on SQLite and PostgreSQL.

    python -m bench.turns [--turns 10000] [--understanding trained|rules|keywords] [--db sqlite|postgres|both]

Runs whole conversations (greeting, description, questions, summary, filing) until at least `--turns`
turns are done, and prints p50/p90/p99/max separately for turns that only press a button or pick a
choice (no free text to understand), for turns with free text, and for the filing turn itself, with the
SQL statements each kind runs (median and maximum), and the process's memory (RSS) at the end.
Targets (issue 14), on SQLite: turns without free text p50 <= 1.5 ms and p99 <= 5 ms; at most 3 statements
for such a turn besides BEGIN and COMMIT; RSS <= 250 MB after 10,000 turns.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.bootstrap import bootstrap, build_understander
from bot.conversation.messages import IncomingMessage
from bot.settings import Settings
from bot.storage import prepared
from tests.dbs import database_url

SCRIPTS = [
    [
        "Hallo",
        "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel.",
        "Nee, verder", "Gaat wel", "1 en 3", "Klopt", "Versturen",
    ],
    [
        "hoi",
        "een meneer aan de telefoon schold me uit voor alles en nog wat omdat zijn uitkering stopt",
        "nee", "gisteren rond 10 uur", "weet ik niet", "Goed", "niets", "Klopt", "Versturen",
    ],
    [
        "Tijdens huisbezoek duwde de bewoner me tegen de deur en riep ik maak je af",
        "hij had ook een schaar in zijn hand", "Nee, verder", "gisteren om half vier", "ja, blauwe plek",
        "mijn collega Sanne", "niet goed", "1 2 3", "Klopt", "Versturen",
    ],
]
# Lines that are a button's label, a choice's number or a fixed answer: nothing free to understand.
CHOICES = frozenset({"Nee, verder", "Gaat wel", "1 en 3", "Klopt", "Versturen", "nee", "weet ik niet", "Nee",
                     "Goed", "niet goed", "1 2 3"})
FILED = "MLD-"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB."""
    current = 0.0
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(label: str, ms: list[float], statements: list[int]) -> str:
    if not ms:
        return f"  {label:22s} -"
    return (f"  {label:22s} n={len(ms):5d} p50={statistics.median(ms):6.2f}ms p90={percentile(ms, 90):6.2f}ms "
            f"p99={percentile(ms, 99):6.2f}ms max={max(ms):7.2f}ms  statements: median "
            f"{statistics.median(statements):.0f}, max {max(statements)}")


def run(kind: str, turns: int, understanding: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, database_url(kind, Path(tmp)) as url:
        settings = Settings(database_url=url, scheduler_enabled=False, understanding=understanding)
        if understanding == "keywords":
            from tests.fakes import FakeUnderstander

            container = bootstrap(settings, understander=FakeUnderstander())
        else:
            container = bootstrap(settings, understander=build_understander(settings))
        executed = [0]

        @event.listens_for(container.db, "before_cursor_execute")
        def count(*_args: Any) -> None:
            executed[0] += 1

        stop_counting_prepared = prepared.listen(count)  # the turn's own statements (bot/storage/prepared.py)

        users = [e.id for e in container.org.employees]
        kinds: dict[str, tuple[list[float], list[int]]] = {k: ([], []) for k in ("choice", "free", "filing")}
        done = conversations = filed = 0
        started = time.perf_counter()
        while done < turns:
            user = users[conversations % len(users)]
            for text in SCRIPTS[conversations % len(SCRIPTS)]:
                msg = IncomingMessage("web", user, text, delivery_id=uuid.uuid4().hex)
                before = executed[0]
                t0 = time.perf_counter()
                outcome = container.chat.handle(msg)
                elapsed = (time.perf_counter() - t0) * 1000
                statements = executed[0] - before  # BEGIN and COMMIT do not pass through a cursor
                is_filing = FILED in outcome.replies[0].text
                key = "filing" if is_filing else "choice" if text in CHOICES else "free"
                kinds[key][0].append(elapsed)
                kinds[key][1].append(statements)
                filed += is_filing
                done += 1
            conversations += 1
        total = time.perf_counter() - started
        stop_counting_prepared()
        container.close()
    gc.collect()
    current, peak = rss_mb()
    every = kinds["choice"][0] + kinds["filing"][0] + kinds["free"][0]
    print(f"{kind:9s} understanding={understanding} conversations={conversations} turns={done} filed={filed} "
          f"total={total:.1f}s all turns p50={statistics.median(every):.2f}ms p99={percentile(every, 99):.2f}ms")
    without = kinds["choice"][0] + kinds["filing"][0]
    print(line("without free text", without, kinds["choice"][1] + kinds["filing"][1]))
    print(line("  of which choices", *kinds["choice"]))
    print(line("  of which filing", *kinds["filing"]))
    print(line("with free text", *kinds["free"]))
    print(f"  memory: RSS {current:.0f} MB after {done} turns (peak {peak:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=10_000)
    parser.add_argument("--understanding", default="trained", choices=["trained", "rules", "keywords"])
    parser.add_argument("--db", default="both", choices=["sqlite", "postgres", "both"])
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for kind in kinds:
        run(kind, args.turns, args.understanding)


if __name__ == "__main__":
    main()
