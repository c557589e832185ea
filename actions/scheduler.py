"""The scheduler: one APScheduler interval job ("tick") that runs the dispatcher; state lives in the database."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Coroutine, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler

from actions.dispatch import EMAIL, Dispatcher, TickResult, run_here
from actions.email import SmtpSender
from bot.ports import Sender

if TYPE_CHECKING:
    from bot.bootstrap import Container

logger = logging.getLogger(__name__)


def build_dispatcher(
    container: Container, senders: Mapping[str, Sender], *, deferred_channels: Sequence[str] = ()
) -> Dispatcher:
    """The dispatcher with the given senders, plus e-mail when SMTP is configured."""
    settings = container.settings
    all_senders = dict(senders)
    if EMAIL not in all_senders:
        email = SmtpSender.from_settings(settings, container.texts)
        if email is not None:
            all_senders[EMAIL] = email
    return Dispatcher(
        container.session_factory,
        org=container.org,
        texts=container.texts,
        tz=container.tz,
        clock=container.clock,
        senders=all_senders,
        deferred_channels=deferred_channels,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        batch_size=settings.outbox_batch_size,
        max_attempts=settings.outbox_max_attempts,
        send_timeout=settings.send_timeout_seconds,
    )


class TickScheduler:
    """Runs `dispatcher.run_once` every `interval` seconds in a worker thread, one run at a time.

    Sends run on the server's event loop when there is one (the chat channels' clients live
    there), else on a private loop. Database work stays in the worker thread.
    """

    def __init__(self, dispatcher: Dispatcher, interval: float, loop: asyncio.AbstractEventLoop | None,
                 send_timeout: float) -> None:
        self.dispatcher = dispatcher
        self.interval = interval
        self.loop = loop
        self.send_timeout = send_timeout
        self.ticks = 0
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self._lock = threading.Lock()  # held while a tick runs
        self._stopped = threading.Event()
        self._loop_waits = threading.Event()  # shutdown() blocks the server's loop

    def start(self) -> TickScheduler:
        self._scheduler.add_job(self.tick, "interval", seconds=self.interval, id="tick", max_instances=1,
                                coalesce=True, next_run_time=datetime.now(UTC))
        self._scheduler.start()
        return self

    def tick(self) -> TickResult | None:
        with self._lock:
            if self._stopped.is_set():
                return None
            try:
                result = self.dispatcher.run_once(self._run)
            except Exception:
                logger.exception("tick failed; the next tick tries again")
                return None
            self.ticks += 1
        if result.materialised or result.sent or result.undeliverable or result.failed:
            logger.info("tick: %s queued, %s sent, %s retried, %s undeliverable, %s failed", result.materialised,
                        result.sent, result.retried, result.undeliverable, result.failed)
        return result

    def _run(self, coro: Coroutine[Any, Any, None]) -> None:
        loop = self.loop
        if loop is None or loop.is_closed() or not loop.is_running():
            run_here(coro)
            return
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        deadline = time.monotonic() + self.send_timeout + 5
        while True:
            try:
                future.result(timeout=0.05)
                return
            except concurrent.futures.TimeoutError:
                if self._loop_waits.is_set():
                    # The loop is blocked in shutdown() and cannot finish this send: give it up
                    # (the row is tried again later, so a send already on the wire may repeat).
                    future.cancel()
                    raise
                if time.monotonic() > deadline:
                    future.cancel()
                    raise

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop claiming and wait (at most `timeout` seconds) for the tick in progress to finish."""
        self._stopped.set()
        self.dispatcher.stop()
        self._scheduler.shutdown(wait=False)
        try:
            on_loop = asyncio.get_running_loop() is self.loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            self._loop_waits.set()
        if self._lock.acquire(timeout=timeout):
            self._lock.release()
        else:
            logger.warning("scheduler: the last tick did not finish within %ss", timeout)


def start_scheduler(container: Container, senders: Mapping[str, Sender]) -> TickScheduler:
    """Called by the web server at start-up with its channels by name; returns an object with shutdown()."""
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    dispatcher = build_dispatcher(container, senders)
    logger.info("scheduler: tick every %ss, senders: %s", container.settings.tick_seconds,
                ", ".join(sorted(dispatcher.senders)) or "none")
    return TickScheduler(dispatcher, container.settings.tick_seconds, loop,
                         container.settings.send_timeout_seconds).start()


def run_tick_once(container: Container, senders: Mapping[str, Sender] | None = None,
                  deferred_channels: Sequence[str] = ()) -> TickResult:
    """Run due work once (the `meldbot tick` command): chat channels served by the server are deferred."""
    return build_dispatcher(container, senders or {}, deferred_channels=deferred_channels).run_once(run_here)
