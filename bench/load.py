"""Load: N reporters at once, each filing one report through the web chat of `meldbot serve --workers 4`.

    python -m bench.load [--reporters 200|1000] [--workers 4] [--think 1.0 [--think 8]] [--employees 1000]

Runs on a fresh PostgreSQL database (MELDBOT_TEST_PG_URL, see tests/dbs.py) with the rule-based
understanding and no scheduler. Each reporter signs in with a one-time link and runs a scripted
conversation (greeting, a threat or an insult, then whatever is asked) with `--think` seconds between
messages, like a person reading and typing. Prints p50/p99 latency per message, errors (non-200 answers,
each retried with the same message id), lost messages (never answered), and afterwards, from the database,
reporters whose report was filed other than exactly once. Targets at 200 reporters on 2 cores:
p99 <= 500 ms, 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy import func, select

from bench.http import Connection, cpu_seconds, family, rss_mb, wait_until_up
from bot.bootstrap import bootstrap
from bot.settings import Settings
from bot.storage.orm import ReportRow
from bot.web.auth import SESSION_COOKIE, WebAuth
from tests.dbs import postgres_database
from tests.servers import free_port

THREAT = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."
INSULT = "Vanochtend aan de telefoon schold een meneer me uit voor idioot en hing op."
FILED = "Je melding is opgeslagen onder"
ATTEMPTS = 3  # a message that got no answer is sent again with the same id (the server dedups it)


def organisation(employees: int, teams: int) -> dict[str, Any]:
    """A generated organisation: `employees` people in `teams` teams, one manager each, one coordinator."""
    team_ids = [f"team{t:02d}" for t in range(teams)]
    people: list[dict[str, Any]] = [
        {"id": f"mgr{t:02d}", "name": f"Manager {t:02d}", "team": team, "roles": ["employee", "manager"]}
        for t, team in enumerate(team_ids)]
    people.append({"id": "coord", "name": "Coördinator", "team": team_ids[0], "roles": ["employee", "coordinator"]})
    people += [{"id": f"emp{i:04d}", "name": f"Medewerker {i:04d}", "team": team_ids[i % teams]}
               for i in range(employees)]
    return {"name": "Gemeente Belasting", "employer_address": "Postbus 1, 1000 AA Belasting",
            "coordinator": "coord",
            "teams": [{"id": team, "name": f"Team {t:02d}", "manager": f"mgr{t:02d}"}
                      for t, team in enumerate(team_ids)],
            "employees": people}


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, answered messages
    errors: Counter[str] = field(default_factory=Counter)
    lost: int = 0
    unfinished: int = 0


async def say(conn: Connection, cookie: str, tally: Tally, text: str,
              in_reply_to: str | None = None) -> list[dict[str, Any]] | None:
    """One message; the replies, or None when it stayed unanswered after every attempt."""
    body: dict[str, Any] = {"text": text, "message_id": uuid.uuid4().hex}
    if in_reply_to:
        body["in_reply_to"] = in_reply_to
    for attempt in range(ATTEMPTS):
        start = time.perf_counter()
        try:
            status, data = await asyncio.wait_for(conn.post("/api/chat", body, cookie), timeout=60)
        except (OSError, ConnectionError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            tally.errors[exc.__class__.__name__] += 1
            conn.close()
            await asyncio.sleep(0.5 * (attempt + 1))
            continue
        replies: list[dict[str, Any]] = json.loads(data).get("replies") if status == 200 else None
        if replies:
            tally.latencies.append(time.perf_counter() - start)
            return replies
        tally.errors[str(status)] += 1
        await asyncio.sleep(float(conn.headers.get("retry-after", 0.5 * (attempt + 1))))
    tally.lost += 1
    return None


async def reporter(conn: Connection, cookie: str, description: str, think: float, tally: Tally) -> None:
    """The conversation of tests/e2e/test_backoffice.py Office.file: greet, describe, answer what is asked."""
    pause = random.Random(cookie)

    async def next_message(text: str, in_reply_to: str | None = None) -> list[dict[str, Any]] | None:
        if think:
            await asyncio.sleep(think * (0.5 + pause.random()))
        return await say(conn, cookie, tally, text, in_reply_to)

    await asyncio.sleep(pause.random() * max(think, 0.1))  # people do not all start in the same millisecond
    for text in ("Hallo", description, "Nee, verder"):
        replies = await next_message(text)
        if replies is None:
            tally.unfinished += 1
            return
    for _ in range(10):
        assert replies is not None
        last = replies[-1]
        choices = last.get("choices") or []
        if FILED in str(replies[0]["text"]):
            return
        if "Versturen" in choices:
            replies = await next_message("Versturen", last["prompt_id"])
        elif "Klopt" in choices:
            replies = await next_message("Klopt", last["prompt_id"])
        elif "Gaat wel" in choices:
            replies = await next_message("Gaat wel", last["prompt_id"])
        elif "Wat wil je nu?" in str(last["text"]):
            replies = await next_message("1")
        else:
            replies = await next_message("weet ik niet")
        if replies is None:
            break
    tally.unfinished += 1


async def sign_in(client: httpx.AsyncClient, link: str) -> str:
    res = await client.get(link)
    if res.status_code != 303 or SESSION_COOKIE not in res.cookies:
        raise RuntimeError(f"sign-in failed: {res.status_code}")
    return res.cookies[SESSION_COOKIE]


async def warm_up(base_url: str, cookies: list[str]) -> None:
    """Each worker loads its understanding (and date parser) on its first turns: not part of the figures."""
    conns = [connection(base_url) for _ in cookies]
    for text in ("Hallo", THREAT, "Stop"):
        await asyncio.gather(*(say(conn, cookie, Tally(), text) for conn, cookie in zip(conns, cookies, strict=True)))
    for conn in conns:
        conn.close()


def connection(base_url: str) -> Connection:
    """A keep-alive connection of one person's browser (a small asyncio HTTP client: little CPU per request,
    so the load generator does not take the CPU the servers need on this machine)."""
    host, port = base_url.removeprefix("http://").split(":")
    return Connection(host, int(port), {"Origin": base_url})


async def prepare(base_url: str, links: list[str], warm_links: list[str]) -> list[str]:
    """Sign everybody in (one-time links) and warm the workers up; the session cookies."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60, headers={"Origin": base_url}) as client:
        cookies = []
        for i in range(0, len(links), 50):
            cookies += await asyncio.gather(*(sign_in(client, link) for link in links[i:i + 50]))
        warmers = list(await asyncio.gather(*(sign_in(client, link) for link in warm_links)))
    await warm_up(base_url, warmers)
    return cookies


