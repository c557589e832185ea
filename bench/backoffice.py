"""Back-office at scale: 100,000 reports in 50 teams on PostgreSQL; figures page and year exports.

    python -m bench.backoffice [--reports 100000] [--teams 50] [--runs 30] [--tracemalloc]

Loads a fresh throwaway PostgreSQL database with bulk inserts (reports, clocks, check-ins), then measures
the server time (in-process HTTP) of the inbox, a report page and the figures page, for the coordinator
(all teams) and one manager (one team), as p50/p95, and the time and peak memory of the CSV and XLSX
exports of the last 12 months and of the yearly PDF. Target: each page p95 <= 200 ms.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import insert, text

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.storage.followup import CheckInRow, ClockRow
from bot.storage.orm import ReportRow
from bot.web.app import create_app
from tests.dbs import postgres_database

NOW = datetime.now(UTC).replace(microsecond=0)
FORMS = [("verbaal", 0.62), ("bedreiging", 0.28), ("fysiek", 0.10)]
LOCATIONS = ["balie", "telefoon", "telefoon", "telefoon", "veldbezoek", "online", "openbare_ruimte", "anders"]
CLOCKS = [("contact_today", 24), ("support_72h", 72), ("perpetrator_48h", 48)]
BATCH = 5000


def organisation(teams: int, rnd: random.Random) -> dict[str, Any]:
    """A generated organisation file: `teams` teams of 10 to 80 people, each with a manager, one coordinator."""
    data: dict[str, Any] = {"name": "Benchmarkorganisatie", "employer_address": "Postbus 1, 1000 AA Ergens",
                            "coordinator": "coord", "teams": [], "employees": []}
    data["employees"].append({"id": "coord", "name": "Coördinator", "roles": ["employee", "coordinator"]})
    for t in range(teams):
        team_id = f"team{t:02d}"
        data["teams"].append({"id": team_id, "name": f"Team {t:02d}", "manager": f"mgr{t:02d}"})
        data["employees"].append({"id": f"mgr{t:02d}", "name": f"Leidinggevende {t:02d}", "team": team_id,
                                  "roles": ["employee", "manager"]})
        for e in range(rnd.randint(10, 80)):
            data["employees"].append({"id": f"e{t:02d}-{e:03d}", "name": f"Medewerker {t:02d}-{e:03d}",
                                      "team": team_id})
    return data


def load(container: Container, reports: int, org: dict[str, Any], rnd: random.Random) -> None:
    """Bulk inserts (Core insert, executemany) of reports over the last 12 months, their clocks and check-ins."""
    people: dict[str, list[str]] = {}
    for e in org["employees"]:
        if e.get("team"):
            people.setdefault(e["team"], []).append(e["id"])
    teams = sorted(people)
    weights = [len(people[t]) for t in teams]
    with container.session_factory() as session:
        for start in range(0, reports, BATCH):
            rows, clocks, checkins = [], [], []
            for n in range(start, min(start + BATCH, reports)):
                team = rnd.choices(teams, weights)[0]
                created = NOW - timedelta(seconds=rnd.randint(3600, 364 * 86400))
                form = rnd.choices([f for f, _ in FORMS], [w for _, w in FORMS])[0]
                severe = form != "verbaal"
                reference = f"MLD-{created.year}-{n:06d}"
                rows.append({
                    "reference": reference, "reporter_id": rnd.choice(people[team]), "team_id": team,
                    "channel": rnd.choice(["web", "telegram", "teams"]), "created_at": created, "updated_at": created,
                    "status": rnd.choice(["ingediend", "in_behandeling", "afgerond", "afgerond"]),
                    "description": "Een burger schold en dreigde aan de telefoon. " * 4, "primary_form": form,
                    "forms": [form], "abcd": rnd.choice("ABCD") if rnd.random() < 0.95 else None, "severe": severe,
                    "severity": "middel" if severe else "laag", "explanation": "", "corrected_by_reporter": False,
                    "location_type": rnd.choice(LOCATIONS), "quotes": [], "wants": ["manager_contact"],
                    "suicide_threat": False, "doxing": False, "evidence": [],
                    "injury": "blauwe plek" if form == "fysiek" and rnd.random() < 0.5 else None,
                })
                kinds = CLOCKS + ([("aangifte_2wd", 60)] if severe else [])
                for kind, hours in kinds:
                    due = created + timedelta(hours=hours)
                    late = rnd.random()
                    ack = (created + timedelta(minutes=rnd.randint(5, hours * 60)) if late < 0.75 else
                           created + timedelta(minutes=rnd.randint(hours * 60, hours * 120)) if late < 0.9 else None)
                    clocks.append({"reference": reference, "kind": kind, "owner_id": f"mgr{team[-2:]}",
                                   "starts_at": created, "due_at": due, "acknowledged_at": ack, "alerts_sent": 0,
                                   "team_id": team, "filed_at": created})
                for seq, days in enumerate((1, 14, 42), start=1):
                    due = created + timedelta(days=days)
                    if due > NOW:
                        continue
                    answered = rnd.random() < 0.7
                    checkins.append({"reference": reference, "employee_id": "x", "seq": seq, "due_at": due,
                                     "stress": False, "status": "answered" if answered else "expired",
                                     "mood": rnd.choice(["goed", "goed", "wisselend", "niet_goed"]) if answered
                                     else None, "referral_offered": False, "team_id": team, "filed_at": created})
            session.execute(insert(ReportRow), rows)
            session.execute(insert(ClockRow), clocks)
            session.execute(insert(CheckInRow), checkins)
            session.commit()
        # What the follow-up store keeps when clocks are added one by one: each report's earliest open deadline.
        session.execute(text("UPDATE reports SET next_due_at = (SELECT min(c.due_at) FROM report_clocks c "
                             "WHERE c.reference = reports.reference AND c.acknowledged_at IS NULL)"))
        session.commit()
    with container.db.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm up: first query plans, template compilation
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def measured(call: Callable[[], Any], trace: bool) -> tuple[float, float | None, Any]:
    """Milliseconds of one call, the peak traced Python memory in MiB when `trace` (tracing slows the call
    down several times, so the time is then not representative), and the call's result."""
    gc.collect()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    result = call()
    elapsed = (time.perf_counter() - start) * 1000
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return elapsed, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure the peak Python memory of each download (slow)")
    args = parser.parse_args()
    rnd = random.Random(7)
    org = organisation(args.teams, rnd)
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as url:
        org_file = Path(tmp) / "org.yml"
        org_file.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
        settings = Settings(database_url=url, org_file=org_file, scheduler_enabled=False, understanding="rules",
                            attachments_dir=Path(tmp) / "attachments")
        container = bootstrap(settings)
        try:
            start = time.perf_counter()
            load(container, args.reports, org, rnd)
            print(f"loaded {args.reports:,} reports in {len(org['teams'])} teams "
                  f"({len(org['employees']):,} people) in {time.perf_counter() - start:.1f} s")
            with container.db.begin() as conn:
                conn.execute(text("ANALYZE"))
            run(container, settings, args.runs, args.tracemalloc)
        finally:
            container.close()


