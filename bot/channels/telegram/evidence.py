"""Evidence from Telegram: photos and image/PDF documents, checked and downloaded into the attachments directory."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import tempfile
from pathlib import Path

from telegram import Bot
from telegram.error import BadRequest

from bot.channels.telegram.translate import FileToFetch
from bot.conversation.messages import Attachment
from bot.evidence import ALLOWED_TYPES, sniff

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
SUBDIR = "telegram"


class EvidenceRejected(Exception):
    """The file is not kept; `reason` is 'too_large', 'wrong_type' or 'unavailable'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EvidenceFetcher:
    """Downloads one file through the Bot API (getFile + file URL) and stores it under a name of its own."""

    def __init__(self, bot: Bot, directory: Path, max_bytes: int, *, read_timeout: float = 60.0) -> None:
        self.bot = bot
        self.directory = directory
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout

    def check(self, file: FileToFetch) -> None:
        """Refuse before downloading what is declared too large or of a type meldbot does not keep."""
        if file.size is not None and file.size > self.max_bytes:
            raise EvidenceRejected("too_large")
        if file.kind == "document" and file.mime_type is not None and file.mime_type.lower() not in ALLOWED_TYPES:
            raise EvidenceRejected("wrong_type")

    async def fetch(self, file: FileToFetch) -> Attachment:
        """The stored file as an attachment; EvidenceRejected when it is not kept (nothing is written then)."""
        self.check(file)
        try:
            tg_file = await self.bot.get_file(file.file_id)
        except BadRequest as exc:  # e.g. "file is too big" (the Bot API serves files up to 20 MB)
            logger.info("getFile refused: %s", exc.message)
            raise EvidenceRejected("too_large" if "too big" in exc.message.lower() else "unavailable") from exc
        if tg_file.file_size is not None and tg_file.file_size > self.max_bytes:
            raise EvidenceRejected("too_large")
        data = bytes(await tg_file.download_as_bytearray(read_timeout=self.read_timeout))
        if len(data) > self.max_bytes:
            raise EvidenceRejected("too_large")
        mime = sniff(data)
        if mime is None or (file.kind == "photo" and not mime.startswith("image/")):
            raise EvidenceRejected("wrong_type")
        # The name comes from Telegram's file_unique_id: the same file sent again (or a redelivered
        # update) overwrites its own copy instead of leaving a second one.
        relative = f"{SUBDIR}/{_UNSAFE.sub('_', file.file_unique_id)}{ALLOWED_TYPES[mime]}"
        await asyncio.to_thread(self._write, relative, data)
        return Attachment(kind=file.kind, path=relative, mime_type=mime, size=len(data),
                          original_name=file.original_name)

    def _write(self, relative: str, data: bytes) -> None:
        target = self.directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
