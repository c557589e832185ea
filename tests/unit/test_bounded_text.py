"""What the understanding reads of a message is bounded; what is stored is what the reporter typed."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

import nlu
from bot.service import MAX_UNDERSTOOD_CHARS, MAX_WORD_CHARS, ChatService, bounded_text
from nlu.result import UnderstandContext
from tests.conftest import ChatHarness
from tests.fakes import FakeUnderstander, FakeUnitOfWork

CPU_BUDGET_MS = 50.0


def uncommon_emoji(count: int) -> str:
    blocks = itertools.chain(range(0x1FA70, 0x1FAFF), range(0x1F900, 0x1F9FF), range(0x1F680, 0x1F6FF),
                             range(0x1F300, 0x1F5FF))
    return "".join(chr(c) for c in itertools.islice(itertools.cycle(list(blocks)), count))


def mixed_text(count: int) -> str:
    words = ["een", "man", "schold", "me", "uit", "aan", "de", "balie", "😡", "ik", "weet", "waar", "je",
             "woont!!!", "gisteren", "om", "10:00", "#$%", "🇳🇱", "𝐬𝐭𝐨𝐩", "dreigde", "met", "schaar", "Z̴̡̢͈a̸l̷g̶o̵"]
    pick = random.Random(7)
    return " ".join(pick.choice(words) for _ in range(count))[:count]


HOSTILE = {
    "4,000 uncommon emoji": uncommon_emoji(4000),
    "4,000 emoji with spaces": " ".join(uncommon_emoji(2000)),
    "4,000 characters of mixed text": mixed_text(4000),
    "a 10,000-character word": "a" * 10_000,
    "a 10,000-character word of two letters": "xz" * 5_000,
    "combining marks": "Z̴̡̢͈a̸l̷g̶o̵" * 300,
}


@pytest.mark.parametrize("text", [
    "Een man schold me uit aan de balie.",
    "Gisteravond om 22:15 dreigde hij: 'ik weet waar je woont!!' 😡",
    "1 en 3", "Nee, verder", "schade van 10000 euro", "arbeidsongeschiktheidsverzekering",
    "", "   ", "...", "Wat?!",
])
def test_ordinary_text_reaches_the_understanding_unchanged(text: str) -> None:
    assert bounded_text(text) == text


def test_a_character_repeated_many_times_is_kept_three_times() -> None:
    assert bounded_text("neeeeeeeee!!!!!!!! hij riep haaaaa") == "neee!!! hij riep haaa"


def test_digits_are_never_collapsed() -> None:
    assert bounded_text("ruim 100000 euro op 1111 plekken") == "ruim 100000 euro op 1111 plekken"


def test_a_run_of_emoji_or_symbols_keeps_its_first_eight() -> None:
    flood = uncommon_emoji(4000)
    assert bounded_text(f"hij sloeg me {flood} echt waar") == f"hij sloeg me {flood[:8]} echt waar"
    spaced = " ".join(flood[:50])
    assert bounded_text(f"bang {spaced} nu") == f"bang {flood[:8]} nu"


def test_a_long_word_is_cut() -> None:
    assert bounded_text("x" + "yz" * 5000 + " daarna") == "x" + ("yz" * 20)[: MAX_WORD_CHARS - 1] + " daarna"


def test_a_long_text_is_cut_at_a_word_boundary() -> None:
    text = "hij schold en dreigde " * 1000
    bounded = bounded_text(text)
    assert len(bounded) <= MAX_UNDERSTOOD_CHARS
    assert text.startswith(bounded)
    assert not bounded.endswith(("schol", "dreig"))


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_hostile_text_is_bounded(text: str) -> None:
    bounded = bounded_text(text)
    assert len(bounded) <= MAX_UNDERSTOOD_CHARS
    assert all(len(word) <= MAX_WORD_CHARS for word in bounded.split())
    assert bounded_text(bounded) == bounded


def cpu_ms(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return (time.process_time() - start) * 1000


def test_no_hostile_message_costs_more_than_50_ms_of_understanding(capsys: pytest.CaptureFixture[str]) -> None:
    understander = nlu.RuleUnderstander()
    ctx = UnderstandContext(now=datetime(2026, 11, 18, 9, 0, tzinfo=UTC), expecting="description")
    understander.understand("hallo", ctx)
    lines, slow = [], []
    for name, text in HOSTILE.items():
        # Unbounded, a long word of several letters makes the fuzzy matcher build every deletion of it
        # (seconds of CPU at 1,000 characters, out of memory at a few thousand): measured on a short one.
        raw = text if "two letters" not in name else "xz" * 150
        before = cpu_ms(lambda raw=raw: understander.understand(raw, ctx))
        after = min(cpu_ms(lambda text=text: understander.understand(bounded_text(text), ctx)) for _ in range(3))
        lines.append(f"{name:40} {len(raw):6} chars  before {before:7.1f} ms   after {after:5.1f} ms")
        if after > CPU_BUDGET_MS:
            slow.append(name)
    with capsys.disabled():
        print("\nCPU of the understanding (rules) per hostile message:\n" + "\n".join(lines))
    assert slow == []


def test_the_understanding_gets_the_bounded_text_and_the_conversation_keeps_what_was_typed(
        service: ChatService, chat: ChatHarness, fake_uow: FakeUnitOfWork) -> None:
    typed = "Een man schold me uit aan de balie " + uncommon_emoji(3000) + " en hij dreigde " + "!" * 500
    chat.say("Hallo")
    chat.say(typed)
    understander = service.understander
    assert isinstance(understander, FakeUnderstander)
    seen = [text for text, _ in understander.calls]
    assert typed not in seen
    assert bounded_text(typed) in seen
    assert max(len(text) for text in seen) < 100
    loaded = fake_uow.conversations.load("web", "demo")
    assert loaded is not None
    state, _ = loaded
    assert state.draft["description"] == typed
