"""The turn runner: every call answered once, with its own result or exception, in batches under load."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from bot.turn_runner import TurnRunner


def _echo(value: object) -> object:
    return value


async def test_each_call_gets_its_own_result_and_runs_off_the_loop() -> None:
    loop_thread = threading.get_ident()
    runner = TurnRunner(_echo, threads=1)  # type: ignore[arg-type]
    try:
        ran_on: list[int] = []

        def work(n: int) -> int:
            ran_on.append(threading.get_ident())
            return n * n

        assert await asyncio.gather(*(runner.call(work, n) for n in range(200))) == [n * n for n in range(200)]
        assert set(ran_on) != {loop_thread}
        assert len(ran_on) == 200
        assert await runner("hallo") == "hallo"  # type: ignore[arg-type]
    finally:
        runner.close()


async def test_an_exception_reaches_its_caller_only_and_the_runner_goes_on() -> None:
    runner = TurnRunner(_echo, threads=1)  # type: ignore[arg-type]

    def work(n: int) -> int:
        if n == 3:
            raise ValueError("drie")
        return n

    try:
        results = await asyncio.gather(*(runner.call(work, n) for n in range(6)), return_exceptions=True)
        assert results[:3] == [0, 1, 2]
        assert results[4:] == [4, 5]
        assert isinstance(results[3], ValueError)
        assert str(results[3]) == "drie"
        assert await runner.call(work, 7) == 7
    finally:
        runner.close()


async def timed(runner: TurnRunner, calls: int, seconds: float) -> tuple[list[float], list[float]]:
    """`calls` calls of `seconds` each at once: when each finished on the turn thread, and when each was answered."""
    finished: list[float] = []
    answered: list[float] = []

    def work(n: int) -> int:
        time.sleep(seconds)
        finished.append(time.monotonic())
        return n

    async def one(n: int) -> None:
        assert await runner.call(work, n) == n
        answered.append(time.monotonic())

    await asyncio.gather(*(one(n) for n in range(calls)))
    return finished, answered


async def test_answers_wait_while_more_work_is_queued_but_not_longer_than_the_hold() -> None:
    """Under load the answers go back together (one wake-up of the loop); a lone call is answered at once."""
    runner = TurnRunner(_echo, threads=1, max_batch=1000, max_hold=10.0)  # type: ignore[arg-type]
    try:
        finished, answered = await timed(runner, 20, 0.002)
        # All 20 were queued at once: none was answered before the last one had run.
        assert min(answered) >= max(finished)

        t0 = time.monotonic()
        await timed(runner, 1, 0.002)
        assert time.monotonic() - t0 < 1.0  # nothing else queued: answered without waiting for the hold
    finally:
        runner.close()

    # A short hold bounds how long a finished answer waits behind a long queue.
    held = TurnRunner(_echo, threads=1, max_batch=1000, max_hold=0.01)  # type: ignore[arg-type]
    try:
        finished, answered = await timed(held, 50, 0.002)
        assert min(answered) < max(finished)
    finally:
        held.close()


async def test_a_batch_is_at_most_max_batch_answers() -> None:
    runner = TurnRunner(_echo, threads=1, max_batch=5, max_hold=10.0)  # type: ignore[arg-type]
    try:
        finished, answered = await timed(runner, 20, 0.001)
        assert min(answered) < max(finished)  # the first five went back before the rest had run
    finally:
        runner.close()


async def test_several_threads_answer_every_call_once() -> None:
    runner = TurnRunner(_echo, threads=4)  # type: ignore[arg-type]
    threads: set[int] = set()
    lock = threading.Lock()

    def work(n: int) -> int:
        with lock:
            threads.add(threading.get_ident())
        time.sleep(0.001)
        return n

    try:
        assert sorted(await asyncio.gather(*(runner.call(work, n) for n in range(100)))) == list(range(100))
        assert len(threads) > 1
    finally:
        runner.close()


def gated() -> tuple[threading.Event, Callable[[int], int]]:
    """Work that waits for the gate to open."""
    gate = threading.Event()

    def slow(n: int) -> int:
        gate.wait(5)
        return n

    return gate, slow


async def test_closed_runner_cancels_what_is_queued_and_refuses_new_calls() -> None:
    runner = TurnRunner(_echo, threads=1)  # type: ignore[arg-type]
    gate, slow = gated()
    first = asyncio.ensure_future(runner.call(slow, 1))
    await asyncio.sleep(0.05)  # the first call is running, blocked on the gate
    queued = asyncio.ensure_future(runner.call(slow, 2))
    await asyncio.sleep(0.01)
    runner.close()
    gate.set()
    assert await first == 1  # the call that was running finishes
    with pytest.raises(asyncio.CancelledError):
        await queued
    with pytest.raises(RuntimeError):
        await runner.call(slow, 3)


async def test_a_caller_that_went_away_does_not_break_the_others() -> None:
    runner = TurnRunner(_echo, threads=1)  # type: ignore[arg-type]
    gate, slow = gated()
    try:
        gone = asyncio.ensure_future(runner.call(slow, 1))
        waiting = asyncio.ensure_future(runner.call(slow, 2))
        await asyncio.sleep(0.02)
        gone.cancel()
        gate.set()
        assert await waiting == 2
        assert gone.cancelled()
    finally:
        runner.close()


async def test_calls_made_in_one_round_of_the_loop_are_queued_together() -> None:
    """The turn thread starts once the loop has handed over everything that arrived at the same time."""
    runner = TurnRunner(_echo, threads=1)  # type: ignore[arg-type]
    waiting_at_first: list[int] = []

    def work(n: int) -> int:
        if not waiting_at_first:
            waiting_at_first.append(runner._queue.qsize())
        return n

    try:
        assert await asyncio.gather(*(runner.call(work, n) for n in range(20))) == list(range(20))
        assert waiting_at_first == [19]
    finally:
        runner.close()
