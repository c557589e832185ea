"""A local stand-in for the Bot Connector service: records the activities posted to it (uvicorn on 127.0.0.1)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@dataclass
class Posted:
    conversation_id: str
    reply_to: str | None
    authorization: str | None
    activity: dict[str, Any]


@dataclass
class FakeConnector:
    """POST /v3/conversations/{id}/activities[/{replyToId}]; answers `status_for[conversation id]` (default 200)."""

    url: str = ""
    posted: list[Posted] = field(default_factory=list)
    status_for: dict[str, int] = field(default_factory=dict)

    def app(self) -> FastAPI:
        app = FastAPI()

        async def record(request: Request, conversation_id: str, reply_to: str | None) -> JSONResponse:
            status = self.status_for.get(conversation_id, 200)
            if status >= 400:
                return JSONResponse(status_code=status, content={"error": {"code": "Gone", "message": "weg"}})
            self.posted.append(Posted(conversation_id, reply_to, request.headers.get("authorization"),
                                      await request.json()))
            return JSONResponse({"id": f"sent-{len(self.posted)}"})

        @app.post("/v3/conversations/{conversation_id}/activities")
        async def send(request: Request, conversation_id: str) -> JSONResponse:
            return await record(request, conversation_id, None)

        @app.post("/v3/conversations/{conversation_id}/activities/{activity_id}")
        async def reply(request: Request, conversation_id: str, activity_id: str) -> JSONResponse:
            return await record(request, conversation_id, activity_id)

        return app

    @property
    def texts(self) -> list[str]:
        return [p.activity.get("text", "") for p in self.posted]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_connector() -> Iterator[FakeConnector]:
    """The fake connector served by uvicorn in a thread, on a free port; stopped afterwards."""
    connector = FakeConnector()
    port = _free_port()
    config = uvicorn.Config(connector.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                            ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="fake-connector", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake connector did not start")
        time.sleep(0.01)
    connector.url = f"http://127.0.0.1:{port}/"
    try:
        yield connector
    finally:
        server.should_exit = True
        thread.join(timeout=10)
