"""FastAPI application factory: `uvicorn --factory bot.web.app:create_app`."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.bootstrap import Container, bootstrap
from bot.conversation.messages import IncomingMessage
from bot.domain.model import Employee
from bot.settings import Settings

logger = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


class ChatIn(BaseModel):
    user: str = Field(min_length=1, max_length=200, description="Employee id")
    text: str = Field(description="What the user typed (at most 4,000 characters)")
    message_id: str = Field(min_length=1, max_length=200, description="Client id of this message, for dedup")
    in_reply_to: str | None = Field(default=None, max_length=64, description="prompt_id of a pressed button")


class ReplyOut(BaseModel):
    text: str
    choices: list[str] = []
    prompt_id: str | None = None


class ChatOut(BaseModel):
    replies: list[ReplyOut]


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    """Build the app; the container (database, model, channels) is built here, not at import."""
    container = container or bootstrap(settings)
    settings = container.settings
    channels: list[Any] = list(_channels(container))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for ch in channels:
            await ch.start()
        background = _start_background(container, channels)
        try:
            yield
        finally:
            if background is not None:
                background.shutdown()
            for ch in reversed(channels):
                await ch.stop()

    app = FastAPI(title="meldbot", version="0.1.0", lifespan=lifespan,
                  description="Meld agressie en intimidatie door burgers in een kort Nederlands gesprek.")
    app.state.container = container
    for ch in channels:
        if ch.router is not None:
            app.include_router(ch.router)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return JSONResponse(
            status_code=422,
            content={"detail": f"Het verzoek is niet compleet of niet geldig (veld: {fields})."},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        dutch = {
            400: "Het verzoek kon niet gelezen worden (geen geldige JSON).",
            404: "Niet gevonden.",
            405: "Deze methode is hier niet toegestaan.",
        }
        detail = dutch.get(exc.status_code, exc.detail)
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        def ping() -> None:
            with container.db.connect() as conn:
                conn.execute(text("SELECT 1"))

        try:
            await run_in_threadpool(ping)
        except Exception:  # noqa: BLE001 - any failure means not ready
            logger.exception("health check failed")
            return JSONResponse(status_code=503, content={"status": "niet beschikbaar"})
        return JSONResponse({"status": "ok"})

    @app.post(
        "/api/chat",
        response_model=ChatOut,
        responses={413: {"description": "Bericht te lang"}},
    )
    async def chat(body: ChatIn) -> Any:
        if len(body.text) > settings.max_message_chars:
            return JSONResponse(
                status_code=413,
                content={
                    "detail": f"Je bericht is te lang (meer dan {settings.max_message_chars} tekens). "
                    "Stuur het in kortere stukken; er is niets opgeslagen."
                },
            )
        msg = IncomingMessage(
            channel="web",
            user=body.user,
            text=body.text,
            delivery_id=f"{body.user}:{body.message_id}",
            in_reply_to=body.in_reply_to,
        )
        outcome = await run_in_threadpool(container.chat.handle, msg)
        return {"replies": [{"text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id}
                            for r in outcome.replies]}

    @app.get(
        "/api/reports/{reference}/aangifte.txt",
        response_class=PlainTextResponse,
        responses={404: {"description": "Geen melding van deze medewerker (of van diens team)"}},
    )
    async def aangifte_draft(reference: str, user: str) -> Any:
        """The draft police statement of a report as a text file, for its reporter (or their manager)."""
        from actions.aangifte import draft_for

        def draft() -> str | None:
            with container.uow_factory() as uow:
                found = draft_for(uow, container.org, container.texts, container.tz, reference,
                                  container.org.employee(user) or _NOBODY, container.clock.now(), "web")
                uow.commit()
                return found

        found = await run_in_threadpool(draft)
        if found is None:
            return JSONResponse(status_code=404, content={"detail": "Niet gevonden."})
        filename = f"aangifte-{reference.strip().upper()}.txt"
        return PlainTextResponse(found, headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return app


_NOBODY = Employee("", "", None, roles=())  # an unknown user may read nothing


def _channels(container: Container) -> list[Any]:
    """The channels that the settings switch on (each may serve HTTP routes and send messages)."""
    settings = container.settings
    found: list[Any] = []
    if settings.telegram_token is not None:
        from bot.channels.telegram import create_telegram_channel

        found.append(create_telegram_channel(container))
    if settings.teams_dev_anonymous or settings.teams_app_id:
        from bot.channels.teams import create_teams_channel

        found.append(create_teams_channel(container))
    return [ch for ch in found if ch is not None]


def _start_background(container: Container, channels: list[Any]) -> Any:
    """The scheduler that sends due outbox rows and check-ins, when enabled; it has a shutdown()."""
    if not container.settings.scheduler_enabled or importlib.util.find_spec("actions.scheduler") is None:
        return None
    from actions.scheduler import start_scheduler

    return start_scheduler(container, {ch.name: ch for ch in channels})
