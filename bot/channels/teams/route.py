"""POST /api/messages: authenticate, check the activity, let the SDK's CloudAdapter run the turn."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import Agent
from microsoft_agents.hosting.fastapi import CloudAdapter
from pydantic import ValidationError

from bot.channels.teams.auth import ActivityAuth

logger = logging.getLogger(__name__)

PATH = "/api/messages"
MAX_BODY_BYTES = 128 * 1024  # a Teams message is at most about 28 KB


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message}, headers=headers)


def messages_router(*, adapter: CloudAdapter, turns: Agent, auth: ActivityAuth) -> APIRouter:
    """The Bot Framework messaging endpoint.

    202 for a processed activity (replies went to the connector), 200 with {"activities": [...]}
    for deliveryMode expectReplies (the SDK collects the replies), 401 for any authentication
    failure, 400 for a body that is not an activity, 500 when the turn itself failed (Teams retries;
    the delivery log makes the retry safe).
    """
    router = APIRouter()

    @router.post(PATH, include_in_schema=False)
    async def messages(request: Request) -> Response:
        identity = await auth.authenticate(request.headers.get("authorization"))
        if identity is None:
            return _error(401, "Unauthorized", {"WWW-Authenticate": "Bearer"})
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return _error(413, "Request body too large")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(413, "Request body too large")
        try:
            Activity.model_validate_json(body)
        except (ValidationError, ValueError):
            return _error(400, "The body is not a valid activity")
        request.state.claims_identity = identity
        try:
            response = await adapter.process(request, turns)
        except Exception:  # noqa: BLE001 - the details go to the log, never to the caller
            logger.exception("teams: the turn failed")
            return _error(500, "The activity could not be processed")
        return response if response is not None else Response(status_code=202)

    return router
