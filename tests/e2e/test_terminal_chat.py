"""`meldbot chat` with piped stdin, and the terminal and the browser sharing one conversation."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.bootstrap import Container, bootstrap
from bot.channels.terminal import run_terminal_chat
from bot.settings import Settings
from bot.web.app import create_app
from tests.dbs import database_url
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import running
from tests.web import signed_in

ROOT = Path(__file__).resolve().parents[2]

LINES = [
    "Hallo",
    "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Ik ben niet gewond.",
    "Nee, verder",
    "2",
    "1 en 3",
    "Klopt",
    "Versturen",
    "mijn meldingen",
]


@pytest.mark.slow
def test_piped_terminal_chat_files_a_report_and_lists_it(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MELDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
        "MELDBOT_UNDERSTANDING": "rules",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "demo"],
        input="\n".join(LINES) + "\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "meldbot> Hoi Sam" in out
    assert "  1. Nee, verder" in out
    assert "Je melding is opgeslagen onder MLD-20" in out
    assert "Je meldingen:" in out


def test_unknown_terminal_user_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "MELDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
           "MELDBOT_UNDERSTANDING": "rules"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "onbekend"],
        input="Hallo\n", capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Ik ken je nog niet." in result.stdout


# The same conversation everywhere: the browser (HTTP server) and the terminal on one database. ------------

STORY = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@dataclass
class Served:
    container: Container
    app: FastAPI
    url: str

    def client(self) -> httpx.Client:
        return signed_in(self.app, self.url, "demo")

    def terminal(self, lines: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
        monkeypatch.setattr("sys.stdout", io.StringIO())  # the prompts
        shown: list[str] = []
        run_terminal_chat(self.container.chat.handle, "demo", stdin=Tty("\n".join(lines) + "\n"),
                          write=shown.append)
        return shown


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    with database_url(request.param, tmp_path) as url:
        container = bootstrap(Settings(database_url=url, scheduler_enabled=False), understander=FakeUnderstander(),
                              clock=FakeClock())
        try:
            app = create_app(container=container)
            with running(app) as base:
                yield Served(container, app, base)
        finally:
            container.close()


def say(client: httpx.Client, text: str) -> list[str]:
    res = client.post("/api/chat", json={"text": text, "message_id": uuid.uuid4().hex})
    assert res.status_code == 200, res.text
    return [r["text"] for r in res.json()["replies"]]


def test_a_report_started_in_the_browser_is_finished_in_the_terminal(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    with served.client() as client:
        say(client, "Hallo")
        say(client, STORY)
        assert say(client, "Nee, verder") == ["Hoe voel je je nu?"]
    shown = served.terminal(["Gaat wel", "niets", "Klopt", "Versturen"], monkeypatch)
    assert shown[1:3] == ["meldbot> Je was in de browser bezig met een melding. We gaan hier verder waar je was.",
                          "meldbot> Hoe voel je je nu?\n           1. Goed\n           2. Gaat wel\n"
                          "           3. Niet goed"]
    assert "Je was in de browser" not in "\n".join(shown[3:])
    assert any("Je melding is opgeslagen onder MLD-2026-00001." in line for line in shown)
    with served.client() as client:
        assert "Je melding is opgeslagen onder MLD-2026-00001." in \
            client.get("/api/chat/history").json()["messages"][-1]["text"]


def test_a_report_started_in_the_terminal_goes_on_in_the_browser(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    served.terminal(["Hallo", STORY], monkeypatch)
    with served.client() as client:
        said = [m["text"] for m in client.get("/api/chat/history").json()["messages"]]
        assert STORY in said  # the page shows what was said in the terminal
        assert say(client, "Nee, verder") == [
            "Je was in de terminal bezig met een melding. We gaan hier verder waar je was.", "Hoe voel je je nu?"]
