"""Chat turns off the event loop, on threads of their own, with the answers handed back in batches.

Why batches: a turn is Python work that holds the GIL, and so is the event loop. Handed back one by one,
every finished turn wakes the loop while the turn thread goes on with the next one, and the two threads
pass the GIL to and fro (at every database call, which lets the GIL go) from one CPU to the other; on a
two-CPU machine that made a message cost about half as much CPU again as the same turns run in a row.
So a turn thread that has more work waiting keeps its answers until the queue is empty, `MAX_BATCH`
answers are waiting or the oldest has waited `MAX_HOLD_SECONDS` (looked at between turns: an answer waits at
most that plus the turn running then), and hands them back with one wake-up of the loop. Under light load
the queue is empty after every turn and each answer goes back at once.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from bot.conversation.messages import IncomingMessage, TurnOutcome

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_BATCH = 64
MAX_HOLD_SECONDS = 0.02

# A queued call: the loop and future to answer on, and the work with its arguments.
_Call = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[..., Any], tuple[Any, ...]]
# A finished call: the future, whether the work returned, and its result or exception.
_Done = tuple["asyncio.Future[Any]", bool, Any]


class TurnRunner:
    """Runs `handle(message)` off the event loop, on `threads` threads of its own (the loop never waits on a
    turn, and turns never take the threads that pages and /healthz use)."""

    def __init__(self, handle: Callable[[IncomingMessage], TurnOutcome], threads: int, *,
                 max_batch: int = MAX_BATCH, max_hold: float = MAX_HOLD_SECONDS) -> None:
        self._handle = handle
        self._max_batch = max(1, max_batch)
        self._max_hold = max_hold
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._outgoing: dict[asyncio.AbstractEventLoop, list[_Call]] = {}  # calls made in this round of a loop
        self._closed = False
        self._threads = [threading.Thread(target=self._work, name=f"turn-{i}", daemon=True)
                         for i in range(max(1, threads))]
        for thread in self._threads:
            thread.start()

    async def __call__(self, message: IncomingMessage) -> TurnOutcome:
        return await self.call(self._handle, message)

    async def call(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work(*args)` (a turn, or work around a turn such as the request's session lookup) on a turn
        thread and return what it returns (or raise what it raises)."""
        if self._closed:
            raise RuntimeError("the turn runner is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        outgoing = self._outgoing.get(loop)
        if outgoing is None:
            outgoing = self._outgoing[loop] = []
            loop.call_soon(self._send, loop)
        outgoing.append((loop, future, work, args))
        return await future

    def _send(self, loop: asyncio.AbstractEventLoop) -> None:
        """The calls this round of the loop made, queued together once it has run (the turn thread starts
        when the loop is about to wait again, instead of competing with it for the GIL while it reads the
        other requests that arrived at the same time)."""
        for item in self._outgoing.pop(loop, ()):
            if self._closed:
                _settle([(item[1], False, None)])
            else:
                self._queue.put(item)

    def close(self) -> None:
        """Stop taking calls; the threads finish the call they are on, and calls still queued are cancelled."""
        if self._closed:
            return
        self._closed = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                _hand_back(item[0], [(item[1], False, None)])
        for _ in self._threads:
            self._queue.put(None)

    def _work(self) -> None:
        held: dict[asyncio.AbstractEventLoop, list[_Done]] = {}
        count, since = 0, 0.0
        while True:
            try:
                item = self._queue.get(block=not held)  # with answers held, only look whether more is waiting
            except queue.Empty:
                item, idle = None, True
            else:
                idle = False
            stop = item is None and not idle  # close() puts None
            if item is not None:
                loop, future, work, args = item
                try:
                    done: _Done = (future, True, work(*args))
                except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
                    done = (future, False, exc)
                if not held:
                    since = time.monotonic()
                held.setdefault(loop, []).append(done)
                count += 1
            if held and (idle or stop or count >= self._max_batch or time.monotonic() - since >= self._max_hold):
                for loop, answers in held.items():
                    _hand_back(loop, answers)
                held, count = {}, 0
            if stop:
                return


def _hand_back(loop: asyncio.AbstractEventLoop, answers: list[_Done]) -> None:
    """Settle the futures on their loop's thread, with one wake-up of that loop."""
    try:
        loop.call_soon_threadsafe(_settle, answers)
    except RuntimeError:  # the loop is closed: nobody waits for these answers any more
        logger.debug("event loop closed; %d turn answers dropped", len(answers))


def _settle(answers: list[_Done]) -> None:
    for future, returned, value in answers:
        if future.done():  # the caller went away (cancelled)
            continue
        if returned:
            future.set_result(value)
        elif value is None:
            future.cancel()
        else:
            future.set_exception(value)
