"""Evidence from the web chat: a photo, screenshot or PDF, checked by its content, stored, then handed to the turn.

`POST /api/chat/evidence?message_id=…&name=…` carries the file itself as the request body (any Content-Type;
what counts is the content). No multipart: one file a request needs no form parser, and the size cap applies
to the bytes as they arrive. The file is stored the way the Telegram channel stores its evidence (under the
attachments directory, written to a temporary file and renamed) and reaches the conversation as an
`Attachment` of a message of the web channel, so the report gets it exactly as it does from Telegram.

Who uploads comes from the session or bearer token; a request with the session cookie must come from our own
pages (the app's Origin check covers every POST). The same message id is processed once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from bot.bootstrap import Container
from bot.conversation.flow import accepts_evidence as evidence_wanted
from bot.conversation.messages import Attachment, IncomingMessage, TurnOutcome
from bot.evidence import ALLOWED_TYPES, SNIFF_BYTES, sniff
from bot.web.auth import WebAuth
from bot.web.chat_api import CHANNEL
from bot.web.limits import RateLimiter, too_many
from bot.web.signin import resolve_principal

logger = logging.getLogger(__name__)

EVIDENCE_PATH = "/api/chat/evidence"
# The most one upload may hold. Phone photos are 2-8 MB, screenshots and PDFs of a letter far less; the
# general body limit of the app (64 KB) does not apply to this route, which enforces this one itself.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SUBDIR = "web"
_WRITE_CHUNK = 256 * 1024  # bytes gathered before one write to disk
_MESSAGE_ID = r"^[A-Za-z0-9._:\-]+$"  # as for POST /api/chat
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME_CHARS = 200


def display_name(name: str | None) -> str | None:
    """The file name as the person's device gave it, without folders or control characters, kept short."""
    if not name:
        return None
    base = _UNSAFE_NAME.sub("", re.split(r"[/\\]", name)[-1]).strip()
    return base[:MAX_NAME_CHARS] or None


class UploadTooLarge(Exception):
    """More bytes arrived than an upload may hold; nothing is kept."""


@dataclass(frozen=True, slots=True)
class Received:
    """An upload written to a temporary file next to its final place."""

    temp: Path
    size: int
    head: bytes
    digest: str


class UploadReply(BaseModel):
    text: str
    choices: list[str] = []
    prompt_id: str | None = None


class UploadOut(BaseModel):
    """The bot's replies to the message that carried the file, as `POST /api/chat` answers."""

    replies: list[UploadReply]


class EvidenceRules(BaseModel):
    """What the upload accepts, so that a page can refuse a file before sending it."""

    max_bytes: int
    max_mb: int
    types: list[str]


async def receive(request: Request, directory: Path, limit: int, salt: bytes) -> Received:
    """Stream the body into a temporary file in `directory`; UploadTooLarge (and no file) past `limit` bytes.

    `digest` is a SHA-256 of `salt` and the content: the stored name, so that the same upload of the same
    message stored again replaces its own copy instead of leaving a second one.
    """
    await run_in_threadpool(directory.mkdir, parents=True, exist_ok=True)
    fd, name = await run_in_threadpool(tempfile.mkstemp, dir=directory, prefix=".part-")
    temp = Path(name)
    fh: BinaryIO = os.fdopen(fd, "wb")
    digest = hashlib.sha256(salt)
    head = b""
    size = 0
    pending = bytearray()
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge
            digest.update(chunk)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            pending += chunk
            if len(pending) >= _WRITE_CHUNK:
                await run_in_threadpool(fh.write, bytes(pending))
                pending.clear()
        if pending:
            await run_in_threadpool(fh.write, bytes(pending))
        await run_in_threadpool(fh.close)
    except BaseException:
        _discard(fh, temp)  # quick local work, done at once: this may run while the request is cancelled
        raise
    return Received(temp, size, head, digest.hexdigest()[:32])


def _discard(fh: BinaryIO, temp: Path) -> None:
    fh.close()
    temp.unlink(missing_ok=True)


