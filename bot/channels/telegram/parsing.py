"""Updates from raw JSON, tolerant of content this PTB version cannot parse (a newer or older Bot API).

PTB raises when one field of an update does not match its classes (e.g. a poll without a field
that became required). One such update must not stop every update behind it: it is parsed on
its own, and a message that still fails keeps only its envelope and is answered as unsupported.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Update
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)

UNPARSED = "meldbot_unparsed"  # api_kwargs key on a salvaged message: the kind of content it had
_ENVELOPE = ("message_id", "date", "chat", "from", "text", "caption")
_FORMATTING = {"entities", "caption_entities", "link_preview_options", "reply_to_message", "forward_origin",
               "message_thread_id", "edit_date", "has_protected_content", "author_signature"}


class KeepRawRequest(HTTPXRequest):
    """The getUpdates request, keeping the last parsed response so that updates can be parsed one by one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_payload: dict[str, Any] | None = None

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        parsed = HTTPXRequest.parse_json_payload(payload)
        self.last_payload = parsed
        return parsed

    def last_updates(self) -> list[dict[str, Any]] | None:
        result = (self.last_payload or {}).get("result")
        return result if isinstance(result, list) else None


def parse_update(data: Any, bot: Bot | None) -> Update | None:
    """The update; a salvaged envelope when its content cannot be parsed; None when it is not an update."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    try:
        return Update.de_json(data, bot)
    except Exception:  # noqa: BLE001 - any parsing failure: salvage below
        logger.warning("update %s: content not understood by this PTB version; salvaging", data["update_id"])
    try:
        return Update.de_json(_salvage(data), bot)
    except Exception:  # noqa: BLE001 - nothing usable; the update is skipped
        logger.error("update %s could not be parsed; skipped", data["update_id"])
        return Update.de_json({"update_id": data["update_id"]}, bot)


def _salvage(data: dict[str, Any]) -> dict[str, Any]:
    message = data.get("message")
    if not isinstance(message, dict):
        return {"update_id": data["update_id"]}
    kept = {k: message[k] for k in _ENVELOPE if k in message}
    kind = next((k for k in message if k not in _ENVELOPE and k not in _FORMATTING), "other")
    kept[UNPARSED] = kind
    return {"update_id": data["update_id"], "message": kept}
