"""Reports to file in follow-up tests, and the short way to file them through a chat."""

from __future__ import annotations

from tests.conftest import ChatHarness

THREAT = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."
INSULT = "Vanochtend aan de telefoon schold een meneer me uit voor idioot en hing op."


def file_report(chat: ChatHarness, description: str = THREAT, wants: str = "1") -> str:
    """File a report, answering whatever is still asked ('wants': '1' is contact with the manager, '2' help with
    aangifte, '3' someone to talk to); returns its reference."""
    chat.say("Hallo")
    chat.say(description)
    chat.press("Nee, verder")
    for _ in range(6):
        if "Hoe voel je je nu?" in chat.text:
            chat.press("Gaat wel")
        elif "Wat wil je nu?" in chat.text:
            chat.say(wants)
        elif "Klopt dat?" in chat.text:
            chat.press("Klopt")
        elif "Klopt dit?" in chat.text:
            chat.press("Versturen")
            break
        else:
            chat.say("weet ik niet")
    assert "Je melding is opgeslagen onder" in chat.text, chat.text
    return chat.text.split("opgeslagen onder ")[1].split(".")[0]
