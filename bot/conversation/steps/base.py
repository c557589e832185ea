"""What a step is: its name, what it expects, its choices, its question, and a handler returning an outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.conversation.answers import match_choice, match_many
from bot.conversation.draft import ReportDraft
from bot.conversation.messages import Reply
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.conversation.turns import TurnContext
from bot.domain.vocabulary import StepName
from nlu.result import Understanding


@dataclass(frozen=True, slots=True)
class Choice:
    """One offered answer: the key a handler matches on, and where its label is in the texts file."""

    key: str
    text_key: str  # under `choices`, or under `labels.<group>` when a group is given, or under `texts`
    group: str | None = None
    in_texts: bool = False

    def label(self, t: Texts) -> str:
        if self.in_texts:
            return t(self.text_key)
        return t.label(self.group, self.text_key) if self.group else t.choice(self.text_key)


# Channels whose client shows several-choice questions as toggle chips with a done button (the web page).
TOGGLE_CHANNELS = frozenset({"web"})
DONE = Choice("done", "multi_done")  # 'Klaar' with the toggles: replaces 'nothing extra'


# -- outcomes: what a handler decided; the engine turns each into a transition ----------------


@dataclass(frozen=True, slots=True)
class Answered:
    """The question is answered (or skipped): keep the draft, mark the step answered, go on.

    `said` are text keys said before the next question; `then` goes to that step instead of the next missing one.
    """

    draft: ReportDraft
    skipped: bool = False
    said: tuple[str, ...] = ()
    then: StepName | None = None


@dataclass(frozen=True, slots=True)
class Unclear:
    """No usable answer: ask once more with an example; the second time keep `draft` and the words, marked."""

    draft: ReportDraft
    words: str = ""


@dataclass(frozen=True, slots=True)
class Reask:
    """Ask the same question again, with an example."""


@dataclass(frozen=True, slots=True)
class Advance:
    """Go on to the next missing question (or back to the summary) without marking this step answered."""

    draft: ReportDraft | None = None
    said: tuple[str, ...] = ()
    editing: bool | None = None


@dataclass(frozen=True, slots=True)
class GoTo:
    """Ask another step's question (`record`: remember this step for 'terug')."""

    step: StepName
    draft: ReportDraft | None = None
    editing: bool | None = None
    record: bool = False


@dataclass(frozen=True, slots=True)
class Stay:
    """Stay at this step with a new draft, saying `say`; with the step's buttons again when it has any."""

    draft: ReportDraft
    say: str
    reasked: bool = False


@dataclass(frozen=True, slots=True)
class Say:
    """Answer with these texts and change nothing (outside a report)."""

    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StartReport:
    """A new report: with the story in this message, or by asking for it."""

    with_story: bool


@dataclass(frozen=True, slots=True)
class File:
    """File the report."""


@dataclass(frozen=True, slots=True)
class AskStop:
    """Ask whether to stop ('Weet je zeker…')."""


@dataclass(frozen=True, slots=True)
class Stopped:
    """Stop: nothing is filed."""


@dataclass(frozen=True, slots=True)
class CarryOn:
    """Not stopping after all: back to the question that was open."""


Outcome = Answered | Unclear | Reask | Advance | GoTo | Stay | Say | StartReport | File | AskStop | Stopped | CarryOn


# The understanding of the message, computed when first asked for: a button or a picked choice needs none.
Read = Callable[[], Understanding]


@dataclass(frozen=True, slots=True)
class Said:
    """What a handler gets: the message, its reading, where the conversation is, and the turn's ports."""

    text: str
    read: Read
    state: ConversationState
    ctx: TurnContext
    step: Step

    @property
    def understanding(self) -> Understanding:
        """The understanding of the message (the model runs on first use only; handlers look at the choices
        first, so that a pressed button or a typed choice costs no understanding)."""
        return self.read()

    @property
    def draft(self) -> ReportDraft:
        return self.state.draft

    def options(self) -> tuple[Choice, ...]:
        """The choices as this channel shows them."""
        return self.step.shown(self.draft, self.ctx.texts, self.ctx.channel)

    def picked(self) -> str | None:
        """The key of the choice this message picks (a button, its number, or its label), else None."""
        options = self.options()
        idx = match_choice(self.text, [c.label(self.ctx.texts) for c in options])
        return options[idx].key if idx is not None else None

    def picked_several(self) -> list[str] | None:
        """The keys of several choices ('1 en 3', 'Hulp bij aangifte, Iemand om mee te praten'), else None."""
        options = self.options()
        idx = match_many(self.text, [c.label(self.ctx.texts) for c in options])
        return [options[i].key for i in idx] if idx is not None else None


Handler = Callable[[Said], Outcome]
DynamicChoices = Callable[[ReportDraft, Texts], tuple[Choice, ...]]
# A question worded by the step itself: its replies (given the shown labels and the prompt id), or None for
# the plain question under its key.
Question = Callable[[ConversationState, TurnContext, tuple[str, ...], str | None], "list[Reply] | None"]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the conversation (see flow.md).

    `expects` tells the understanding what to listen for; `question` and `reask` are text keys
    (`ask_<step>` / `reask_<step>` unless the step words its question itself); `text_keys` are the
    further texts the step's handler or question uses.
    """

    name: StepName
    expects: str | None
    handle: Handler
    choices: tuple[Choice, ...] = ()
    dynamic_choices: DynamicChoices | None = None
    question: str | None = None  # text key; ask_<step> when None
    reask: str | None = None  # text key; reask_<step> when None
    words_question: Question | None = None
    several: bool = False  # several choices at once ('1 en 3'); toggles with a done button on the web
    text_keys: tuple[str, ...] = field(default=())

    def choices_for(self, draft: ReportDraft, t: Texts) -> tuple[Choice, ...]:
        return self.dynamic_choices(draft, t) if self.dynamic_choices else self.choices

    def toggles(self, channel: str) -> bool:
        """Several choices shown as toggle chips with a done button (on the web)."""
        return self.several and channel in TOGGLE_CHANNELS

    def shown(self, draft: ReportDraft, t: Texts, channel: str) -> tuple[Choice, ...]:
        """The choices as a channel shows them: several-choice questions get a done button on toggle channels."""
        choices = self.choices_for(draft, t)
        return (*choices[:-1], DONE) if self.toggles(channel) else choices
