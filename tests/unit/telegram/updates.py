"""Telegram updates as the Bot API sends them (JSON dicts), for tests; update_id is added by the caller."""

from __future__ import annotations

import copy
import itertools
from typing import Any

USER_ID = 777001
DATE = 1763456400  # 2025-11-18, a Tuesday
BOT = {"id": 123456, "is_bot": True, "first_name": "meldbot", "username": "meldbot_test_bot"}
_message_ids = itertools.count(5000)

# The smallest valid files of each kind, by their first bytes.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def user(uid: int = USER_ID) -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": "Sam", "language_code": "nl"}


def chat(uid: int = USER_ID, kind: str = "private") -> dict[str, Any]:
    if kind == "private":
        return {"id": uid, "type": "private", "first_name": "Sam"}
    return {"id": -100 - uid, "type": kind, "title": "Team"}


def message(uid: int = USER_ID, *, chat_kind: str = "private", **content: Any) -> dict[str, Any]:
    return {"message": {"message_id": next(_message_ids), "date": DATE, "chat": chat(uid, chat_kind),
                        "from": user(uid), **content}}


def text(value: str, uid: int = USER_ID, **kwargs: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if value.startswith("/"):
        extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(value.split(" ")[0])}]
    return message(uid, text=value, **extra, **kwargs)


def photo(file_id: str, uid: int = USER_ID, *, size: int = len(JPEG), caption: str | None = None) -> dict[str, Any]:
    sizes = [
        {"file_id": file_id + "-small", "file_unique_id": "s" + file_id, "width": 90, "height": 68, "file_size": 99},
        {"file_id": file_id, "file_unique_id": "u" + file_id, "width": 1280, "height": 960, "file_size": size},
    ]
    return message(uid, photo=sizes, **({"caption": caption} if caption else {}))


def document(file_id: str, mime: str, name: str, uid: int = USER_ID, *, size: int = 1000) -> dict[str, Any]:
    return message(uid, document={"file_id": file_id, "file_unique_id": "u" + file_id, "file_name": name,
                                  "mime_type": mime, "file_size": size})


def location(lat: float, lon: float, uid: int = USER_ID) -> dict[str, Any]:
    return message(uid, location={"latitude": lat, "longitude": lon})


def venue(lat: float, lon: float, uid: int = USER_ID) -> dict[str, Any]:
    return message(uid, venue={"location": {"latitude": lat, "longitude": lon}, "title": "Stadskantoor",
                               "address": "Markt 1"},
                   location={"latitude": lat, "longitude": lon})


UNSUPPORTED: dict[str, dict[str, Any]] = {
    "voice": {"voice": {"file_id": "v1", "file_unique_id": "uv1", "duration": 3}},
    "sticker": {"sticker": {"file_id": "st1", "file_unique_id": "ust1", "type": "regular", "width": 512,
                            "height": 512, "is_animated": False, "is_video": False}},
    "poll": {"poll": {
        "id": "1", "question": "Koffie?", "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
        "type": "regular", "allows_multiple_answers": False, "allows_revoting": False, "members_only": False,
        "options": [{"persistent_id": "o1", "text": "ja", "voter_count": 0},
                    {"persistent_id": "o2", "text": "nee", "voter_count": 0}],
    }},
    "contact": {"contact": {"phone_number": "+31600000000", "first_name": "Piet"}},
    "video": {"video": {"file_id": "vd1", "file_unique_id": "uvd1", "width": 640, "height": 480, "duration": 5}},
    "video_note": {"video_note": {"file_id": "vn1", "file_unique_id": "uvn1", "length": 240, "duration": 5}},
    "audio": {"audio": {"file_id": "a1", "file_unique_id": "ua1", "duration": 30}},
    "animation": {"animation": {"file_id": "an1", "file_unique_id": "uan1", "width": 1, "height": 1,
                                "duration": 1},
                  "document": {"file_id": "an1", "file_unique_id": "uan1", "mime_type": "video/mp4"}},
    "dice": {"dice": {"emoji": "🎲", "value": 3}},
}


def unsupported(kind: str, uid: int = USER_ID) -> dict[str, Any]:
    return message(uid, **copy.deepcopy(UNSUPPORTED[kind]))


def callback(data: str, uid: int = USER_ID, *, query_id: str = "cq-1") -> dict[str, Any]:
    return {"callback_query": {"id": query_id, "from": user(uid), "chat_instance": "ci-1", "data": data,
                               "message": {"message_id": 1, "date": DATE, "chat": chat(uid), "from": BOT,
                                           "text": "Vraag"}}}


def with_id(update: dict[str, Any], update_id: int) -> dict[str, Any]:
    return {"update_id": update_id, **update}
