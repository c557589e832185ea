"""Several ticks at once (threads here, processes in test_processes): every message goes out exactly once."""

from __future__ import annotations

import threading
from collections import Counter

from actions.scheduler import build_dispatcher
from tests.integration.followup.conftest import FollowUp
from tests.unit.followup.script import file_report


def test_four_concurrent_ticks_materialise_and_send_every_message_exactly_once(followup: FollowUp) -> None:
    reporter = followup.chat("demo")
    for _ in range(5):
        file_report(reporter)
    followup.clock.advance(hours=50)  # escalations, reminders and check-ins are all due now
    dispatchers = [build_dispatcher(followup.container, {"telegram": followup.sender}) for _ in range(4)]
    for d in dispatchers:
        d.batch_size = 3
    barrier = threading.Barrier(len(dispatchers))
    errors: list[BaseException] = []

    def tick(d: object) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                d.run_once()  # type: ignore[attr-defined]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tick, args=(d,)) for d in dispatchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    rows = followup.outbox()
    assert len(rows) >= 5 + 5 * 4 + 1  # escalations, one alert per clock, a check-in
    assert {r.status for r in rows} == {"sent"}
    sent = Counter((chat_id, "\n".join(r.text for r in replies)) for chat_id, replies in followup.sender.sent)
    assert sum(sent.values()) == len(rows)
    assert [k for k, n in sent.items() if n > 1] == []
