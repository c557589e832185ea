"""The fallback table: commands that work at any step, matched on the whole message only (never a button)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.conversation.answers import command_of
from bot.conversation.messages import Reply
from bot.conversation.questions import question
from bot.conversation.state import ConversationState
from bot.conversation.turns import Turn, TurnContext
from bot.domain.vocabulary import StepName

# A command's turn, given the state, the context, the replies that go first, and whether a pause is being resumed.
# None: the command does not apply here, and the message goes to the step.
Command = Callable[[ConversationState, TurnContext, Sequence[Reply], bool], "Turn | None"]


def stop(state: ConversationState, ctx: TurnContext, prefix: Sequence[Reply], resuming: bool = False) -> Turn:
    """'stop': ask whether to stop; 'stop' again (or outside a report) needs no question."""
    t = ctx.texts
    if not state.in_report:
        return Turn(state, (*prefix, Reply(t("nothing_to_stop"))))
    if state.step == StepName.CONFIRM_STOP:  # 'stop' again is a clear yes (said without the resume line)
        return stopped(state, ctx)
    new = state.evolve(step=StepName.CONFIRM_STOP, return_step=state.step, prompt_seq=state.prompt_seq + 1,
                       reasked=False)
    return Turn(new, (*prefix, *question(new, ctx)))


def stopped(state: ConversationState, ctx: TurnContext) -> Turn:
    """Stopped: a fresh conversation, nothing filed."""
    fresh = ConversationState(prompt_seq=state.prompt_seq + 1, last_activity=state.last_activity)
    return Turn(fresh, (Reply(ctx.texts("stopped")),))


def show_help(state: ConversationState, ctx: TurnContext, prefix: Sequence[Reply], resuming: bool = False) -> Turn:
    return Turn(state, (*prefix, Reply(ctx.texts("help")), *question(state, ctx)))


def my_reports(state: ConversationState, ctx: TurnContext, prefix: Sequence[Reply], resuming: bool = False) -> Turn:
    """The reporter's own reports with their status and actions, then the open question again."""
    t = ctx.texts
    reports = list(ctx.own_reports())
    if not reports:
        listing = Reply(t("my_reports_none"))
    else:
        lines = [t("my_reports_header")]
        for r in reports:
            form = t.label("forms", r.primary_form) if r.primary_form else t("unknown_value")
            date = r.created_at.astimezone(ctx.tz).strftime("%d-%m-%Y")
            lines.append(t("my_reports_line", reference=r.reference, date=date, form=form,
                           status=t.label("status", r.status)))
            lines.extend(t("my_reports_action", action=a) for a in r.actions)
        listing = Reply("\n".join(lines))
    return Turn(state, (*prefix, listing, *question(state, ctx)))


def back(state: ConversationState, ctx: TurnContext, prefix: Sequence[Reply], resuming: bool = False) -> Turn:
    """'terug': the previous question, its answer forgotten."""
    if not state.in_report:
        return Turn(state, (*prefix, *question(state, ctx)))
    if not state.history:
        return Turn(state, (*prefix, Reply(ctx.texts("back_at_start")), *question(state, ctx)))
    previous = state.history[-1]
    new = state.evolve(step=previous, history=state.history[:-1], draft=state.draft.without_answered(previous),
                       reasked=False, editing=False, prompt_seq=state.prompt_seq + 1)
    return Turn(new, (*prefix, *question(new, ctx)))


def start(state: ConversationState, ctx: TurnContext, prefix: Sequence[Reply], resuming: bool = False) -> Turn | None:
    """'melden' during a report: where we were; outside a report the idle step starts one."""
    if not state.in_report:
        return None
    return Turn(state, (*prefix, *resume_or_ask(state, ctx, resuming)))


def resume_or_ask(state: ConversationState, ctx: TurnContext, resuming: bool) -> list[Reply]:
    replies = [] if resuming else [Reply(ctx.texts("resume"))]
    return [*replies, *question(state, ctx)]


FALLBACKS: dict[str, Command] = {"start": start, "stop": stop, "help": show_help, "my_reports": my_reports,
                                 "back": back}


def command_in(text: str, answers_prompt: bool) -> Command | None:
    """The command a whole message is; a button, or an offered label typed in full, is never one."""
    name = command_of(text) if text and not answers_prompt else None
    return FALLBACKS[name] if name else None
