"""Chat routes besides the turn itself: what a reopened chat page shows, without sending a message."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from bot.bootstrap import Container
from bot.conversation.flow import TurnContext
from bot.conversation.state import ConversationState
from bot.domain.model import Employee
from bot.web.auth import WebAuth
from bot.web.signin import resolve_principal

CHANNEL = "web"


class EntryOut(BaseModel):
    who: str
    text: str
    choices: list[str] = []
    prompt_id: str | None = None


class HistoryOut(BaseModel):
    messages: list[EntryOut]
    done_label: str  # the done button of several-choice questions; the page shows the others as toggles


def chat_router(container: Container, auth: WebAuth, texts: dict[str, str]) -> APIRouter:
    router = APIRouter(prefix="/api/chat", tags=["chat"])
    chat = container.chat

    def so_far(user: str, employee: Employee) -> list[dict[str, Any]]:
        with container.uow_factory() as uow:
            try:
                loaded = uow.conversations.load(CHANNEL, user)
            finally:
                uow.rollback()
        state = loaded[0] if loaded else ConversationState()
        ctx = TurnContext(
            reporter=employee, now=container.clock.now(), texts=chat.texts, tz=chat.tz,
            understand=chat.understander.understand, next_reference=lambda: "", own_reports=lambda: (),
            channel=CHANNEL,
        )
        return chat.engine.conversation_so_far(state, ctx)

    @router.get("/history", response_model=HistoryOut,
                responses={401: {"description": "Niet ingelogd"}})
    async def history(request: Request) -> Any:
        """The conversation so far (or the greeting), for a chat page that opens or reloads; not a message."""
        principal = await resolve_principal(request, auth)
        if principal is None:
            return JSONResponse(status_code=401, content={"detail": texts["not_signed_in"]},
                                headers={"WWW-Authenticate": "Bearer"})
        messages = await run_in_threadpool(so_far, principal.id, principal.employee)
        return {"messages": messages, "done_label": chat.texts.choice("multi_done")}

    return router
