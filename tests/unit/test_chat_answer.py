"""A chat answer is serialised by orjson: the same bytes as starlette's JSONResponse."""

from __future__ import annotations

import pytest
from starlette.responses import JSONResponse

from bot.conversation.messages import Reply, TurnOutcome
from bot.web.app import ChatAnswer, replies_json

TEXTS = ["Dank je. Wanneer gebeurde het?", 'Hij zei: "ik weet waar je woont"\n\tregel twee', "één, café, 😀",
         "\u2028\u2029\x00\x01\x1f<b>&</b>\\", ""]


@pytest.mark.parametrize("text", TEXTS)
def test_a_chat_answer_is_the_json_starlette_would_send(text: str) -> None:
    outcome = TurnOutcome((Reply(text, ("Ja", "Nee"), "p3"), Reply(text)))
    body = replies_json(outcome)
    assert ChatAnswer(body).body == JSONResponse(body).body
    assert ChatAnswer(body).headers["content-type"] == "application/json"
