"""Channel adapters: each translates its platform to IncomingMessage and renders Reply."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.conversation.messages import Reply


class Channel(Protocol):
    """A channel that runs inside the web server (Telegram, Teams)."""

    name: str
    router: Any  # a fastapi.APIRouter, or None when the channel serves no HTTP route

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None: ...


def numbered(reply: Reply) -> str:
    """A reply as plain text, choices as a numbered list (for channels without buttons)."""
    if not reply.choices:
        return reply.text
    lines = [reply.text, *(f"  {i}. {c}" for i, c in enumerate(reply.choices, 1))]
    return "\n".join(lines)
