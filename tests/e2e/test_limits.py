"""Overload: per-person and per-address rate limits on the HTTP server, shared through Redis when configured."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.web.app import create_app, load_web_texts
from bot.web.limits import MemoryRateStore, Rate, RateLimiter, RedisRateStore, gcra, too_many
from tests.fakes import FakeClock, FakeUnderstander
from tests.servers import running
from tests.web import signed_in

REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class Site:
    app: FastAPI
    url: str
    container: Container


@pytest.fixture
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    limits: dict[str, Any] = getattr(request, "param", {})
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", scheduler_enabled=False, **limits)
    container = bootstrap(settings, understander=FakeUnderstander(), clock=FakeClock())
    try:
        app = create_app(container=container)
        with running(app) as base:
            yield Site(app, base, container)
    finally:
        container.close()


def processed(container: Container, person: str, message_id: str) -> bool:
    """True when the turn of this message ran (its delivery and replies are recorded)."""
    with container.uow_factory() as uow:
        try:
            return uow.deliveries.response("web", f"{person}:{message_id}") is not None
        finally:
            uow.rollback()


def send(client: httpx.Client, text: str, message_id: str) -> httpx.Response:
    return client.post("/api/chat", json={"text": text, "message_id": message_id})


PERSON_LIMIT = {"chat_messages_per_person_per_minute": 30, "chat_messages_per_person_burst": 10,
                "requests_per_address_per_minute": 6000, "requests_per_address_burst": 1000}


@pytest.mark.parametrize("site", [PERSON_LIMIT], indirect=True)
def test_a_flood_from_one_person_gets_429s_and_nothing_refused_is_processed(site: Site) -> None:
    ids = [f"flood-{i}" for i in range(100)]
    with signed_in(site.app, site.url, "demo") as flooder, signed_in(site.app, site.url, "noor") as colleague:
        with ThreadPoolExecutor(max_workers=10) as pool:
            responses = list(pool.map(lambda mid: send(flooder, f"bericht {mid}", mid), ids))
        statuses = [r.status_code for r in responses]
        assert set(statuses) == {200, 429}
        assert 10 <= statuses.count(200) <= 13  # the burst, plus what trickled back in during the flood
        refused = [r for r in responses if r.status_code == 429]
        for res in refused:
            assert 1 <= int(res.headers["retry-after"]) <= 2
            assert res.json()["detail"].startswith("Je stuurt te veel berichten kort na elkaar. Wacht ")
            assert "niet verwerkt" in res.json()["detail"]
        assert send(colleague, "Hallo", "colleague-1").status_code == 200  # another person is not affected

        for mid, res in zip(ids, responses, strict=True):
            assert processed(site.container, "demo", mid) == (res.status_code == 200), mid
        assert processed(site.container, "noor", "colleague-1")

        later = next(mid for mid, res in zip(ids, responses, strict=True) if res.status_code == 429)
        time.sleep(int(refused[0].headers["retry-after"]))
        again = send(flooder, f"bericht {later}", later)
        assert again.status_code == 200  # sent again after Retry-After, it is processed once
        assert processed(site.container, "demo", later)


# One request per 10 s after a burst of 20: the 40 requests below meet the limit however slow the machine is.
ADDRESS_LIMIT = {"requests_per_address_per_minute": 6, "requests_per_address_burst": 20}


@pytest.mark.parametrize("site", [ADDRESS_LIMIT], indirect=True)
def test_one_address_gets_429_on_the_api_but_health_and_pages_stay_available(site: Site) -> None:
    with signed_in(site.app, site.url, "demo") as browser:
        statuses = [browser.get("/api/me").status_code for _ in range(40)]
        assert statuses[:15] == [200] * 15
        assert statuses[-1] == 429
        res = browser.get("/api/reports")
        assert res.status_code == 429
        seconds = int(res.headers["retry-after"])
        assert 1 <= seconds <= 10
        wait = "1 seconde" if seconds == 1 else f"{seconds} seconden"
        assert res.json()["detail"] == (f"Er komen te veel verzoeken binnen vanaf dit adres. Wacht {wait} en "
                                        "probeer het dan opnieuw; dit verzoek is niet verwerkt.")
        assert browser.get("/healthz").status_code == 200
        assert browser.get("/").status_code == 200


def test_the_default_limits_leave_room_for_a_person_typing_quickly() -> None:
    settings = Settings()
    person = Rate(settings.chat_messages_per_person_per_minute, settings.chat_messages_per_person_burst)
    address = Rate(settings.requests_per_address_per_minute, settings.requests_per_address_burst)
    store = MemoryRateStore(now=lambda: 0.0)
    assert all(store.take_now("p", person) == 0 for _ in range(person.burst))
    assert store.take_now("p", person) > 0
    assert all(store.take_now("a", address) == 0 for _ in range(address.burst))
    assert (person.per_minute, address.per_minute) == (30, 300)


def test_the_bucket_refills_at_its_rate_and_a_refused_request_does_not_count() -> None:
    rate = Rate(per_minute=60, burst=2)
    tat, wait = gcra(None, 100.0, rate)
    tat, wait = gcra(tat, 100.0, rate)
    assert wait == 0
    refused_tat, wait = gcra(tat, 100.0, rate)
    assert (refused_tat, wait) == (tat, pytest.approx(1.0))
    _, wait = gcra(refused_tat, 101.0, rate)
    assert wait == 0


async def redis_reachable() -> bool:
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        return bool(await client.ping())
    except Exception:  # noqa: BLE001 - any failure: not usable here
        return False
    finally:
        await client.aclose()


async def test_workers_share_their_limits_through_redis() -> None:
    if not await redis_reachable():
        pytest.skip("no Redis server at 127.0.0.1:6379")
    prefix = f"meldbot:test:{uuid.uuid4().hex}:"
    rate = Rate(per_minute=30, burst=3)
    first, second = RedisRateStore(REDIS_URL, prefix), RedisRateStore(REDIS_URL, prefix)
    try:
        waits = [await store.take("chat:demo", rate) for store in (first, second, first, second)]
        assert waits[:3] == [0, 0, 0]
        assert 1.9 < waits[3] <= 2.0
        assert await second.take("chat:noor", rate) == 0
    finally:
        await first.close()
        await second.close()


async def test_an_unreachable_limit_store_lets_people_report() -> None:
    store = RedisRateStore("redis://127.0.0.1:1/0")
    limiter = RateLimiter(store, per_address=Rate(1, 1), per_person=Rate(1, 1))
    try:
        assert await limiter.person_wait("demo") == 0
    finally:
        await limiter.close()


@pytest.mark.parametrize(("wait", "seconds", "words"), [(0.2, 1, "1 seconde"), (1.0, 1, "1 seconde"),
                                                         (1.01, 2, "2 seconden"), (9.5, 10, "10 seconden")])
def test_the_refusal_says_how_long_to_wait_in_whole_seconds(wait: float, seconds: int, words: str) -> None:
    res = too_many(load_web_texts(Settings()), "rate_limited_address", wait)
    assert (res.status_code, res.headers["retry-after"]) == (429, str(seconds))
    assert f"Wacht {words} en" in json.loads(bytes(res.body))["detail"]
