"""Teams activities become IncomingMessage: identity, mentions, card submits, references, dedup keys."""

from __future__ import annotations

from microsoft_agents.activity import Activity

from bot.channels.teams.translate import (
    NOT_OURS,
    address_of,
    delivery_key,
    is_personal,
    reference_from,
    strip_mentions,
    to_incoming,
)
from tests.unit.teams.activities import BOT_ID, SAM, TENANT, message


def activity(**kwargs: object) -> Activity:
    return Activity.model_validate(message(**kwargs))  # type: ignore[arg-type]


def test_mentions_are_stripped_from_the_text() -> None:
    assert strip_mentions("<at>meldbot</at> Een klant schold me uit") == "Een klant schold me uit"
    assert strip_mentions("ik en <at id='1'>Noor</at>&nbsp;zagen het") == "ik en zagen het"
    assert strip_mentions("eerste regel\ntweede regel") == "eerste regel\ntweede regel"


def test_a_message_carries_the_aad_object_id_as_user_and_a_scoped_delivery_id() -> None:
    msg = to_incoming(activity(text="<at>meldbot</at> Hallo", activity_id="1700000000001"))
    assert (msg.channel, msg.user, msg.text) == ("teams", SAM, "Hallo")
    assert msg.delivery_id is not None
    assert msg.delivery_id.endswith(":1700000000001")
    assert msg.in_reply_to is None


def test_the_same_activity_id_in_two_conversations_is_two_deliveries() -> None:
    one = delivery_key(activity(activity_id="1700000000001", conversation="a:sam"))
    other = delivery_key(activity(activity_id="1700000000001", conversation="a:noor"))
    assert one != other


def test_a_very_long_activity_id_still_fits_the_delivery_log() -> None:
    key = delivery_key(activity(activity_id="x" * 500))
    assert key is not None
    assert len(key) <= 200


def test_a_card_submit_is_the_number_of_the_choice_for_its_prompt() -> None:
    msg = to_incoming(activity(text=None, value={"prompt_id": "p7", "choice": 2, "label": "Telefoon"}))
    assert (msg.text, msg.in_reply_to) == ("3", "p7")


def test_a_card_submit_without_prompt_id_sends_its_label() -> None:
    msg = to_incoming(activity(text=None, value={"prompt_id": None, "choice": 0, "label": "Versturen"}))
    assert (msg.text, msg.in_reply_to) == ("Versturen", None)


def test_an_unreadable_card_submit_is_answered_as_a_stale_button() -> None:
    for value in ({"prompt_id": "p1", "choice": -1}, {"prompt_id": 5, "choice": 1}, {"anders": True}, "x"):
        msg = to_incoming(activity(text=None, value=value))
        assert (msg.text, msg.in_reply_to) == ("", NOT_OURS), value


def test_without_aad_object_id_the_user_is_unknown() -> None:
    assert to_incoming(activity(aad=None)).user == ""


def test_a_user_from_another_tenant_is_unknown_when_the_tenant_is_configured() -> None:
    assert to_incoming(activity(tenant="another-tenant"), tenant_id=TENANT).user == ""
    assert to_incoming(activity(), tenant_id=TENANT.upper()).user == SAM


def test_a_file_without_text_is_unsupported_content() -> None:
    files = [{"contentType": "application/vnd.microsoft.teams.file.download.info", "name": "foto.jpg",
              "content": {"downloadUrl": "https://example.invalid/f"}}]
    assert to_incoming(activity(text=None, attachments=files)).unsupported == "file"
    html = [{"contentType": "text/html", "content": "<p>Hallo</p>"}]
    assert to_incoming(activity(text="Hallo", attachments=html)).unsupported is None


def test_only_the_personal_chat_is_personal() -> None:
    assert is_personal(activity())
    assert not is_personal(activity(conversation_type="groupChat"))
    assert not is_personal(activity(conversation_type="channel"))


def test_the_stored_address_is_a_conversation_reference_without_names() -> None:
    address = address_of(activity(activity_id="42"))
    assert address == {
        "channelId": "msteams",
        "serviceUrl": "https://smba.example/emea/",
        "conversation": {"id": "a:personal-sam", "conversationType": "personal", "tenantId": TENANT},
        "bot": {"id": BOT_ID, "name": "meldbot"},
        "user": {"id": f"29:{SAM}", "aadObjectId": SAM},
    }
    reference = reference_from(address)
    assert (reference.conversation.id, reference.service_url) == ("a:personal-sam", "https://smba.example/emea/")
