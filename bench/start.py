"""Start-up: how soon `meldbot serve` answers, is ready, and replies to its first chat message.

    python -m bench.start [--runs 3] [--understanding trained|rules]

Starts `meldbot serve --invite demo` on a fresh SQLite file (the embedded default) `--runs` times and
prints per run: seconds from the command until "luistert op" is printed, until `/healthz` first answers
(503 "opstarten" while the understanding loads), until it answers 200, and the latency of the first chat
message sent right after that. Targets (issue 14): `/healthz` answers within 2 s; the first reply <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

from bot.settings import Settings
from bot.web.auth import SESSION_COOKIE
from tests.servers import free_port

LINK = re.compile(r"(http://\S+/login/\S+)")


def one_run(understanding: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "MELDBOT_DATABASE_URL": f"sqlite:///{tmp}/meldbot.db", "MELDBOT_PORT": str(port),
               "MELDBOT_UNDERSTANDING": understanding, "MELDBOT_MODEL_DIR": str(Settings().model_dir.resolve()),
               "MELDBOT_ATTACHMENTS_DIR": f"{tmp}/attachments", "MELDBOT_SCHEDULER_ENABLED": "true"}
        meldbot = str(Path(sys.executable).with_name("meldbot"))
        started = time.perf_counter()
        server = subprocess.Popen([meldbot, "serve", "--invite", "demo"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        found: dict[str, float] = {}
        link: list[str] = []

        def read_output() -> None:
            assert server.stdout is not None
            for out in server.stdout:
                if (match := LINK.search(out)) and not link:
                    link.append(match.group(1))
                if "luistert op" in out and "listening" not in found:
                    found["listening"] = time.perf_counter() - started

        reader = threading.Thread(target=read_output, daemon=True)
        reader.start()
        try:
            with httpx.Client(base_url=base, timeout=10, headers={"Origin": base}) as client:
                while time.perf_counter() - started < 120:
                    try:
                        status = client.get("/healthz").status_code
                    except httpx.HTTPError:
                        time.sleep(0.01)
                        continue
                    found.setdefault("answers", time.perf_counter() - started)
                    if status == 200:
                        found["ready"] = time.perf_counter() - started
                        break
                    time.sleep(0.01)
                res = client.get(link[0], follow_redirects=False)
                cookie = res.cookies[SESSION_COOKIE]
                t0 = time.perf_counter()
                reply = client.post("/api/chat", json={"text": "Hallo", "message_id": uuid.uuid4().hex},
                                    headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
                found["first_reply_ms"] = (time.perf_counter() - t0) * 1000
                assert reply.status_code == 200, reply.text
                t0 = time.perf_counter()
                client.post("/api/chat", json={"text": "Gisteren schold een man mij uit aan de balie.",
                                               "message_id": uuid.uuid4().hex},
                            headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
                found["second_reply_ms"] = (time.perf_counter() - t0) * 1000
        finally:
            server.terminate()
            server.wait(timeout=30)
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--understanding", default="trained", choices=["trained", "rules"])
    args = parser.parse_args()
    runs = []
    for n in range(args.runs):
        found = one_run(args.understanding)
        runs.append(found)
        print(f"run {n + 1}: 'luistert op' {found.get('listening', float('nan')):.2f} s, /healthz answers "
              f"{found['answers']:.2f} s, ready (200) {found['ready']:.2f} s, first reply "
              f"{found['first_reply_ms']:.0f} ms, second (a description) {found['second_reply_ms']:.0f} ms")
    answers = statistics.median(r["answers"] for r in runs)
    first = statistics.median(r["first_reply_ms"] for r in runs)
    print(f"median: /healthz answers after {answers:.2f} s (target <= 2 s), first reply {first:.0f} ms "
          f"(target <= 300 ms)")


if __name__ == "__main__":
    main()