async def drive(base_url: str, cookies: list[str], think: float) -> tuple[Tally, float]:
    tally = Tally()
    conns = [connection(base_url) for _ in cookies]
    start = time.perf_counter()
    await asyncio.gather(*(reporter(conn, cookie, THREAT if i % 2 else INSULT, think, tally)
                           for i, (conn, cookie) in enumerate(zip(conns, cookies, strict=True))))
    elapsed = time.perf_counter() - start
    for conn in conns:
        conn.close()
    return tally, elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def run(reporters: int, workers: int, think: float, employees: int, teams: int) -> bool:
    if reporters > employees:
        raise SystemExit("--reporters must not exceed --employees")
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as db_url:
        org_file = Path(tmp) / "org.yml"
        org_file.write_text(yaml.safe_dump(organisation(employees, teams), allow_unicode=True), encoding="utf-8")
        port = free_port()
        env = {
            "MELDBOT_DATABASE_URL": db_url, "MELDBOT_UNDERSTANDING": "rules", "MELDBOT_SCHEDULER_ENABLED": "false",
            "MELDBOT_ORG_FILE": str(org_file), "MELDBOT_PORT": str(port), "MELDBOT_HOST": "127.0.0.1",
            "MELDBOT_ATTACHMENTS_DIR": str(Path(tmp) / "attachments"),
            # Every reporter comes from 127.0.0.1 here: the per-address limit would be one office's limit.
            "MELDBOT_REQUESTS_PER_ADDRESS_PER_MINUTE": "1000000", "MELDBOT_REQUESTS_PER_ADDRESS_BURST": "100000",
        }
        settings = Settings(**{k.removeprefix("MELDBOT_").lower(): v for k, v in env.items()})  # type: ignore[arg-type]
        container = bootstrap(settings)  # migrates the database and loads the organisation before the workers do
        auth = WebAuth.from_settings(settings, container.session_factory, container.org, container.clock)
        people = [f"emp{i:04d}" for i in range(reporters)]
        links = [auth.invite(person, actor="bench") for person in people]
        warm_links = [auth.invite(f"mgr{t:02d}", actor="bench") for t in range(min(teams, 4 * workers))]
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            meldbot = str(Path(sys.executable).with_name("meldbot"))
            server = subprocess.Popen(
                [meldbot, "serve", "--workers", str(workers), "--port", str(port)],
                env={**os.environ, **env, "MELDBOT_MIGRATE_ON_START": "false"}, stdout=out, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base_url, server, log)
            cookies = asyncio.run(prepare(base_url, links, warm_links))
            cpu_before = cpu_seconds(server.pid)
            tally, elapsed = asyncio.run(drive(base_url, cookies, think))
            server_cpu = cpu_seconds(server.pid) - cpu_before
            rss = {pid: rss_mb(pid) for pid in family(server.pid)[1:]}
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        with container.session_factory() as session:
            rows = session.execute(select(ReportRow.reporter_id, func.count()).group_by(ReportRow.reporter_id))
            filed: dict[str, int] = {reporter_id: count for reporter_id, count in rows}
        container.close()
    duplicated = sum(1 for person in people if filed.get(person, 0) > 1)
    missing = sum(1 for person in people if filed.get(person, 0) == 0)
    ms = [s * 1000 for s in tally.latencies]
    print(f"{reporters} reporters, {workers} workers, think {think:g} s, {len(ms)} answered messages "
          f"in {elapsed:.1f} s ({len(ms) / elapsed:.0f}/s)")
    print(f"latency ms: p50 {percentile(ms, 50):.0f}  p90 {percentile(ms, 90):.0f}  p99 {percentile(ms, 99):.0f}  "
          f"max {max(ms):.0f}  mean {statistics.fmean(ms):.0f}")
    print(f"server CPU (the {workers} workers, while the reporters ran): {server_cpu:.1f} s, "
          f"{server_cpu * 1000 / max(1, len(ms)):.1f} ms per message; worker RSS MB: "
          f"{', '.join(f'{mb:.0f}' for mb in rss.values())}")
    print(f"errors: {sum(tally.errors.values())} {dict(tally.errors)}  lost: {tally.lost}  "
          f"conversations not finished: {tally.unfinished}")
    print(f"reports filed exactly once: {reporters - duplicated - missing}/{reporters}  duplicated: {duplicated}  "
          f"not filed: {missing}")
    ok = percentile(ms, 99) <= 500 and tally.lost == 0 and duplicated == 0 and missing == 0
    print("targets (p99 <= 500 ms, 0 lost, 0 duplicated):", "met" if ok else "NOT met")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reporters", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, action="append",
                        help="seconds between a reporter's messages (0: none); repeat to run several, e.g. "
                             "--think 1 --think 8 (default 1; 8 s is closer to someone reading and typing)")
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=20)
    args = parser.parse_args()
    results = [run(args.reporters, args.workers, think, args.employees, args.teams) for think in args.think or [1.0]]
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
