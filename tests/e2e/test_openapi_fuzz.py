"""Fuzzing every API operation from its OpenAPI description: no 5xx, and every answer is as described."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.bootstrap import Container, bootstrap
from bot.settings import Settings
from bot.storage.auth import LinkOutcome
from bot.web.app import create_app
from bot.web.auth import SESSION_COOKIE
from tests.fakes import FakeClock, FakeUnderstander

ORIGIN = "http://testserver"  # the in-process client's own address: requests come from our own page
EXAMPLES = 50  # per operation; the whole run stays well under a minute
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    options = Settings(database_url=f"sqlite:///{tmp / 'meldbot.db'}", scheduler_enabled=False,
                       attachments_dir=tmp / "attachments", chat_messages_per_person_per_minute=0,
                       requests_per_address_per_minute=0)
    built = bootstrap(options, understander=FakeUnderstander(), clock=FakeClock())
    yield built
    built.close()


@pytest.fixture(scope="module")
def web(container: Container) -> Any:
    return create_app(container=container)


@pytest.fixture(scope="module")
def api_schema(web: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", web)


@pytest.fixture(scope="module")
def headers(web: Any) -> dict[str, str]:
    """A signed-in person's session cookie and the Origin of our own page."""
    link: str = web.state.auth.invite("coord", actor="test")
    outcome, sid = web.state.auth.redeem(link.rsplit("/login/", 1)[1], "127.0.0.1")
    assert outcome is LinkOutcome.OK
    assert sid
    return {"Cookie": f"{SESSION_COOKIE}={sid}", "Origin": ORIGIN}


def test_every_api_operation_answers_as_described(api_schema: Any, headers: dict[str, str]) -> None:
    # Each operation is driven by its own Hypothesis strategy (schemathesis's pytest fixture loader does
    # not run under pytest 9).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_described(case: Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_described()


def test_the_api_describes_its_error_bodies(web: Any) -> None:
    described = web.openapi()
    chat = described["paths"]["/api/chat"]["post"]["responses"]
    for code in ("401", "403", "404", "413", "422", "429"):
        assert chat[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert "Retry-After" in chat["429"]["headers"]
    assert described["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]
