"""Outside a report: a greeting or a story starts one; thanks and questions get a short answer."""

from __future__ import annotations

from bot.conversation.answers import faq_topic
from bot.conversation.reading import looks_like_description
from bot.conversation.steps.base import Outcome, Said, Say, StartReport, Step
from bot.domain.vocabulary import StepName


def start_or_answer(said: Said) -> Outcome:
    u = said.understanding
    if u.intent == "thanks" and u.primary_form is None:
        return Say(("thanks_reply",))
    topic = faq_topic(said.text)
    if topic and u.primary_form is None:
        return Say((f"faq_{topic}", "idle_prompt"))
    if u.intent == "question" and u.primary_form is None:
        return Say(("question_answer",))
    return StartReport(with_story=looks_like_description(said.text, u))


STEP = Step(StepName.IDLE, expects=None, handle=start_or_answer, question="idle_prompt",
            text_keys=("thanks_reply", "question_answer", "opening"))
