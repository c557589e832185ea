"""A local fake Bot API server (stdlib HTTP, own thread) that follows the Bot API for the methods meldbot uses.

It records every call, serves queued updates through getUpdates (long polling, offsets
confirm) or posts them to the webhook set with setWebhook (with its secret token header),
serves files under /file/bot<token>/<file_path>, and checks what Telegram checks for
sendMessage (text length, callback_data size).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

TOKEN = "123456:TEST-token_for-meldbot"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "meldbot", "username": "meldbot_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope"}
INT_FIELDS = {"chat_id", "offset", "limit", "timeout", "message_id", "max_connections", "cache_time"}
BOOL_FIELDS = {"drop_pending_updates", "show_alert", "disable_notification"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class _Failure:
    code: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeBotApi:
    """The server's state; use `running()` to serve it on 127.0.0.1 with a free port."""

    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file_id -> (file_path, content)
    blocked_chats: set[int] = field(default_factory=set)
    webhook: dict[str, Any] | None = None
    webhook_statuses: list[int] = field(default_factory=list)
    failures: dict[str, list[_Failure]] = field(default_factory=dict)
    url: str = ""

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)

    # -- test side -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
            self._cond.notify_all()
        return int(update["update_id"])

    def deliver(self, update: dict[str, Any], *, secret: str | None = None, timeout: float = 30) -> int:
        """Post an update to the webhook as Telegram does; returns the HTTP status of the bot's answer."""
        assert self.webhook is not None, "setWebhook was not called"
        update = {"update_id": next(self._update_ids), **update}
        token = self.webhook.get("secret_token") if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        status = httpx.post(self.webhook["url"], json=update, headers=headers, timeout=timeout).status_code
        self.webhook_statuses.append(status)
        return status

    def add_file(self, file_id: str, content: bytes, file_path: str) -> None:
        self.files[file_id] = (file_path, content)

    def fail_next(self, method: str, code: int, description: str, retry_after: int | None = None) -> None:
        self.failures.setdefault(method, []).append(_Failure(code, description, retry_after))

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in list(self.calls) if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [p for p in self.called("sendMessage") if chat_id is None or p["chat_id"] == chat_id]

    def button(self, label: str, chat_id: int | None = None) -> str:
        """The callback_data of the newest button with this label sent to the chat."""
        for m in reversed(self.sent(chat_id)):
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", []):
                for b in row:
                    if b["text"] == label:
                        return str(b["callback_data"])
        raise AssertionError(f"no button {label!r}")

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time; calls: " + repr([c.method for c in self.calls]))
            time.sleep(0.02)

    def pending(self) -> list[int]:
        with self._cond:
            return [u["update_id"] for u in self.updates]

    # -- Bot API side ----------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(Call(method, params))
        queued = self.failures.get(method)
        if queued:
            f = queued.pop(0)
            body: dict[str, Any] = {"ok": False, "error_code": f.code, "description": f.description}
            if f.retry_after is not None:
                body["parameters"] = {"retry_after": f.retry_after}
            return f.code, body
        handler = getattr(self, "_m_" + method, None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        result = handler(params)
        if isinstance(result, tuple):
            code, description = result
            return code, {"ok": False, "error_code": code, "description": description}
        return 200, {"ok": True, "result": result}

    def _m_getMe(self, p: dict[str, Any]) -> Any:
        return BOT_USER

    def _m_getUpdates(self, p: dict[str, Any]) -> Any:
        if self.webhook is not None:
            return 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook first"
        offset, limit, timeout = p.get("offset"), p.get("limit") or 100, p.get("timeout") or 0
        deadline = time.monotonic() + timeout
        with self._cond:
            if offset is not None:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self._cond.wait(timeout=min(0.1, max(deadline - time.monotonic(), 0)))
            return self.updates[:limit]

    def _m_sendMessage(self, p: dict[str, Any]) -> Any:
        text = p.get("text") or ""
        if not text.strip():
            return 400, "Bad Request: message text is empty"
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return 400, "Bad Request: message is too long"
        for row in (p.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64 or not button.get("text"):
                    return 400, "Bad Request: BUTTON_DATA_INVALID"
        if p["chat_id"] in self.blocked_chats:
            return 403, "Forbidden: bot was blocked by the user"
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": p["chat_id"], "type": "private", "first_name": "Test"}, "text": text}
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        return message

    def _m_answerCallbackQuery(self, p: dict[str, Any]) -> Any:
        return True

    def _m_getFile(self, p: dict[str, Any]) -> Any:
        found = self.files.get(p.get("file_id", ""))
        if found is None:
            return 400, "Bad Request: invalid file_id"
        path, content = found
        return {"file_id": p["file_id"], "file_unique_id": "u" + p["file_id"], "file_size": len(content),
                "file_path": path}

    def _m_setWebhook(self, p: dict[str, Any]) -> Any:
        self.webhook = p if p.get("url") else None
        return True

    def _m_deleteWebhook(self, p: dict[str, Any]) -> Any:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self.updates.clear()
        return True

    def _m_getWebhookInfo(self, p: dict[str, Any]) -> Any:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}

    def _m_setMyCommands(self, p: dict[str, Any]) -> Any:
        return True

    def file_content(self, path: str) -> bytes | None:
        return next((content for fp, content in self.files.values() if fp == path), None)


def parse_params(content_type: str, body: bytes) -> dict[str, Any]:
    """Bot API parameters from a JSON or form-encoded body (complex values are JSON strings there)."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(body))
    params: dict[str, Any] = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key, value in list(params.items()):
        if key in JSON_FIELDS:
            params[key] = json.loads(value)
        elif key in INT_FIELDS:
            params[key] = int(value)
        elif key in BOOL_FIELDS:
            params[key] = value in ("true", "True", "1")
    return params


def _handler(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            return None

        def _reply(self, code: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _route(self) -> tuple[str, str] | None:
            path = unquote(urlsplit(self.path).path)
            for prefix, kind in ((f"/file/bot{api.token}/", "file"), (f"/bot{api.token}/", "method")):
                if path.startswith(prefix):
                    return kind, path[len(prefix):]
            return None

        def do_GET(self) -> None:
            route = self._route()
            if route and route[0] == "file":
                content = api.file_content(route[1])
                if content is not None:
                    self._reply(200, content, "application/octet-stream")
                    return
            if route and route[0] == "method":
                self._method(route[1], dict(parse_qsl(urlsplit(self.path).query)))
                return
            self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            route = self._route()
            if route is None or route[0] != "method":
                self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
                return
            self._method(route[1], parse_params(self.headers.get("Content-Type", ""), body))

        def _method(self, method: str, params: dict[str, Any]) -> None:
            code, payload = api.call(method, params)
            self._reply(code, json.dumps(payload).encode())

    return Handler


@contextmanager
def running(api: FakeBotApi | None = None) -> Iterator[FakeBotApi]:
    """Serve the fake on 127.0.0.1 (free port) in a thread for the duration of the block."""
    api = api or FakeBotApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
