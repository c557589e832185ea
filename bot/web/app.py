"""FastAPI application factory: `uvicorn --factory bot.web.app:create_app`."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import yaml
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.bootstrap import SAFE_LOADER, Container, bootstrap
from bot.conversation.messages import IncomingMessage, TurnOutcome
from bot.domain.access import Permission, may
from bot.settings import Settings
from bot.storage.db import read_only
from bot.web.auth import SESSION_COOKIE, Principal, WebAuth
from bot.web.backoffice import backoffice_router
from bot.web.chat_api import chat_router
from bot.web.evidence_upload import EVIDENCE_PATH, evidence_router
from bot.web.limits import RateLimiter, install_limits, too_many
from bot.web.logs import install_access_log_filter
from bot.web.overview import overview_router
from bot.web.reports_api import reports_router
from bot.web.signin import Pages, resolve_principal, signin_router

logger = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
TEMPLATES = Path(__file__).with_name("templates")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Our own pages load only our own scripts and styles; nothing from elsewhere.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
CHAT_TEXT_KEYS = ("chat_error", "chat_offline", "chat_signed_out")
MAX_BODY_BYTES = 64 * 1024  # a chat message is at most 4,000 characters; nothing we accept is larger
# What every error body of /api/ looks like ({"detail": Dutch text}), for the OpenAPI description.
ERROR_RESPONSES = {
    "401": "Niet ingelogd",
    "403": "Niet toegestaan (rol, of het verzoek kwam niet van de meldbot-pagina)",
    "404": "Niet gevonden",
    "413": "Verzoek of bericht te groot",
    "422": "Verzoek niet compleet of niet geldig",
    "429": "Te veel verzoeken; probeer het na Retry-After seconden opnieuw (niet verwerkt)",
}


def load_web_texts(settings: Settings) -> dict[str, str]:
    with settings.web_texts_file.open(encoding="utf-8") as fh:
        return dict(yaml.load(fh, Loader=SAFE_LOADER)["pages"])


class ChatIn(BaseModel):
    """One message of the signed-in person (who it is comes from the session or bearer token, never the body)."""

    text: str = Field(description="What the user typed (at most 4,000 characters)")
    message_id: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:\-]+$",
                            description="Client id of this message, for dedup (letters, digits, . _ : -)")
    in_reply_to: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$",
                                    description="prompt_id of a pressed button")


class ReplyOut(BaseModel):
    text: str
    choices: list[str] = []
    prompt_id: str | None = None


class ChatOut(BaseModel):
    replies: list[ReplyOut]


class ErrorOut(BaseModel):
    """Every error of the API: a Dutch text to show as is."""

    detail: str


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    """Build the app; the container (database, model, channels) is built here, not at import."""
    # The model loads in a thread: the server listens at once, turns wait for it, /healthz says 503 till then.
    container = container or bootstrap(settings, load_understanding_in_background=True)
    settings = container.settings
    channels: list[Any] = list(_channels(container))
    install_access_log_filter()
    texts = load_web_texts(settings)
    auth = WebAuth.from_settings(settings, container.session_factory, container.org, container.clock)
    pages = Pages(Jinja2Templates(directory=str(TEMPLATES)), texts)
    limiter = RateLimiter.from_settings(settings)
    run_turn = container.run_turn()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for ch in channels:
            await ch.start()
        background = _start_background(container, channels)
        load_understanding = getattr(container.understander, "start", None) or (lambda: None)
        if os.environ.get("MELDBOT_ANNOUNCE"):
            invites = [i for i in os.environ.get("MELDBOT_ANNOUNCE_INVITES", "").split(",") if i]
            announcer = asyncio.create_task(_announce(settings, auth, invites, then=load_understanding))
        else:
            announcer = None
            load_understanding()
        try:
            yield
        finally:
            if announcer is not None:
                announcer.cancel()
            if background is not None:
                background.shutdown()
            for ch in reversed(channels):
                await ch.stop()
            await limiter.close()

    app = FastAPIOffline(title="meldbot", version="0.1.0", lifespan=lifespan,
                  description="Meld agressie en intimidatie door burgers in een kort Nederlands gesprek.")
    app.state.container = container
    app.state.auth = auth
    app.state.limiter = limiter

    # The chat turn is the route called most: declared first, so a message is matched before the others.
    @app.post(
        "/api/chat",
        response_model=ChatOut,
        responses={401: {"description": "Niet ingelogd"}, 413: {"description": "Bericht te lang"},
                   429: {"description": "Te veel berichten kort na elkaar"}},
    )
    async def chat(request: Request, body: ChatIn) -> Any:
        """One turn for the signed-in person (browser session or `Authorization: Bearer` access token)."""
        sid = request.cookies.get(SESSION_COOKIE)
        if "authorization" not in request.headers and sid and len(sid) <= 200 and limiter.in_process:
            # The usual case, in one trip to a turn thread: session, rate limit, turn (the same checks
            # in the same order as below, without a second thread hop for the session lookup).
            return await run_turn.call(chat_turn, sid, body)
        principal = await resolve_principal(request, auth)
        if principal is None:
            return not_signed_in()
        refused = refusal(await limiter.person_wait(principal.id), body)
        return refused or ChatAnswer(replies_json(await run_turn(message(principal, body))))

    def chat_turn(sid: str, body: ChatIn) -> Response:
        principal = auth.session_principal(sid)
        if principal is None:
            return not_signed_in()
        wait = limiter.person_wait_now(principal.id)
        return refusal(wait, body) or ChatAnswer(replies_json(container.chat.handle(message(principal, body))))

    def not_signed_in() -> Response:
        return JSONResponse(status_code=401, content={"detail": texts["not_signed_in"]},
                            headers={"WWW-Authenticate": "Bearer"})

    def refusal(wait: float, body: ChatIn) -> Response | None:
        if wait > 0:
            logger.info("rate limit: person over the chat limit, message refused")
            return too_many(texts, "rate_limited_person", wait)
        if len(body.text) > settings.max_message_chars:
            return JSONResponse(
                status_code=413,
                content={
                    "detail": f"Je bericht is te lang (meer dan {settings.max_message_chars} tekens). "
                    "Stuur het in kortere stukken; er is niets opgeslagen."
                },
            )
        return None

    def message(principal: Principal, body: ChatIn) -> IncomingMessage:
        return IncomingMessage(
            channel="web",
            user=principal.id,
            text=body.text,  # the service cleans the text once for every channel
            delivery_id=f"{principal.id}:{body.message_id}",
            in_reply_to=body.in_reply_to,
        )

    for ch in channels:
        if ch.router is not None:
            app.include_router(ch.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(signin_router(auth, pages))
    app.include_router(reports_router(container, auth, texts))
    app.include_router(chat_router(container, auth, texts))
    app.include_router(evidence_router(container, auth, texts, limiter))
    app.include_router(backoffice_router(container, auth, pages))
    app.include_router(overview_router(container, auth, pages))
    allowed_origins = {_origin(settings.base_url)}
    https = settings.base_url.startswith("https://")

    app.add_middleware(SameOriginAndHeaders, allowed_origins=allowed_origins, https=https, texts=texts,
                       pages=pages)

    channel_paths = {getattr(route, "path", "") for ch in channels if ch.router is not None
                     for route in ch.router.routes}
    install_limits(app, limiter, texts, max_turns_in_flight=settings.max_turns_in_flight,
                   exempt_paths=channel_paths)

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
            404: texts["not_found"],
            405: "Deze methode is hier niet toegestaan.",
        }
        detail = dutch.get(exc.status_code, exc.detail)
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @app.get("/", include_in_schema=False)
    async def page(request: Request) -> Response:
        principal = await resolve_principal(request, auth)
        if principal is None:
            return pages.render(request, "login.html", oidc=auth.oidc is not None, next_path="/", notice=None)
        return pages.render(request, "chat.html", person=principal.employee,
                            show_backoffice=may(container.org, principal.employee, Permission.BACKOFFICE),
                            chat_texts={k: texts[k] for k in CHAT_TEXT_KEYS})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        def ping() -> None:
            with read_only(container.db).connect() as conn:
                conn.execute(text("SELECT 1"))

        try:
            await run_in_threadpool(ping)
        except Exception:  # noqa: BLE001 - any failure means not ready
            logger.exception("health check failed")
            return JSONResponse(status_code=503, content={"status": "niet beschikbaar"})
        understanding = container.understander
        if getattr(understanding, "failed", False):
            return JSONResponse(status_code=503, content={"status": "niet beschikbaar", "understanding": "fout"})
        if not getattr(understanding, "ready", True):  # still loading: chats would wait, so not ready yet
            return JSONResponse(status_code=503, content={"status": "opstarten", "understanding": "laden"},
                                headers={"Retry-After": "1"})
        return JSONResponse({"status": "ok"})

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _describe_errors(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


class ChatAnswer(JSONResponse):
    """A chat answer, serialised by orjson: the bytes starlette's JSONResponse makes (UTF-8, no spaces), in a
    fraction of the time."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def replies_json(outcome: TurnOutcome) -> dict[str, Any]:
    """The body of a chat answer (built here rather than through response_model: the same JSON as ChatOut,
    without validating our own output again)."""
    return {"replies": [{"text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id}
                        for r in outcome.replies]}


class SameOriginAndHeaders:
    """CSRF: a state-changing request carrying our session cookie must come from our own pages; bodies over
    MAX_BODY_BYTES are refused before they are read; every response gets the security headers.

    Plain ASGI middleware: it adds no task group or stream per request, as @app.middleware("http") would.
    """

    def __init__(self, app: ASGIApp, *, allowed_origins: set[str], https: bool, texts: dict[str, str],
                 pages: Pages) -> None:
        self.app = app
        self.allowed_origins = allowed_origins
        self.https = https
        self.texts = texts
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        no_store = path.startswith(("/api/", "/beheer"))
        page_csp = not path.startswith(("/docs", "/redoc"))
        https = self.https

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form
                # posts, and the Origin check needs the real origin. Nothing leaves the site either way.
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
                if page_csp and headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", PAGE_CSP)
                if no_store:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        refusal = self.refusal(scope, Headers(scope=scope), path)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def refusal(self, scope: Scope, headers: Headers, path: str) -> Response | None:
        """The answer to a request refused before it reaches a route, or None."""
        cookie = headers.get("cookie", "")
        if scope["method"] in UNSAFE_METHODS and SESSION_COOKIE in cookie and SESSION_COOKIE in cookie_parser(cookie):
            origin = headers.get("origin") or _origin(headers.get("referer") or "")
            own = {*self.allowed_origins, f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"}
            if not origin or origin not in own:
                logger.info("cross-origin %s refused", scope["method"])
                if path.startswith("/api/"):
                    return JSONResponse(status_code=403, content={"detail": self.texts["forbidden_origin_text"]})
                return self.pages.message(Request(scope), "forbidden_origin_title", "forbidden_origin_text", 403)
        length = headers.get("content-length")
        # The evidence upload enforces its own, larger limit while it reads (with a Dutch text about files).
        if length is not None and path != EVIDENCE_PATH and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return JSONResponse(status_code=413, content={"detail": self.texts["body_too_large"]})
        return None


def _describe_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI description with the error bodies the API really sends: {"detail": str}, Retry-After on 429."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if not path.startswith("/api/"):
                continue
            for code, description in ERROR_RESPONSES.items():
                responses[code] = {"description": description, "content": error}
            responses["429"]["headers"] = {
                "Retry-After": {"description": "Seconden wachten", "schema": {"type": "integer"}}}
    export = schema.get("paths", {}).get("/api/export", {}).get("get")
    if export is not None:  # ?format=csv answers in CSV, not JSON
        export["responses"]["200"]["content"] = {"application/json": {"schema": {}}, "text/csv": {"schema": {}}}
    if "/healthz" in schema.get("paths", {}):
        schema["paths"]["/healthz"]["get"]["responses"]["503"] = {
            "description": "Database niet bereikbaar, of het taalbegrip wordt nog geladen (opstarten)"}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


async def _announce(settings: Settings, auth: WebAuth, invites: list[str], *, then: Any) -> None:
    """Once the port accepts connections (uvicorn binds after the app has started): print the sign-in links
    asked for with `--invite` and 'luistert op'; then call `then` (start loading the understanding)."""
    try:
        for _ in range(200):
            try:
                _reader, writer = await asyncio.open_connection(settings.host, settings.port)
            except OSError:
                await asyncio.sleep(0.02)
                continue
            writer.close()
            lines = []
            if invites:
                links = [await run_in_threadpool(auth.invite, employee_id) for employee_id in invites]
                lines.append("Inloglinks (één keer te gebruiken, 24 uur geldig):\n")
                lines += [f"  {auth.org.employee(i).name} ({i}): {url}\n"  # type: ignore[union-attr]
                          for i, url in zip(invites, links, strict=True)]
            lines.append(f"meldbot luistert op http://{settings.host}:{settings.port}/  (API-documentatie: /docs)\n")
            sys.stdout.write("".join(lines))
            sys.stdout.flush()
            return
    finally:
        then()


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL ('' when it has none)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if sep and rest else ""


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
