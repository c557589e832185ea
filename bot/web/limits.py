"""Overload protection for the web: request rates per address and per person, and a cap on turns in flight.

Rates are a token bucket written as GCRA (one timestamp per key): `per_minute` requests a minute on
average, `burst` of them at once. With `MELDBOT_REDIS_URL` the buckets live in Redis and all worker
processes share them; without it each process keeps its own buckets in memory, which is exact for the
embedded single-process default (`meldbot serve`) and per worker with `--workers N` (then each worker
allows the full rate, so N times the configured rate in total).

A refused request gets 429 with a Dutch `detail` and `Retry-After` (whole seconds) and is not processed.
When the store cannot be reached the request is let through (and a warning logged): an outage of the
limiter must not stop people from reporting.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.settings import Settings

logger = logging.getLogger(__name__)

LIMITED_PREFIXES = ("/api/", "/beheer")
HEAVY_PATHS = frozenset({"/api/chat", "/api/chat/evidence"})  # turns: database work and the understanding
WARN_EVERY = 60.0  # seconds between two warnings about an unreachable store


@dataclass(frozen=True, slots=True)
class Rate:
    """`per_minute` on average with `burst` at once; a rate of 0 (or less) is no limit."""

    per_minute: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0 and self.burst > 0

    @property
    def interval(self) -> float:
        """Seconds one request uses up."""
        return 60.0 / self.per_minute


def gcra(tat: float | None, now: float, rate: Rate) -> tuple[float, float]:
    """(the bucket's new theoretical arrival time, seconds to wait): wait 0 means allowed (and counted).

    A refused request does not count, so a client that retries after `Retry-After` gets through.
    """
    start = now if tat is None or tat < now else tat
    new_tat = start + rate.interval
    wait = new_tat - now - rate.burst * rate.interval
    if wait > 1e-9:  # not a rounding error of the sums above
        return (tat if tat is not None else now), wait
    return new_tat, 0.0


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


class RateStore(Protocol):
    async def take(self, key: str, rate: Rate) -> float:
        """Use one request of `key`'s bucket; the seconds to wait when refused, else 0."""
        ...


class MemoryRateStore:
    """Buckets in this process (exact for one process; each worker has its own)."""

    def __init__(self, now: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self.now = now
        self.max_keys = max_keys
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()

    async def take(self, key: str, rate: Rate) -> float:
        return self.take_now(key, rate)

    def take_now(self, key: str, rate: Rate) -> float:
        now = self.now()
        with self._lock:
            tat, wait = gcra(self._tats.get(key), now, rate)
            if len(self._tats) >= self.max_keys:
                # Buckets whose time has passed are full again; forgetting them changes nothing.
                self._tats = {k: v for k, v in self._tats.items() if v > now}
            self._tats[key] = tat
        return wait


# GCRA in one atomic step on the Redis server's own clock (all workers agree on the time).
_REDIS_GCRA = """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local wait = new_tat - now - burst * interval
if wait > 0 then return wait end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000) + 1)
return 0
"""


class RedisRateStore:
    """Buckets in Redis, shared by every worker process; keys expire when their bucket is full again."""

    def __init__(self, url: str, prefix: str = "meldbot:rate:") -> None:
        import redis.asyncio as aioredis  # optional: only needed when MELDBOT_REDIS_URL is set

        self.client: Any = aioredis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.script: Any = self.client.register_script(_REDIS_GCRA)
        self.prefix = prefix

    async def take(self, key: str, rate: Rate) -> float:
        micros = int(await self.script(keys=[self.prefix + key],
                                       args=[round(rate.interval * 1_000_000), rate.burst]))
        return micros / 1_000_000

    async def close(self) -> None:
        await self.client.aclose()


class RateLimiter:
    """The configured rates over one store; `check` answers how long a caller must wait (0: go ahead)."""

    def __init__(self, store: RateStore, *, per_address: Rate, per_person: Rate) -> None:
        self.store = store
        self.per_address = per_address
        self.per_person = per_person
        self._warned_at = -math.inf

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        store: RateStore
        if settings.redis_url is not None:
            store = RedisRateStore(settings.redis_url.get_secret_value())
        else:
            store = MemoryRateStore()
        return cls(store,
                   per_address=Rate(settings.requests_per_address_per_minute, settings.requests_per_address_burst),
                   per_person=Rate(settings.chat_messages_per_person_per_minute,
                                   settings.chat_messages_per_person_burst))

    @property
    def in_process(self) -> bool:
        """True when the buckets live in this process (no Redis): `person_wait_now` can be used."""
        return isinstance(self.store, MemoryRateStore)

    def person_wait_now(self, person_id: str) -> float:
        """`person_wait` without awaiting, for the in-process store (from any thread)."""
        assert isinstance(self.store, MemoryRateStore)
        return self.store.take_now(f"chat:{person_id}", self.per_person) if self.per_person.enabled else 0.0

    async def address_wait(self, address: str) -> float:
        return await self._check(f"addr:{address}", self.per_address)

    async def person_wait(self, person_id: str) -> float:
        return await self._check(f"chat:{person_id}", self.per_person)

    async def _check(self, key: str, rate: Rate) -> float:
        if not rate.enabled:
            return 0.0
        try:
            return await self.store.take(key, rate)
        except Exception as exc:  # noqa: BLE001 - the store is down: let people report
            if time.monotonic() - self._warned_at > WARN_EVERY:
                self._warned_at = time.monotonic()
                logger.warning("rate limit store unavailable, requests are not limited: %s",
                               exc.__class__.__name__)
            return 0.0

    async def close(self) -> None:
        if isinstance(self.store, RedisRateStore):
            await self.store.close()


def too_many(texts: dict[str, str], key: str, wait: float) -> JSONResponse:
    """429 with the Dutch text `key` saying how long to wait, and Retry-After in whole seconds."""
    seconds = retry_after_seconds(wait)
    waiting = texts["wait_one_second"] if seconds == 1 else texts["wait_seconds"].format(seconds=seconds)
    return JSONResponse(status_code=429, content={"detail": texts[key].format(wait=waiting)},
                        headers={"Retry-After": str(seconds)})


def install_limits(app: FastAPI, limiter: RateLimiter, texts: dict[str, str], *, max_turns_in_flight: int,
                   exempt_paths: Collection[str] = ()) -> None:
    """Per-address rates on /api/ and /beheer, and at most `max_turns_in_flight` chat turns at once.

    Channel webhooks (`exempt_paths`) are left out: they come from a platform's few addresses and the
    platform authenticates them. Turns over the cap wait here, in the event loop, without holding a
    thread, so the thread pool always has room for /healthz and the pages.
    """
    app.add_middleware(LimitMiddleware, limiter=limiter, texts=texts, max_turns_in_flight=max_turns_in_flight,
                       exempt_paths=frozenset(exempt_paths))


class LimitMiddleware:
    """The per-address rate and the cap on turns in flight (see install_limits); plain ASGI middleware, so a
    request costs no task group or stream of its own here."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, texts: dict[str, str], max_turns_in_flight: int,
                 exempt_paths: frozenset[str]) -> None:
        self.app = app
        self.limiter = limiter
        self.texts = texts
        self.exempt_paths = exempt_paths
        self.turns = asyncio.Semaphore(max_turns_in_flight) if max_turns_in_flight > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(LIMITED_PREFIXES) or path in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        wait = await self.limiter.address_wait(address)
        if wait > 0:
            logger.info("rate limit: address over its limit, %s refused", scope["method"])
            await too_many(self.texts, "rate_limited_address", wait)(scope, receive, send)
            return
        if self.turns is None or path not in HEAVY_PATHS:
            await self.app(scope, receive, send)
            return
        async with self.turns:
            await self.app(scope, receive, send)
