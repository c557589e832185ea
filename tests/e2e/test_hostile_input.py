"""Hostile input over every channel: no 5xx, and what was accepted is stored as sent (after the documented cleaning).

The documented cleaning (bot.service.clean_text): NUL and lone surrogates are removed; everything else
(direction marks, zero-width joiners, emoji, markup, SQL) is kept as typed. Teams also drops
<at> mentions and collapses runs of spaces (bot.channels.teams.translate.strip_mentions).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import delete, select

from bot.bootstrap import Container, bootstrap
from bot.channels.teams.translate import strip_mentions
from bot.service import clean_text
from bot.settings import Settings
from bot.storage.orm import ConversationRow
from bot.web.app import create_app
from tests.fakes import FakeClock, FakeUnderstander
from tests.integration.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.integration.telegram.fake_bot_api import running as bot_api
from tests.servers import free_port, running
from tests.unit.teams.activities import SAM, message
from tests.unit.telegram import updates as u
from tests.web import signed_in

SECRET = "hostile_Secret-token"
PREFIX = "Een klant schold me uit: "  # makes every line the free recall of a new report, so it is stored


def _uncommon_emoji(count: int) -> str:
    """`count` emoji from the supplemental blocks (symbols and pictographs extended, chess, ...)."""
    blocks = itertools.chain(range(0x1FA70, 0x1FAFF), range(0x1F900, 0x1F9FF), range(0x1F680, 0x1F6FF),
                             range(0x1F300, 0x1F5FF))
    return "".join(chr(c) for c in itertools.islice(itertools.cycle(list(blocks)), count))


def corpus() -> list[str]:
    lines = [
        # lone surrogates and NUL
        "\ud800", "\udfff", "a\ud800b", "\udc00\ud800", "x" + "\ud83d" * 5, "\x00", "a\x00b", "\x00" * 50,
        "stop\x00", "\ud800\x00\udfff",
        # direction overrides and invisible characters
        "\u202eeteled\u202c", "abc\u202edef\u202c", "\u2066isolaat\u2069", "\u200f\u200e\u200f", "\u061c",
        "a\u200db", "\u200b" * 40, "\ufeffbom", "\u2060joiner", "\u180e", "\u2028regel\u2029alinea",
        "\u0085next", "tab\there", "cr\r\nlf", "\x1b[31mrood\x1b[0m", "\x7f\x08\x07",
        # emoji sequences
        "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🇳🇱🇧🇪🇪🇺", "👍🏽👍🏿", "🧑🏻\u200d💻", "❤️\u200d🔥",
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "1\ufe0f\u20e3",
        _uncommon_emoji(4000),
        # homoglyphs and look-alikes of commands and buttons
        "ѕtop", "ＳＴＯＰ", "/ѕtart", "mеlden", "ｍｉｊｎ ｍｅｌｄｉｎｇｅｎ", "Νee, verder", "ѵersturen", "𝐬𝐭𝐨𝐩",
        "/start ABCD-2345", "/stop@other_bot", "stop", "/melden", "1", "99999999999999999999999", "-1",
        # SQL, markup, templates
        "'; DROP TABLE reports; --", "\" OR 1=1 --", "1; DELETE FROM audit_log", "Robert'); DROP TABLE x;--",
        "%' OR '%'='", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<at>meldbot</at> hoi",
        "&lt;b&gt;&amp;&nbsp;", "<!--", "]]>", "{name}", "{0.__class__.__mro__}", "%s%s%s%n", "${jndi:x}",
        "{{7*7}}", "\\u0000\\ud800", "*_`~[]()#+-.!|", "null", "undefined", "NaN",
        # sizes and shapes
        "a" * 100_000, "[" * 5_000 + "]" * 5_000, '{"a":' * 3_000 + "1" + "}" * 3_000, "woord " * 2_000,
        "x" * 4097, "",  " ", "\u3000", "\n\n\n",
        # other Unicode oddities
        "Z̴̡̢͈a̸l̷g̶o̵" * 20, "\uffff\ufffe", "\ue000\U000f0000", "ﷺ" * 30, "𒐫" * 50, "ß\u0130ı", "e\u0301",
        "한국어 日本語 العربية עברית", "\u0000\u0001\u001f",
    ]
    assert len(lines) >= 80
    return lines


CORPUS = corpus()


def expected(text: str, channel: str) -> str:
    said = PREFIX + text
    if channel == "teams":
        said = strip_mentions(said)
    return clean_text(said).strip()


def raw_json(body: Any) -> bytes:
    """JSON as a client may send it: lone surrogates as \\u escapes (valid JSON, invalid UTF-16)."""
    return json.dumps(body).encode("ascii")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with bot_api() as fake:
        yield fake


@pytest.fixture
def server(tmp_path: Path, api: FakeBotApi) -> Iterator[tuple[Container, FastAPI, str]]:
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", attachments_dir=tmp_path / "attachments",
        model_dir=tmp_path / "model", scheduler_enabled=False, teams_dev_anonymous=True,
        telegram_token=SecretStr(TOKEN), telegram_base_url=api.base_url, telegram_base_file_url=api.base_file_url,
        telegram_webhook_url=f"http://127.0.0.1:{port}/tg/hook", telegram_webhook_secret=SecretStr(SECRET),
    )
    container = bootstrap(settings, understander=FakeUnderstander(), clock=FakeClock())
    app = create_app(container=container)
    try:
        with running(app, port=port) as base:
            yield container, app, base
    finally:
        container.close()


def forget_conversations(container: Container) -> None:
    with container.session_factory() as session:
        session.execute(delete(ConversationRow))
        session.commit()


def last_said(container: Container, channel: str) -> str | None:
    """The user's newest line as stored with the conversation."""
    with container.session_factory() as session:
        state = session.scalars(select(ConversationRow.state).where(ConversationRow.channel == channel)).one()
    mine = [e["text"] for e in state.get("transcript") or () if e.get("who") == "me"]
    return str(mine[-1]) if mine else None


