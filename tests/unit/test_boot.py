"""The app `meldbot serve` starts: it completes start-up at once, answers /healthz with 503 while the real app
is built in a thread, holds other requests until it is there, and passes the lifespan on to it."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

from bot.web import boot
from bot.web.boot import BootingApp


class RealApp:
    """A stand-in for the web app: answers every request with 200 and records its lifespan."""

    def __init__(self) -> None:
        self.lifespan: list[str] = []
        self.requests: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].removeprefix("lifespan.")
                self.lifespan.append(kind)
                await send({"type": f"{message['type']}.complete"})
                if kind == "shutdown":
                    return
        self.requests.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"echt"})


class Server:
    """Drives a BootingApp the way uvicorn does: the lifespan in a task of its own, then requests."""

    def __init__(self, app: BootingApp) -> None:
        self.app = app
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> dict[str, Any]:
        self.task = asyncio.create_task(self.app({"type": "lifespan"}, self.to_app.get, self.from_app.put))
        await self.to_app.put({"type": "lifespan.startup"})
        return await asyncio.wait_for(self.from_app.get(), 5)

    async def stop(self) -> dict[str, Any]:
        await self.to_app.put({"type": "lifespan.shutdown"})
        reply = await asyncio.wait_for(self.from_app.get(), 5)
        assert self.task is not None
        await asyncio.wait_for(self.task, 5)
        return reply

    async def get(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await self.app({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)
        headers = {k.decode(): v.decode() for k, v in sent[0].get("headers", [])}
        return sent[0]["status"], sent[1]["body"], headers


async def test_start_up_completes_at_once_and_health_says_starting_while_the_app_is_built() -> None:
    release, real = threading.Event(), RealApp()

    def build() -> RealApp:
        release.wait(5)
        return real

    server = Server(BootingApp(build))
    assert (await server.start())["type"] == "lifespan.startup.complete"
    status, body, headers = await server.get("/healthz")
    assert (status, json.loads(body), headers["retry-after"]) == (503, {"status": "opstarten"}, "1")
    waiting = asyncio.create_task(server.get("/api/chat"))
    await asyncio.sleep(0.05)
    assert not waiting.done()  # held, not refused
    release.set()
    assert (await asyncio.wait_for(waiting, 5))[:2] == (200, b"echt")
    assert real.lifespan == ["startup"]  # the real app was started before it served
    assert (await server.get("/healthz"))[:2] == (200, b"echt")
    assert real.requests == ["/api/chat", "/healthz"]
    assert (await server.stop())["type"] == "lifespan.shutdown.complete"
    assert real.lifespan == ["startup", "shutdown"]


async def test_when_the_app_cannot_be_built_the_process_stops_and_nobody_waits_forever(
        monkeypatch: pytest.MonkeyPatch) -> None:
    signals: list[int] = []
    monkeypatch.setattr(boot.os, "kill", lambda _pid, sig: signals.append(sig))

    def build() -> RealApp:
        raise FileNotFoundError("org.yml")

    server = Server(BootingApp(build))
    await server.start()
    for _ in range(100):
        if signals:
            break
        await asyncio.sleep(0.01)
    assert signals == [boot.signal.SIGTERM]
    status, body, _ = await server.get("/api/chat")
    assert (status, json.loads(body)) == (503, {"status": "niet beschikbaar"})
    assert (await server.stop())["type"] == "lifespan.shutdown.complete"


def test_serve_hands_uvicorn_the_booting_app() -> None:
    assert isinstance(boot.create_app(), BootingApp)
