"""The engine: takes one message, runs the fallbacks or the step's handler, and turns its outcome into a transition."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.conversation import commands, evidence, questions
from bot.conversation import opening as chat_opening
from bot.conversation.answers import (
    EVIDENCE_DONE,
    evidence_request,
    faq_topic,
    has_words,
    is_label,
    match_choice,
    match_many,
    normalise,
)
from bot.conversation.draft import ReportDraft
from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.report import build_report, filed_message
from bot.conversation.state import ConversationState
from bot.conversation.steps import base as o
from bot.conversation.steps.registry import REGISTRY, next_step
from bot.conversation.transcript import with_transcript
from bot.conversation.turns import FileReport, Turn, TurnContext, first_name
from bot.domain.vocabulary import StepName

_WORD = re.compile(r"\w+", re.UNICODE)
# Channels that show the greeting before anyone types (the web page, the terminal).
GREETS_FIRST = frozenset({"web", "terminal"})
def greeted_already(state: ConversationState, ctx: TurnContext) -> bool:
    """The chat showed the greeting before this first message (the web page and the terminal greet first)."""
    return state.prompt_seq == 0 and not state.transcript and not state.in_report and ctx.channel in GREETS_FIRST


_NOT_RECORDED = (StepName.IDLE, StepName.CONFIRM_STOP, StepName.EDIT_FIELD)  # never a step to go 'terug' to


class Engine:
    """Takes one message in a state and returns the next state, replies and effects."""

    def take_turn(self, state: ConversationState, msg: IncomingMessage, read: o.Read, ctx: TurnContext) -> Turn:
        """`read` gives the understanding of the message when it is needed (not for a button or a choice)."""
        turn = self._turn(state, msg, read, ctx)
        if turn.state is state:
            return turn  # nothing changed (a stale button, unsupported content): nothing to remember either
        files = [ctx.texts("evidence_sent_line", name=a.original_name or ctx.texts("evidence_default_name"))
                 for a in msg.attachments if a.path]
        # What the chat showed before the first message (the greeting) stays at the top of a reopened chat.
        shown = chat_opening.opening(state, ctx) if greeted_already(state, ctx) else ()
        return Turn(with_transcript(state, turn, msg, self.shown_choices(state, ctx), files, shown), turn.replies,
                    turn.effects)

    def _turn(self, state: ConversationState, msg: IncomingMessage, read: o.Read, ctx: TurnContext) -> Turn:
        t = ctx.texts
        if msg.unsupported:
            return Turn(state, (Reply(t("unsupported_content")), *self.question(state, ctx)))
        if msg.in_reply_to is not None and msg.in_reply_to != state.prompt_id:
            return Turn(state, (Reply(t("stale_button")), *self.question(state, ctx)))
        prefix: list[Reply] = []
        paused = state.last_activity is not None and ctx.now - state.last_activity >= ctx.resume_after
        resuming = (state.in_report and paused) or chat_opening.moved_here(state, ctx)
        if resuming:
            prefix.append(chat_opening.resume(state, ctx))
        # Files for a filed report are taken until something else is said (or after a pause).
        waiting = None if state.in_report or paused else state.evidence_for
        state = state.evolve(last_activity=ctx.now, channel=ctx.channel or state.channel, evidence_for=None)
        text = msg.text.strip()
        requested = evidence_request(text) if msg.in_reply_to is None else None
        if requested is not None:
            return evidence.evidence_request(state, requested, msg, ctx, prefix)
        if msg.attachments:
            return evidence.take_files(state, msg, ctx, prefix, waiting)
        if waiting is not None and normalise(text) in EVIDENCE_DONE:
            return Turn(state, (*prefix, Reply(t("evidence_done", reference=waiting))))
        # A button, or an offered label typed in full, answers the question; commands come second.
        shown = self.shown_choices(state, ctx)
        answers_prompt = msg.in_reply_to is not None or is_label(text, shown)
        command = commands.command_in(text, answers_prompt)
        turn = command(state, ctx, prefix, resuming) if command else None
        if turn is not None:
            return turn
        # A short "hoi" in the middle of a report: where it was left, not an answer. A choice picked by its
        # number or label ('1 en 3', 'nee') is no greeting, so it is not understood for that.
        if (state.in_report and not answers_prompt and len(_WORD.findall(text)) <= 3
                and not picks_choice(text, shown) and read().intent == "greeting"):
            return Turn(state, (*prefix, *commands.resume_or_ask(state, ctx, resuming)))
        if not text:
            return Turn(state, (*prefix, Reply(t("empty_message")), *self.question(state, ctx)))
        topic = faq_topic(text) if not answers_prompt else None
        if topic and state.step not in (StepName.IDLE, StepName.DESCRIBE, StepName.DESCRIBE_MORE) \
                and read().primary_form is None:
            back = (Reply(t("faq_back_to_report")), *self.question(state, ctx))
            return Turn(state, (*prefix, Reply(t(f"faq_{topic}")), *back))
        turn = self.handle(state, text, read, ctx)
        return Turn(turn.state, (*prefix, *turn.replies), turn.effects)

    def handle(self, state: ConversationState, text: str, read: o.Read, ctx: TurnContext) -> Turn:
        """The step's handler decides; its outcome becomes the transition."""
        step = REGISTRY[StepName(state.step)]
        return self.transition(state, step.handle(o.Said(text, read, state, ctx, step)), text, read, ctx)

    def transition(self, state: ConversationState, out: o.Outcome, text: str, read: o.Read,
                   ctx: TurnContext) -> Turn:
        t = ctx.texts
        match out:
            case o.Answered(draft, skipped, said, then):
                draft = draft.evolve(unclear={k: v for k, v in draft.unclear.items() if k != state.step})
                new = state.evolve(draft=draft.with_answered(state.step))
                before = tuple(Reply(t(k)) for k in (*(["skipped"] if skipped else []), *said))
                if then is not None:
                    turn = self.ask(new, then, ctx, record=False)
                    return Turn(turn.state, (*before, *turn.replies))
                return self.advance(new, ctx, before)
            case o.Unclear(draft, words):
                if not state.reasked:
                    return self.reask(state, ctx)
                if has_words(words):
                    draft = draft.evolve(unclear={**draft.unclear, state.step: words})
                new = state.evolve(draft=draft.with_answered(state.step))
                return self.advance(new, ctx, (Reply(t("accepted_free_text")),))
            case o.Reask():
                return self.reask(state, ctx)
            case o.Advance(draft, said, editing):
                new = state.evolve(draft=draft or state.draft, editing=state.editing if editing is None else editing)
                return self.advance(new, ctx, tuple(Reply(t(k)) for k in said))
            case o.GoTo(step, draft, editing, record):
                new = state.evolve(draft=draft or state.draft, editing=state.editing if editing is None else editing)
                return self.ask(new, step, ctx, record=record)
            case o.Stay(draft, say, reasked):
                new = state.evolve(draft=draft, reasked=reasked or state.reasked)
                choices = self.shown_choices(new, ctx)
                if choices:
                    new = new.evolve(prompt_seq=new.prompt_seq + 1)
                return Turn(new, (Reply(t(say), choices, new.prompt_id if choices else None),))
            case o.Say(keys):
                return Turn(state, tuple(Reply(t(k)) for k in keys))
            case o.StartReport(with_story):
                return self.start_report(state, text, read, ctx, with_story)
            case o.File():
                return self.file(state, ctx)
            case o.AskStop():
                return commands.stop(state, ctx, ())
            case o.Stopped():
                return commands.stopped(state, ctx)
            case o.CarryOn():
                back = state.evolve(step=state.return_step or StepName.DESCRIBE, return_step=None,
                                    prompt_seq=state.prompt_seq + 1, reasked=False)
                return Turn(back, (Reply(t("stop_cancelled")), *self.question(back, ctx)))
        raise TypeError(out)  # pragma: no cover - every outcome is matched above

    def start_report(self, state: ConversationState, text: str, read: o.Read, ctx: TurnContext,
                     with_story: bool) -> Turn:
        """A new report, with the greeting only on someone's very first message when the story came with it."""
        opening = Reply(ctx.texts("opening", name=first_name(ctx.reporter.name)))
        first_contact = state.prompt_seq == 0 and not state.transcript
        # The greeting is on the screen already where the chat shows it before anyone types.
        greet = () if greeted_already(state, ctx) else (opening,)
        fresh = ConversationState(prompt_seq=state.prompt_seq, last_activity=state.last_activity)
        if with_story:
            turn = self.handle(fresh.evolve(step=StepName.DESCRIBE, draft=ReportDraft()), text, read, ctx)
            return Turn(turn.state, (greet if first_contact else ()) + turn.replies, turn.effects)
        turn = self.ask(fresh, StepName.DESCRIBE, ctx)
        return Turn(turn.state, (*greet, *turn.replies))

    def ask(self, state: ConversationState, step: str, ctx: TurnContext, *, record: bool = True) -> Turn:
        """Move to a step and ask its question under a fresh prompt id."""
        draft, questions_asked = state.draft, state.questions
        if step not in draft.asked:
            draft, questions_asked = draft.evolve(asked=(*draft.asked, step)), questions_asked + 1
        history = state.history
        if record and state.step not in _NOT_RECORDED and state.step != step:
            history = (*history, state.step)
        new = state.evolve(step=StepName(step), draft=draft, history=history, reasked=False,
                           prompt_seq=state.prompt_seq + 1, questions=questions_asked)
        return Turn(new, tuple(self.question(new, ctx)))

    def reask(self, state: ConversationState, ctx: TurnContext) -> Turn:
        new = state.evolve(reasked=True, prompt_seq=state.prompt_seq + 1)
        return Turn(new, (questions.reask(new, ctx),))

    def advance(self, state: ConversationState, ctx: TurnContext, before: Sequence[Reply] = ()) -> Turn:
        """After an answer: back to the summary when editing, else the next missing question."""
        if state.editing and state.step == StepName.WITNESSES and next_step(state.draft) == StepName.WITNESSES_WHO:
            turn = self.ask(state, StepName.WITNESSES_WHO, ctx, record=False)
        elif state.editing:
            turn = self.ask(state.evolve(editing=False), StepName.CONFIRM, ctx, record=False)
        else:
            turn = self.ask(state, next_step(state.draft), ctx)
        return Turn(turn.state, (*before, *turn.replies), turn.effects)

    def file(self, state: ConversationState, ctx: TurnContext) -> Turn:
        report = build_report(state.draft, ctx)
        fresh = ConversationState(prompt_seq=state.prompt_seq + 1, last_activity=state.last_activity)
        return Turn(fresh, (Reply(filed_message(report, ctx.texts)),), (FileReport(report),))

    # -- what a chat shows, and the questions (for the service, the web page and the channels) --------------

    takes_first = staticmethod(evidence.takes_first)
    conversation_so_far = staticmethod(chat_opening.conversation_so_far)
    opening = staticmethod(chat_opening.opening)
    resume = staticmethod(chat_opening.resume)
    question = staticmethod(questions.question)
    shown_choices = staticmethod(questions.shown_choices)
    choices_for = staticmethod(questions.choices_for)


def picks_choice(text: str, shown: Sequence[str]) -> bool:
    """The message picks one or more of the offered choices, by number or by label."""
    return bool(shown) and (match_choice(text, shown) is not None or match_many(text, shown) is not None)