def run(container: Container, settings: Settings, runs: int, trace: bool) -> None:
    app = create_app(container=container)
    auth = app.state.auth
    with container.db.connect() as conn:
        references = list(conn.execute(text(
            "SELECT reference FROM reports WHERE team_id = 'team00' ORDER BY random() LIMIT :n"), {"n": runs}
        ).scalars())
    for who, label in (("coord", "coordinator, all teams"), ("mgr00", "manager, one team")):
        with TestClient(app, base_url=settings.base_url) as client:
            link = auth.invite(who, actor="bench")
            client.get("/login/" + link.rsplit("/login/", 1)[1], follow_redirects=False)
            cycle = iter(references * 4)
            days = iter(range(10_000))
            pages = {
                "inbox": lambda c=client: _ok(c.get("/beheer")),
                "inbox, all statuses, page 40": lambda c=client: _ok(c.get("/beheer?status=alle&pagina=40")),
                "report page": lambda c=client, it=cycle: _ok(c.get(f"/beheer/meldingen/{next(it)}")),
                # Each run another period, so every run computes the figures (the page keeps them a minute).
                "figures page, computed": lambda c=client, d=days: _ok(c.get(
                    "/beheer/overzicht?van=" + (NOW.date() - timedelta(days=365 + next(d))).isoformat())),
                "figures page, within the minute": lambda c=client: _ok(c.get("/beheer/overzicht")),
            }
            for page, call in pages.items():
                times = timed(call, runs)
                print(f"{page}, {label}: p50 {statistics.median(times):.0f} ms, "
                      f"p95 {percentile(times, 95):.0f} ms, max {max(times):.0f} ms ({runs} runs)")
            if who != "coord":
                continue
            for path in ("/beheer/export.xlsx", "/beheer/export.csv", "/beheer/jaaroverzicht.pdf"):
                rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                ms, peak, res = measured(lambda c=client, p=path: _ok(c.get(p)), trace)
                rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                traced = "" if peak is None else f", peak traced Python memory {peak:.1f} MiB"
                span = "this year" if path.endswith(".pdf") else "last 12 months"
                print(f"{path} ({span}, coordinator): {ms / 1000:.1f} s, file "
                      f"{len(res.content) / 2**10:,.0f} KiB, process max RSS {rss_before / 1024:.0f} -> "
                      f"{rss_after / 1024:.0f} MiB{traced}")


def _ok(res: Any) -> Any:
    if res.status_code != 200:
        raise RuntimeError(f"{res.request.url.path}: {res.status_code}")
    return res


if __name__ == "__main__":
    main()
