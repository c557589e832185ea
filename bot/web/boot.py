"""What `meldbot serve` hands to uvicorn: an ASGI app that listens at once and builds the real one beside it.

Importing the web app (FastAPI, SQLAlchemy, the routes) and opening the database take a few seconds on a slow
machine. uvicorn only binds its port after the app's start-up, so without this the port stays closed that long
and a health check sees nothing at all. Here the start-up completes at once; the real app
(`bot.web.app.create_app`) is built in a thread and started (its own lifespan: channels, scheduler, 'luistert
op', the understanding) as soon as it exists. Until then `/healthz` answers 503 "opstarten" and every other
request waits for the app (nothing is refused or lost); if building it fails, the process stops.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BOOTING = {"status": "opstarten"}
FAILED = {"status": "niet beschikbaar"}


def build_app() -> ASGIApp:
    """The real app, built from the environment's settings (runs in a thread)."""
    from bot.web.app import create_app

    return create_app()  # type: ignore[no-any-return]


class BootingApp:
    """See the module's docstring; `build` makes the real app (a blocking call, run in a thread)."""

    def __init__(self, build: Callable[[], ASGIApp] = build_app) -> None:
        self._build = build
        self._app: ASGIApp | None = None
        self._failed = False
        self._ready: asyncio.Event | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        if self._app is None and not self._failed:
            if scope["type"] == "http" and scope.get("path") == "/healthz":
                await _json(send, 503, BOOTING)
                return
            assert self._ready is not None  # set at start-up, before the port is open
            await self._ready.wait()
        if self._app is None:
            if scope["type"] == "http":
                await _json(send, 503, FAILED)
            return
        await self._app(scope, receive, send)

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        self._ready = asyncio.Event()
        building = asyncio.get_running_loop().run_in_executor(None, self._build)
        await send({"type": "lifespan.startup.complete"})  # uvicorn binds the port now
        try:
            app = await building
            inner = _Lifespan(app, scope)
            await inner.start()
        except Exception:
            logger.exception("meldbot kon niet starten")
            self._failed = True
            self._ready.set()
            os.kill(os.getpid(), signal.SIGTERM)  # uvicorn stops the way it does on Ctrl-C
            await _until_shutdown(receive, send)
            return
        self._app = app
        self._ready.set()
        await _until_shutdown(receive, send, then=inner.stop)


class _Lifespan:
    """Runs an app's lifespan protocol from here: start, later stop."""

    def __init__(self, app: ASGIApp, scope: Scope) -> None:
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task = asyncio.create_task(app(scope, self._to_app.get, self._from_app.put))

    async def _step(self, kind: str) -> None:
        await self._to_app.put({"type": f"lifespan.{kind}"})
        reply = await self._from_app.get()
        if reply["type"] != f"lifespan.{kind}.complete":
            raise RuntimeError(reply.get("message") or reply["type"])

    async def start(self) -> None:
        await self._step("startup")

    async def stop(self) -> None:
        await self._step("shutdown")
        await self._task


async def _until_shutdown(receive: Receive, send: Send,
                          then: Callable[[], Awaitable[None]] | None = None) -> None:
    message = await receive()
    assert message["type"] == "lifespan.shutdown"
    try:
        if then is not None:
            await then()
    finally:
        await send({"type": "lifespan.shutdown.complete"})


async def _json(send: Send, status: int, body: dict[str, str]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if status == 503:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def create_app() -> BootingApp:
    """The factory `meldbot serve` gives uvicorn (`bot.web.boot:create_app`, one per worker)."""
    return BootingApp()