def check(container: Container, channel: str, post: Callable[[int, str], int]) -> None:
    """Every line as the start of a report: no 5xx; accepted lines are stored as cleaned."""
    failures, wrong, accepted = [], [], 0
    for i, line in enumerate(CORPUS):
        forget_conversations(container)
        status = post(i, PREFIX + line)
        if status >= 500:
            failures.append((i, status))
        elif status < 300:
            accepted += 1
            if last_said(container, channel) != expected(line, channel):
                wrong.append(i)
    assert failures == []
    assert wrong == []
    assert accepted >= 75


JSON = {"Content-Type": "application/json"}
DEEP = b"[" * 50_000  # nested deeper than any JSON parser recurses


def test_hostile_input_over_the_web_chat_api(server: tuple[Container, FastAPI, str]) -> None:
    container, app, base = server
    with signed_in(app, base, "demo") as client:

        def post(i: int, text: str) -> int:
            body = raw_json({"text": text, "message_id": f"hostile-{i}"})
            return client.post("/api/chat", content=body, headers=JSON).status_code

        check(container, "web", post)


def test_hostile_input_over_the_telegram_webhook(server: tuple[Container, FastAPI, str], api: FakeBotApi) -> None:
    container, _, _ = server
    api.wait_for(lambda: api.webhook is not None)
    assert api.webhook is not None
    hook, headers = api.webhook["url"], {"X-Telegram-Bot-Api-Secret-Token": SECRET, **JSON}
    with container.uow_factory() as uow:
        code = uow.link_codes.create("demo", container.clock.now())
        uow.commit()

    def post(i: int, text: str) -> int:
        before = len(api.sent())
        status = httpx.post(hook, content=raw_json(u.with_id(u.text(text), 10_000 + i)), headers=headers,
                            timeout=30).status_code
        if status == 200:
            assert len(api.sent()) > before, i  # answered, never silence
        return status

    assert post(-1, f"/start {code}") == 200
    check(container, "telegram", post)
    assert httpx.post(hook, content=DEEP, headers=headers, timeout=30).status_code == 400
    assert httpx.post(hook, content=b"\xff\xfe", headers=headers, timeout=30).status_code == 400


def test_hostile_input_over_teams(server: tuple[Container, FastAPI, str]) -> None:
    container, _, base = server

    def post(i: int, text: str) -> int:
        activity = message(text, aad=SAM, activity_id=f"17000000{i:05d}")
        return httpx.post(f"{base}/api/messages", content=raw_json(activity), headers=JSON, timeout=30).status_code

    check(container, "teams", post)
    assert httpx.post(f"{base}/api/messages", content=DEEP, headers=JSON, timeout=30).status_code == 400