def evidence_router(container: Container, auth: WebAuth, texts: dict[str, str], limiter: RateLimiter) -> APIRouter:
    """`POST /api/chat/evidence` (the upload) and `GET /api/chat/evidence` (what it accepts)."""
    router = APIRouter(tags=["chat"])
    chat = container.chat
    settings = container.settings
    limit = min(settings.max_attachment_bytes, MAX_UPLOAD_BYTES)
    limit_mb = max(1, limit // (1024 * 1024))
    directory = Path(settings.attachments_dir) / SUBDIR

    def refused(status: int, key: str, **values: Any) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(status_code=status, content={"detail": texts[key].format(**values)}, headers=headers)

    def already_handled(delivery_id: str) -> bool:
        with container.uow_factory() as uow:
            try:
                return uow.deliveries.response(CHANNEL, delivery_id) is not None
            finally:
                uow.rollback()

    def accepts_evidence(user: str) -> bool:
        """Whether a file sent now becomes evidence: of the report going on, or of a filed one asked for just now."""
        with container.uow_factory() as uow:
            try:
                loaded = uow.conversations.load(CHANNEL, user)
            finally:
                uow.rollback()
        window = timedelta(minutes=container.chat.resume_after_minutes)
        return loaded is not None and evidence_wanted(loaded[0], container.clock.now(), window)

    def store(received: Received, mime: str) -> str:
        """Move the upload to its own name under the attachments directory; the path relative to it."""
        relative = f"{SUBDIR}/{received.digest}{ALLOWED_TYPES[mime]}"
        os.replace(received.temp, Path(settings.attachments_dir) / relative)
        return relative

    def answer(outcome: TurnOutcome) -> dict[str, Any]:
        return {"replies": [{"text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id}
                            for r in outcome.replies]}

    @router.get(EVIDENCE_PATH, response_model=EvidenceRules, responses={401: {"description": "Niet ingelogd"}})
    async def rules(request: Request) -> Any:
        """The largest file and the types the upload keeps (checked by content, not by name)."""
        if await resolve_principal(request, auth) is None:
            return refused(401, "not_signed_in")
        return {"max_bytes": limit, "max_mb": limit_mb, "types": list(ALLOWED_TYPES)}

    @router.post(
        EVIDENCE_PATH,
        response_model=UploadOut,
        responses={
            401: {"description": "Niet ingelogd"},
            413: {"description": f"Bestand groter dan {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"},
            415: {"description": "Geen foto, afbeelding of pdf (naar de inhoud)",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}},
            422: {"description": "Leeg bestand, of message_id ontbreekt"},
            429: {"description": "Te veel berichten kort na elkaar"},
        },
        openapi_extra={"requestBody": {
            "required": True,
            "description": "Het bestand zelf (JPEG, PNG, WebP, HEIC/HEIF of PDF); het type telt naar de inhoud",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }},
    )
    async def upload(
        request: Request,
        message_id: str = Query(min_length=1, max_length=200, pattern=_MESSAGE_ID,
                                description="Client id of this message, for dedup (letters, digits, . _ : -)"),
        name: str | None = Query(default=None, max_length=255, description="The file's name on the device"),
    ) -> Any:
        """A file as evidence for the report going on, as a message of the signed-in person; the bot's replies."""
        principal = await resolve_principal(request, auth)
        if principal is None:
            return refused(401, "not_signed_in")
        wait = await limiter.person_wait(principal.id)
        if wait > 0:
            logger.info("rate limit: person over the chat limit, upload refused")
            return too_many(texts, "rate_limited_person", wait)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return refused(413, "evidence_too_large", limit=limit_mb)  # refused before a byte is read
        if request.headers.get("content-type", "").lower().startswith("multipart/"):
            return refused(415, "evidence_not_multipart")

        delivery_id = f"{principal.id}:{message_id}"
        message = IncomingMessage(channel=CHANNEL, user=principal.id, text="", delivery_id=delivery_id)
        if await run_in_threadpool(already_handled, delivery_id):
            # The same upload again (a retry after a lost answer): its stored replies, nothing stored twice.
            return answer(await run_in_threadpool(chat.handle, message))
        original_name = display_name(name)
        if not await run_in_threadpool(accepts_evidence, principal.id):
            # No report going on: the conversation says so, and the file is not kept.
            bare = Attachment(kind="document", original_name=original_name)
            return answer(await run_in_threadpool(chat.handle, replace(message, attachments=(bare,))))

        try:
            received = await receive(request, directory, limit, delivery_id.encode() + b"\x00")
        except UploadTooLarge:
            logger.info("evidence refused: too large")
            return refused(413, "evidence_too_large", limit=limit_mb)
        mime = sniff(received.head)
        if received.size == 0 or mime is None:
            await run_in_threadpool(received.temp.unlink, missing_ok=True)
            logger.info("evidence refused: %s", "empty" if received.size == 0 else "wrong type")
            if received.size == 0:
                return refused(422, "evidence_empty")
            return refused(415, "evidence_wrong_type")
        path = await run_in_threadpool(store, received, mime)
        attachment = Attachment(kind="photo" if mime.startswith("image/") else "document", path=path,
                                mime_type=mime, size=received.size, original_name=original_name)
        outcome = await run_in_threadpool(chat.handle, replace(message, attachments=(attachment,)))
        return answer(outcome)

    return router
