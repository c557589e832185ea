"""Many processes starting at once on an empty database: migrations and the organisation copy never collide."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.storage.orm import EmployeeRow, TeamRow
from tests.dbs import database_url
from tests.fakes import FakeUnderstander


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_four_workers_start_on_an_empty_database_without_errors(kind: str, tmp_path: Path) -> None:
    with database_url(kind, tmp_path) as url:
        barrier = threading.Barrier(4)
        errors: list[BaseException] = []
        containers: list[Container] = []

        def start() -> None:
            try:
                barrier.wait()
                containers.append(bootstrap(Settings(database_url=url, scheduler_enabled=False),
                                            understander=FakeUnderstander()))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=start) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        try:
            assert errors == []
            with containers[0].session_factory() as session:
                assert session.scalar(select(func.count()).select_from(TeamRow)) == 2
                assert session.scalar(select(func.count()).select_from(EmployeeRow)) == 6
        finally:
            for c in containers:
                c.close()
