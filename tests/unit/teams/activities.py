"""Bot Framework activities as Teams sends them, and tokens signed with test keys, for the Teams tests."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

SAM = "6f1d2a8e-3b4c-4d5e-9f60-718293a4b5c6"  # demo.yml: employee "demo"
LINDA = "2c3d4e5f-6a7b-4c8d-9e0f-a1b2c3d4e5f6"  # demo.yml: manager "mgr"
STRANGER = "00000000-1111-4222-8333-444444444444"
TENANT = "9b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3"
APP_ID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
BOT_ID = f"28:{APP_ID}"
BOTFRAMEWORK_ISSUER = "https://api.botframework.com"
_ids = itertools.count(1_700_000_000_000)


def message(
    text: str | None = "Hallo",
    *,
    aad: str | None = SAM,
    conversation: str = "a:personal-sam",
    conversation_type: str = "personal",
    service_url: str = "https://smba.example/emea/",
    expect_replies: bool = True,
    value: Any = None,
    activity_id: str | None = None,
    tenant: str = TENANT,
    **extra: Any,
) -> dict[str, Any]:
    """A Teams message activity (JSON), by default in the personal chat of Sam with expectReplies."""
    sender: dict[str, Any] = {"id": f"29:{aad or 'anonymous'}", "name": "Iemand"}
    if aad:
        sender["aadObjectId"] = aad
    activity: dict[str, Any] = {
        "type": "message",
        "id": activity_id or str(next(_ids)),
        "timestamp": "2026-11-18T09:00:00.000Z",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": sender,
        "recipient": {"id": BOT_ID, "name": "meldbot"},
        "conversation": {"id": conversation, "conversationType": conversation_type, "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}},
        "locale": "nl-NL",
        "textFormat": "plain",
        **extra,
    }
    if text is not None:
        activity["text"] = text
    if value is not None:
        activity["value"] = value
    if expect_replies:
        activity["deliveryMode"] = "expectReplies"
    return activity


def card_submit(reply: dict[str, Any], label: str, **kwargs: Any) -> dict[str, Any]:
    """The activity Teams sends when the button `label` of a reply's Adaptive Card is pressed."""
    return message(None, value=button_data(reply, label), **kwargs)


def button_data(reply: dict[str, Any], label: str) -> dict[str, Any]:
    for element in card_of(reply)["body"]:
        for action in element["actions"]:
            if action["title"] == label:
                return dict(action["data"])
    raise AssertionError(f"no button {label!r} in {reply.get('text')!r}")


def card_of(reply: dict[str, Any]) -> dict[str, Any]:
    cards = [a["content"] for a in reply.get("attachments") or ()
             if a["contentType"] == "application/vnd.microsoft.card.adaptive"]
    assert len(cards) == 1, reply
    return cards[0]


def labels(reply: dict[str, Any]) -> list[str]:
    return [action["title"] for element in card_of(reply)["body"] for action in element["actions"]]


def members_added(*member_ids: str, aad: str | None = SAM, conversation_type: str = "personal",
                  expect_replies: bool = True) -> dict[str, Any]:
    activity = message(None, aad=aad, conversation_type=conversation_type, expect_replies=expect_replies)
    activity["type"] = "conversationUpdate"
    activity["membersAdded"] = [{"id": m} for m in member_ids]
    return activity


class SigningKey:
    """An RSA key pair with a key id; `jwks` is what a signing-keys endpoint would publish."""

    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def token(self, *, kid: str | None = None, audience: str = APP_ID, issuer: str = BOTFRAMEWORK_ISSUER,
              expires_in: float = 3600, service_url: str = "https://smba.example/emea/") -> str:
        now = int(time.time())
        claims = {"aud": audience, "iss": issuer, "iat": now - 10, "nbf": now - 10, "exp": int(now + expires_in),
                  "serviceurl": service_url}
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": kid or self.kid})
