"""A whole report from Telegram on the real storage: buttons, typed answers, evidence, and every refusal."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from actions.export import export_json
from bot.bootstrap import Container
from bot.storage.orm import AuditRow, ConversationRow, DeliveryRow, IdentityRow
from bot.storage.repositories import SqlReportRepository
from tests.integration.telegram.conftest import Phone, link_code
from tests.integration.telegram.fake_bot_api import FakeBotApi
from tests.unit.telegram import updates as u

pytestmark = pytest.mark.usefixtures("channel")


def rows(container: Container, model: Any) -> int:
    query = select(func.count()).select_from(model)
    if model is IdentityRow:
        query = query.where(IdentityRow.channel == "telegram")
    with container.session_factory() as session:
        return int(session.scalar(query) or 0)


def conversation_state(container: Container) -> dict[str, Any]:
    with container.session_factory() as session:
        row = session.scalars(select(ConversationRow)).one()
        return dict(row.state)


async def test_an_inspector_reports_with_a_photo_buttons_and_a_location(
    linked_phone: Callable[[], Any], api: FakeBotApi, tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    api.add_file("ph1", u.JPEG, "photos/file_1.jpg")

    await phone.say("/melden")
    assert "Vertel in je eigen woorden wat er is gebeurd." in phone.text
    await phone.say("Bij een huisbezoek dreigde de bewoner dat hij weet waar je woont")
    assert phone.buttons == ["Nee, verder"]
    await phone.send(u.photo("ph1", caption="de deur"))
    assert phone.text.startswith("Bewijs ontvangen")
    await phone.press("Nee, verder")
    assert phone.text == "Wanneer gebeurde het?"
    await phone.say("vanochtend rond tien uur")
    await phone.press("Nee, niemand gewond en geen getuigen")  # harm and witnesses in one question
    await phone.press("Gaat wel")
    await phone.press("Niets extra")
    assert phone.buttons[0] == "Klopt"
    await phone.press("Klopt")
    assert "Samenvatting van je melding:" in phone.text
    await phone.send(u.location(52.0907, 5.1214))
    assert phone.text.startswith("Bewijs ontvangen")
    await phone.press("Versturen")
    assert "Je melding is opgeslagen onder" in phone.text

    with tg_container.session_factory() as session:
        [report] = SqlReportRepository(session).all()
    assert report.channel == "telegram"
    assert report.primary_form == "bedreiging"
    assert [(e.kind, e.mime_type, e.path) for e in report.evidence] == [
        ("photo", "image/jpeg", "telegram/uph1.jpg"),
        ("location", None, None),
    ]
    assert (report.evidence[1].latitude, report.evidence[1].longitude) == (52.0907, 5.1214)
    stored = tg_container.settings.attachments_dir / "telegram" / "uph1.jpg"
    assert stored.read_bytes() == u.JPEG
    exported = json.loads(export_json([report]))[0]["evidence"]
    assert [e["kind"] for e in exported] == ["photo", "location"]
    assert all(len(c["callback_data"].encode()) <= 64 for m in api.sent() if m.get("reply_markup")
               for row in m["reply_markup"]["inline_keyboard"] for c in row)
    assert len(api.called("answerCallbackQuery")) == 6  # every press, so no spinner keeps turning


async def test_a_button_from_an_older_question_is_answered_politely_and_changes_nothing(
    linked_phone: Callable[[], Any], tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    await phone.say("Een klant schold me uit aan de balie en sloeg op tafel")
    old = phone.button("Nee, verder")
    await phone.press("Nee, verder")
    await phone.say("gisteravond")
    before = conversation_state(tg_container)

    await phone.send(u.callback(old))

    assert phone.text.startswith("Die knop hoort bij een eerdere vraag. Er is niets veranderd.")
    assert conversation_state(tg_container) == before


async def test_a_duplicate_update_is_handled_once_and_its_sent_replies_are_not_sent_again(
    linked_phone: Callable[[], Any], tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    first = await phone.send(u.text("Een klant schold me uit aan de balie"), update_id=900)
    state = conversation_state(tg_container)
    again = await phone.send(u.text("Een klant schold me uit aan de balie"), update_id=900)

    assert first != []
    assert again == []
    assert conversation_state(tg_container) == state
    assert rows(tg_container, DeliveryRow) == 2  # the link and this message


async def test_content_meldbot_cannot_use_gets_a_polite_reply_and_changes_nothing(
    linked_phone: Callable[[], Any], tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    await phone.say("Een klant schold me uit aan de balie")
    before = conversation_state(tg_container)

    for kind in ("voice", "sticker", "poll", "contact", "video", "audio", "dice", "animation"):
        await phone.send(u.unsupported(kind))
        assert phone.text.startswith("Dit soort bericht kan ik niet verwerken."), kind
        assert phone.buttons == ["Nee, verder"], kind  # the question again, same prompt
    assert conversation_state(tg_container) == before


REFUSED = [
    (u.document("d1", "application/zip", "bewijs.zip"), "Dit soort bestand kan ik niet bewaren."),
    (u.document("d2", "application/pdf", "groot.pdf", size=21 * 1024 * 1024),
     "Dit bestand is te groot. Stuur een bestand tot 20 MB"),
    (u.document("d3", "application/pdf", "nep.pdf"), "Dit soort bestand kan ik niet bewaren."),  # not a PDF inside
    (u.document("d5", "application/pdf", "kwijt.pdf"), "Ik kon je bestand niet ophalen."),
]


async def test_a_refused_file_gets_a_dutch_reason_and_nothing_is_stored(
    linked_phone: Callable[[], Any], api: FakeBotApi, tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    api.add_file("d3", b"MZ this is no pdf at all", "documents/file_3.pdf")
    await phone.say("Een klant schold me uit aan de balie")
    before = conversation_state(tg_container)

    for update, expected in REFUSED:
        await phone.send(update)
        assert phone.text.startswith(expected)

    assert conversation_state(tg_container) == before
    assert not any((tg_container.settings.attachments_dir / "telegram").glob("*"))
    assert [p["file_id"] for p in api.called("getFile")] == ["d3", "d5"]  # the others were refused unseen


async def test_a_pdf_document_is_stored_as_evidence(
    linked_phone: Callable[[], Any], api: FakeBotApi, tg_container: Container
) -> None:
    phone: Phone = await linked_phone()
    api.add_file("d4", u.PDF, "documents/file_4.pdf")
    await phone.say("Een klant schold me uit aan de balie")
    await phone.send(u.document("d4", "application/pdf", "brief.pdf", size=len(u.PDF)))

    assert phone.text.startswith("Bewijs ontvangen")
    evidence = conversation_state(tg_container)["draft"]["evidence"]
    assert [(e["kind"], e["mime_type"], e["path"], e["original_name"]) for e in evidence] == [
        ("document", "application/pdf", "telegram/ud4.pdf", "brief.pdf")
    ]


async def test_an_unlinked_user_learns_how_to_get_a_code_and_nothing_is_stored(
    phone: Phone, api: FakeBotApi, tg_container: Container
) -> None:
    api.add_file("ph9", u.JPEG, "photos/file_9.jpg")
    before = {m: rows(tg_container, m) for m in (IdentityRow, DeliveryRow, ConversationRow, AuditRow)}

    for update in (u.text("Hallo, ik wil iets melden"), u.photo("ph9"), u.unsupported("voice"), u.text("/start")):
        await phone.send(update)
        assert phone.text.startswith("Ik ken je nog niet.")
        assert "koppelcode" in phone.text

    assert {m: rows(tg_container, m) for m in before} == before
    assert api.called("getFile") == []
    assert not (tg_container.settings.attachments_dir / "telegram").exists()


async def test_a_wrong_link_code_is_refused(phone: Phone, tg_container: Container) -> None:
    await phone.say("/start ABCD-EFGH")
    assert phone.text == "Die koppelcode klopt niet of is verlopen. Vraag een nieuwe code aan."
    assert rows(tg_container, IdentityRow) == 0


async def test_the_code_alone_links_too_and_stores_the_chat_for_later_messages(
    phone: Phone, tg_container: Container
) -> None:
    code = link_code(tg_container, "mgr")
    await phone.say(code)
    assert phone.text.startswith("Gelukt, je bent gekoppeld als Linda Jansen.")
    with tg_container.session_factory() as session:
        identity = session.scalars(select(IdentityRow).where(IdentityRow.channel == "telegram")).one()
    assert (identity.channel, identity.external_id, identity.employee_id) == ("telegram", str(u.USER_ID), "mgr")
    assert identity.address == {"chat_id": u.USER_ID}


async def test_a_summary_longer_than_a_telegram_message_is_split_with_the_buttons_last(
    linked_phone: Callable[[], Any],
) -> None:
    phone: Phone = await linked_phone()
    long_story = "Een klant schold me uit aan de balie. " + " ".join(["Hij bleef maar schreeuwen."] * 200)
    await phone.say(long_story[:4000])
    await phone.say(long_story[:4000])  # added to the description: now longer than 4,096 characters
    await phone.press("Nee, verder")
    await phone.say("gisteravond")
    for label in ("Nee, niemand gewond en geen getuigen", "Goed", "Niets extra", "Klopt"):
        await phone.press(label)

    texts = [m["text"] for m in phone.received]
    assert texts[0].startswith("Samenvatting van je melding:")
    assert len(texts) >= 3  # the summary in parts, then the question
    assert texts[-1] == "Klopt dit?"
    assert all(len(t) <= 4096 for t in texts)
    assert sum(len(t) for t in texts[:-1]) > 4096
    assert [bool(m.get("reply_markup")) for m in phone.received] == [False] * (len(texts) - 1) + [True]
    assert phone.buttons == ["Versturen", "Iets aanpassen", "Stoppen"]
