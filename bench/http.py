"""HTTP: `meldbot serve` next to a bare FastAPI endpoint doing one durable SQLite commit per request.

    python -m bench.http [--seconds 10] [--connections 50] [--conversations 1000] [--rate 50]
                         [--understanding trained|rules] [--postgres] [--repeat 2]

In one run, on this machine: starts a bare FastAPI app (uvicorn, one process) whose endpoint inserts one row
and commits on the same SQLite settings as meldbot (WAL, synchronous=NORMAL, one writer), and
`meldbot serve` on a fresh SQLite file with `--conversations` employees signed in, each in their own
conversation (the scripted reports of bench/turns.py, again and again; each conversation is first taken, in
process, to its own point of its script, so that any window of the run holds greetings, descriptions,
answers and filings in the script's proportions). Both servers run without an access log. Then, per server:

1. throughput: `--connections` keep-alive connections send as fast as answers come (closed loop, like wrk)
   for `--seconds`; a conversation never has two messages on the way at once;
2. latency at a steady `--rate` messages/s (open loop: latency counts from the moment a message was due,
   so a stall is not hidden by sending less);

and prints messages/s, p50/p99, the ratio meldbot / bare, and the replies lost (no 200 answer, even after
retrying with the same message id) and duplicated (a message processed more than once, or answered twice),
counted by the client and checked against the database. With `--postgres`, also `meldbot serve --workers 4`
on PostgreSQL (MELDBOT_TEST_PG_URL, see tests/dbs.py). The load generator is plain asyncio (no HTTP
library), so it takes little of the CPU the servers share with it; its CPU use is printed.

Targets (issue 14): meldbot >= 0.5 x the bare endpoint with 1,000 conversations; p99 <= 100 ms at
50 messages/s; PostgreSQL with 4 workers at least as much as SQLite; 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import BaseModel
from sqlalchemy import func, select, text

from bench.turns import SCRIPTS
from bot.settings import Settings
from tests.servers import free_port

ATTEMPTS = 5
KEEP_ALIVE_SECONDS = 4.0  # reuse a connection only this long after its last answer
SESSION_COOKIE = "meldbot_session"


# -- the bare endpoint ----------------------------------------------------------------------------------------

class Message(BaseModel):
    message_id: str
    text: str


def bare_app(database_url: str) -> Any:
    """POST /commit {"message_id", "text"}: one INSERT and COMMIT, on meldbot's own SQLite engine settings."""
    from fastapi import FastAPI

    from bot.storage.db import make_engine

    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, text TEXT, at TEXT)"))
    app = FastAPI()

    @app.post("/commit")
    def commit(message: Message) -> dict[str, Any]:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO messages (id, text, at) VALUES (:id, :text, datetime('now')) "
                              "ON CONFLICT (id) DO NOTHING"), {"id": message.message_id, "text": message.text})
        return {"replies": [{"text": "ok", "choices": [], "prompt_id": None}]}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


# -- a small HTTP/1.1 client on asyncio streams ------------------------------------------------------------------

