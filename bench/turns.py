"""Turn latency: message in -> replies out, committed; scripted conversations on SQLite and PostgreSQL.

    python -m bench.turns [--conversations 1000] [--understanding trained|rules|keywords] [--db sqlite|postgres|both]

Prints p50/p90/p99/max per database. Targets: p50 <= 5 ms, p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bot.bootstrap import bootstrap, build_understander
from bot.conversation.messages import IncomingMessage
from bot.settings import Settings
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
        "nee", "vanochtend rond 10 uur", "weet ik niet", "Nee", "Goed", "niets", "Klopt", "Versturen",
    ],
    [
        "Tijdens huisbezoek duwde de bewoner me tegen de deur en riep ik maak je af",
        "hij had ook een schaar in zijn hand", "Nee, verder", "gisteren om half vier", "ja, blauwe plek",
        "mijn collega Sanne", "niet goed", "1 2 3", "Klopt", "Versturen",
    ],
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def run(kind: str, conversations: int, understanding: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, database_url(kind, Path(tmp)) as url:
        settings = Settings(database_url=url, scheduler_enabled=False, understanding=understanding)
        if understanding == "keywords":
            from tests.fakes import FakeUnderstander

            container = bootstrap(settings, understander=FakeUnderstander())
        else:
            container = bootstrap(settings, understander=build_understander(settings))
        users = [e.id for e in container.org.employees]
        latencies: list[float] = []
        filed = 0
        started = time.perf_counter()
        for n in range(conversations):
            user = users[n % len(users)]
            for text in SCRIPTS[n % len(SCRIPTS)]:
                msg = IncomingMessage("web", user, text, delivery_id=uuid.uuid4().hex)
                t0 = time.perf_counter()
                outcome = container.chat.handle(msg)
                latencies.append((time.perf_counter() - t0) * 1000)
            filed += "MLD-" in outcome.replies[0].text
        total = time.perf_counter() - started
        container.close()
    print(
        f"{kind:9s} understanding={understanding:8s} conversations={conversations} turns={len(latencies)} "
        f"filed={filed} p50={statistics.median(latencies):.2f}ms p90={percentile(latencies, 90):.2f}ms "
        f"p99={percentile(latencies, 99):.2f}ms max={max(latencies):.2f}ms total={total:.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--understanding", default="trained", choices=["trained", "rules", "keywords"])
    parser.add_argument("--db", default="both", choices=["sqlite", "postgres", "both"])
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for kind in kinds:
        run(kind, args.conversations, args.understanding)


if __name__ == "__main__":
    main()
