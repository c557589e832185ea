"""Start-up: the server answers while the understanding loads, /healthz tells whether it is ready, and
`meldbot serve --invite` prints the sign-in links and 'luistert op' once it listens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

from bot.bootstrap import BackgroundUnderstander, bootstrap
from bot.settings import Settings
from bot.web.app import create_app
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import free_port, running
from tests.web import signed_in


def test_health_says_starting_until_the_understanding_is_loaded_and_chats_wait_for_it(tmp_path: Path) -> None:
    release = threading.Event()

    def slow_load() -> FakeUnderstander:
        release.wait(10)
        return FakeUnderstander()

    container = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}", scheduler_enabled=False),
                          understander=BackgroundUnderstander(slow_load), clock=FakeClock())
    try:
        app = create_app(container=container)
        with running(app) as base, signed_in(app, base, "demo") as client:
            starting = client.get("/healthz")
            assert (starting.status_code, starting.json()) == (503, {"status": "opstarten", "understanding": "laden"})
            answer: list[httpx.Response] = []
            chat = threading.Thread(target=lambda: answer.append(
                client.post("/api/chat", json={"text": "Hallo", "message_id": uuid.uuid4().hex})))
            chat.start()
            time.sleep(0.2)
            assert answer == []  # waits for the understanding, nothing is refused
            release.set()
            chat.join(10)
            assert answer[0].status_code == 200
            assert client.get("/healthz").json() == {"status": "ok"}
    finally:
        container.close()


def test_health_reports_an_understanding_that_failed_to_load(tmp_path: Path) -> None:
    def broken() -> FakeUnderstander:
        raise OSError("no model")

    understander = BackgroundUnderstander(broken)
    container = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}", scheduler_enabled=False),
                          understander=understander, clock=FakeClock())
    try:
        with running(create_app(container=container)) as base:
            understander.wait(10)
            res = httpx.get(f"{base}/healthz")
            assert (res.status_code, res.json()["status"]) == (503, "niet beschikbaar")
    finally:
        container.close()


def test_serve_prints_the_sign_in_links_and_listens(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MELDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "MELDBOT_PORT": str(port),
           "MELDBOT_UNDERSTANDING": "rules", "MELDBOT_SCHEDULER_ENABLED": "false",
           "MELDBOT_ATTACHMENTS_DIR": str(tmp_path / "attachments")}
    meldbot = str(Path(sys.executable).with_name("meldbot"))
    server = subprocess.Popen([meldbot, "serve", "--invite", "demo", "--invite", "mgr"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line)
            if "luistert op" in line:
                break
        links = [m.group(1) for line in lines if (m := re.search(r"(http://\S+/login/\S+)", line))]
        assert len(links) == 2
        assert any("Sam de Vries (demo)" in line for line in lines)
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code in (200, 503)
        assert httpx.get(links[0], follow_redirects=False, timeout=5).status_code == 303
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_serve_refuses_an_unknown_invite_before_starting(tmp_path: Path) -> None:
    env = {**os.environ, "MELDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "MELDBOT_PORT": str(free_port())}
    meldbot = str(Path(sys.executable).with_name("meldbot"))
    done = subprocess.run([meldbot, "serve", "--invite", "niemand"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "Onbekende medewerker: niemand" in done.stdout