class Connection:
    """One keep-alive connection; `post` sends a JSON body and returns (status, body)."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{host}:{port}", **headers}.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.headers: dict[str, str] = {}  # of the last response
        self.used = 0.0

    async def post(self, path: str, payload: dict[str, Any], cookie: str | None) -> tuple[int, bytes]:
        if self.writer is not None and time.monotonic() - self.used > KEEP_ALIVE_SECONDS:
            self.close()  # the server has closed it by now (uvicorn keeps an idle connection 5 s), as browsers know
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.used = time.monotonic()
        assert self.reader is not None
        body = json.dumps(payload).encode()
        extra = f"Cookie: {SESSION_COOKIE}={cookie}\r\n" if cookie else ""
        self.writer.write(f"POST {path} HTTP/1.1\r\n{self.head}{extra}Content-Type: application/json\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        try:
            status_line = await self.reader.readline()
            if not status_line:
                raise ConnectionError("closed")
            status = int(status_line.split()[1])
            length, close = 0, False
            self.headers = {}
            while (line := await self.reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                self.headers[name] = value.strip()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and "close" in value.lower():
                    close = True
            data = await self.reader.readexactly(length)
        except BaseException:
            self.close()
            raise
        if close:
            self.close()
        self.used = time.monotonic()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Conversation:
    cookie: str | None
    script: int
    line: int = 0
    busy: bool = False

    def next_text(self) -> str:
        lines = SCRIPTS[self.script % len(SCRIPTS)]
        text_ = lines[self.line % len(lines)]
        self.line += 1
        return text_


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # ms
    answered: list[str] = field(default_factory=list)  # message ids with a 200 answer
    errors: Counter[str] = field(default_factory=Counter)
    lost: int = 0
    twice: int = 0  # a message id answered more than once


async def send(conn: Connection, path: str, conv: Conversation, tally: Tally, due: float) -> None:
    message_id = uuid.uuid4().hex
    payload = {"text": conv.next_text(), "message_id": message_id}
    for attempt in range(ATTEMPTS):
        try:
            status, _body = await conn.post(path, payload, conv.cookie)
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
            tally.errors[exc.__class__.__name__] += 1
            await asyncio.sleep(0.05 * (attempt + 1))
            continue
        if status == 200:
            tally.latencies.append((time.perf_counter() - due) * 1000)
            tally.answered.append(message_id)
            return
        tally.errors[str(status)] += 1
        await asyncio.sleep(0.05 * (attempt + 1))
    tally.lost += 1


async def closed_loop(host: str, port: int, path: str, convs: list[Conversation], connections: int,
                      seconds: float) -> tuple[Tally, float]:
    """`connections` senders, each sending its next message as soon as the previous one was answered."""
    tally = Tally()
    waiting: asyncio.Queue[Conversation] = asyncio.Queue()
    for conv in convs:
        waiting.put_nowait(conv)
    stop = time.perf_counter() + seconds

    async def sender() -> None:
        conn = Connection(host, port, {"Origin": f"http://{host}:{port}"})
        while time.perf_counter() < stop:
            conv = await waiting.get()
            await send(conn, path, conv, tally, time.perf_counter())
            waiting.put_nowait(conv)
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(connections)))
    return tally, time.perf_counter() - started


async def open_loop(host: str, port: int, path: str, convs: list[Conversation], rate: float,
                    seconds: float) -> Tally:
    """Messages at a steady `rate` per second, each to a conversation with nothing on the way."""
    tally = Tally()
    idle: list[Connection] = []
    ready = [c for c in convs]
    pending: set[asyncio.Task[None]] = set()
    start = time.perf_counter()

    async def one(due: float, conv: Conversation) -> None:
        conn = idle.pop() if idle else Connection(host, port, {"Origin": f"http://{host}:{port}"})
        try:
            await send(conn, path, conv, tally, due)
        finally:
            idle.append(conn)
            ready.append(conv)

    for n in range(int(rate * seconds)):
        due = start + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        # Every conversation has a message on the way (rare at 50/s with 1,000 of them): wait for one.
        while not ready:  # noqa: ASYNC110 - polling keeps this rare wait simple
            await asyncio.sleep(0.001)
        task = asyncio.create_task(one(due, ready.pop(0)))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    for conn in idle:
        conn.close()
    return tally


# -- servers ------------------------------------------------------------------------------------------------

def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        raise RuntimeError("server did not start")
    # /healthz answers from whichever worker takes the connection: with several workers, the others may still
    # be loading the understanding. Wait until the server (all its processes) is idle, so that no start-up
    # work falls in the measured window.
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:
        before = cpu_seconds(server.pid)
        time.sleep(0.5)
        quiet = quiet + 1 if cpu_seconds(server.pid) - before < 0.05 else 0


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        server = subprocess.Popen(command, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server, log)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def family(pid: int) -> list[int]:
    """A process and its children (the workers)."""
    return [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                   text=True).stdout.split()]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children: unlike rates, not skewed much
    by other work on a shared machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in family(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the workers), in MB."""
    total = 0.0
    for p in family(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
    return total


@dataclass
class Target:
    name: str
    port: int
    path: str
    convs: list[Conversation]
    command: list[str]
    env: dict[str, str]
    database_url: str


def meldbot_target(name: str, tmp: Path, database_url: str, conversations: int, workers: int,
                   understanding: str) -> Target:
    """Prepare the database (schema, organisation, one signed-in session per employee) and the command."""
    from bench.load import organisation  # imported here: bench.load uses this module's client
    from bot.bootstrap import bootstrap
    from bot.storage.auth import SqlAuthStore

    org_file = tmp / "org.yml"
    if not org_file.exists():
        org_file.write_text(yaml.safe_dump(organisation(conversations, 20), allow_unicode=True), encoding="utf-8")
    port = free_port()
    env = {
        "MELDBOT_DATABASE_URL": database_url, "MELDBOT_UNDERSTANDING": understanding,
        "MELDBOT_ORG_FILE": str(org_file), "MELDBOT_PORT": str(port), "MELDBOT_HOST": "127.0.0.1",
        "MELDBOT_ATTACHMENTS_DIR": str(tmp / f"attachments-{name}"),
        "MELDBOT_MODEL_DIR": str(Settings().model_dir.resolve()),
        # Every conversation comes from 127.0.0.1 here: the per-address limit would be one office's limit.
        "MELDBOT_REQUESTS_PER_ADDRESS_PER_MINUTE": "10000000", "MELDBOT_REQUESTS_PER_ADDRESS_BURST": "1000000",
        # Like the bare endpoint (uvicorn --no-access-log): both servers are measured without an access log.
        "MELDBOT_ACCESS_LOG": "false",
    }
    settings = Settings(**{k.removeprefix("MELDBOT_").lower(): v for k, v in env.items()})  # type: ignore[arg-type]
    container = bootstrap(settings)
    people = [f"emp{i:04d}" for i in range(conversations)]
    with container.session_factory() as session:
        store = SqlAuthStore(session)
        cookies = [store.create_session(person, "link", container.clock.now()) for person in people]
        session.commit()
    convs = [Conversation(cookie, n) for n, cookie in enumerate(cookies)]
    stagger(container, people, convs)
    container.close()
    meldbot = str(Path(sys.executable).with_name("meldbot"))
    return Target(name, port, "/api/chat", convs, [meldbot, "serve", "--workers", str(workers)],
                  {**env, "MELDBOT_MIGRATE_ON_START": "true"}, database_url)


def stagger(container: Any, people: list[str], convs: list[Conversation]) -> None:
    """Each conversation taken to its own point of its script, in process, before the server starts.

    1,000 people do not all start a report in the same second: at any moment some are greeting, some
    describing, some answering questions or filing. Conversation n starts at line n mod the script's length, so
    every measured window holds the whole mix; started together, the first seconds would hold almost only
    greetings and descriptions (the turns that run the understanding).
    """
    from bot.conversation.messages import IncomingMessage

    for person, conv in zip(people, convs, strict=True):
        lines = SCRIPTS[conv.script % len(SCRIPTS)]
        for _ in range(conv.script % len(lines)):
            container.chat.handle(IncomingMessage(channel="web", user=person, text=conv.next_text(),
                                                  delivery_id=f"{person}:{uuid.uuid4().hex}"))


def bare_target(tmp: Path, conversations: int) -> Target:
    port = free_port()
    url = f"sqlite:///{tmp / 'bare.db'}"
    command = [sys.executable, "-m", "uvicorn", "--factory", "bench.http:bare_from_env", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
    return Target("bare", port, "/commit", [Conversation(None, n) for n in range(conversations)], command,
                  {"BENCH_BARE_DATABASE_URL": url, "PYTHONPATH": str(Path.cwd())}, url)


def bare_from_env() -> Any:
    return bare_app(os.environ["BENCH_BARE_DATABASE_URL"])


def stored_count(target: Target) -> int:
    from bot.storage.db import make_engine

    engine = make_engine(target.database_url)
    try:
        with engine.connect() as conn:
            if target.name == "bare":
                return int(conn.scalar(text("SELECT count(*) FROM messages")) or 0)
            from bot.storage.orm import DeliveryRow

            return int(conn.scalar(select(func.count()).select_from(DeliveryRow)
                                   .where(DeliveryRow.channel == "web")) or 0)
    finally:
        engine.dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


@dataclass
class Figures:
    cpu_ms: float = 0.0  # server CPU time per answered message
    rate: float = 0.0
    closed_p50: float = 0.0
    closed_p99: float = 0.0
    steady_p50: float = 0.0
    steady_p99: float = 0.0
    lost: int = 0
    duplicated: int = 0
    rss: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)


def measure(target: Target, tmp: Path, seconds: float, connections: int, rate: float) -> Figures:
    log = tmp / f"{target.name}.log"
    with serving(target.command, target.env, target.port, log) as server:
        before = stored_count(target)
        # A short warm-up (first turns, connection pools), not counted.
        asyncio.run(closed_loop("127.0.0.1", target.port, target.path, target.convs, connections, 1.0))
        warm = stored_count(target)
        cpu0, server0 = time.process_time(), cpu_seconds(server.pid)
        closed, elapsed = asyncio.run(closed_loop("127.0.0.1", target.port, target.path, target.convs,
                                                  connections, seconds))
        generator_cpu = (time.process_time() - cpu0) / elapsed
        server_cpu_ms = (cpu_seconds(server.pid) - server0) * 1000 / max(1, len(closed.answered))
        steady = asyncio.run(open_loop("127.0.0.1", target.port, target.path, target.convs, rate,
                                       max(10.0, seconds)))
        rss = rss_mb(server.pid)
    after = stored_count(target)
    answered = closed.answered + steady.answered
    figures = Figures(
        cpu_ms=server_cpu_ms, rate=len(closed.answered) / elapsed, closed_p50=percentile(closed.latencies, 50),
        closed_p99=percentile(closed.latencies, 99), steady_p50=percentile(steady.latencies, 50),
        steady_p99=percentile(steady.latencies, 99), lost=closed.lost + steady.lost, rss=rss,
        errors=closed.errors + steady.errors)
    # Every answered message is stored (once: the message id is the key); an answer the database does not
    # have is lost too, and so is more stored than was sent (a message processed twice).
    unique, stored = len(set(answered)), after - warm
    figures.duplicated = (len(answered) - unique) + max(0, stored - unique - figures.lost)
    figures.lost += max(0, unique - stored)
    print(f"  {target.name:18s} {figures.rate:6.0f} msg/s, server CPU {figures.cpu_ms:.2f} ms/msg "
          f"(p50 {figures.closed_p50:5.0f} ms, p99 "
          f"{figures.closed_p99:5.0f} ms, {connections} connections)  at {rate:g}/s: p50 {figures.steady_p50:4.0f} ms "
          f"p99 {figures.steady_p99:4.0f} ms  lost {figures.lost} duplicated {figures.duplicated}  errors "
          f"{dict(figures.errors) or 0}  RSS {rss:.0f} MB  (generator CPU {generator_cpu:.0%}, stored before "
          f"{before})", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--understanding", default="trained", choices=["trained", "rules"])
    parser.add_argument("--postgres", action="store_true", help="also meldbot --workers 4 on PostgreSQL")
    parser.add_argument("--workers", type=int, default=4, help="workers on PostgreSQL")
    parser.add_argument("--repeat", type=int, default=2, help="rounds (bare and meldbot alternate)")
    args = parser.parse_args()
    results: dict[str, list[Figures]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        targets = [bare_target(tmp, args.conversations),
                   meldbot_target("meldbot sqlite", tmp, f"sqlite:///{tmp / 'meldbot.db'}", args.conversations, 1,
                                  args.understanding)]
        with _maybe_postgres(args.postgres) as pg_url:
            if pg_url is not None:
                targets.append(meldbot_target(f"meldbot pg x{args.workers}", tmp, pg_url, args.conversations,
                                              args.workers, args.understanding))
            print(f"{args.conversations} conversations, {args.connections} connections, {args.seconds:g} s per "
                  f"round, understanding {args.understanding}, {os.cpu_count()} CPUs (shared with the generator)")
            for round_ in range(args.repeat):
                print(f"round {round_ + 1}:")
                for target in targets:
                    results.setdefault(target.name, []).append(
                        measure(target, tmp, args.seconds, args.connections, args.rate))
    bare = statistics.median(f.rate for f in results["bare"])
    meldbot = statistics.median(f.rate for f in results["meldbot sqlite"])
    bare_cpu = statistics.median(f.cpu_ms for f in results["bare"])
    meldbot_cpu = statistics.median(f.cpu_ms for f in results["meldbot sqlite"])
    print(f"server CPU per message: bare {bare_cpu:.2f} ms, meldbot {meldbot_cpu:.2f} ms "
          f"(ratio {bare_cpu / meldbot_cpu:.2f}; less sensitive to other work on the machine than the rates)")
    steady = max(f.steady_p99 for f in results["meldbot sqlite"])
    lost = sum(f.lost for fs in results.values() for f in fs)
    duplicated = sum(f.duplicated for fs in results.values() for f in fs)
    print(f"median over rounds: bare {bare:.0f} msg/s, meldbot {meldbot:.0f} msg/s, ratio {meldbot / bare:.2f} "
          f"(target >= 0.5); meldbot p99 at {args.rate:g}/s: {steady:.0f} ms (target <= 100 ms); "
          f"lost {lost}, duplicated {duplicated} (target 0)")
    pg_name = f"meldbot pg x{args.workers}"
    if pg_name in results:
        pg = statistics.median(f.rate for f in results[pg_name])
        print(f"PostgreSQL with {args.workers} workers: {pg:.0f} msg/s = {pg / meldbot:.2f} x meldbot on SQLite "
              "(target >= 1)")


@contextmanager
def _maybe_postgres(wanted: bool) -> Iterator[str | None]:
    if not wanted:
        yield None
        return
    from tests.dbs import postgres_database

    with postgres_database() as url:
        yield url


if __name__ == "__main__":
    main()
