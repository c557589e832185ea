"""The reporting dialogue as an explicit state table: one handler per step (see flow.md)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.state import IDLE, ConversationState
from bot.conversation.texts import Texts
from bot.domain.model import (
    Employee,
    Evidence,
    Report,
    ReportSummary,
    is_severe,
    severity_for,
)
from nlu.result import PRIMARY_FORMS, UnderstandContext, Understanding

# Steps of the flow.
DESCRIBE = "describe"
DESCRIBE_MORE = "describe_more"
WHEN = "when"
WHERE = "where"
INJURY = "injury"
WITNESSES = "witnesses"
FEELING = "feeling"
WANTS = "wants"
CLASSIFICATION = "classification"
ABCD_STEP = "abcd"
CONFIRM = "confirm"
EDIT_FIELD = "edit_field"
CONFIRM_STOP = "confirm_stop"

SLOTS = (WHEN, WHERE, INJURY, WITNESSES, FEELING, WANTS)
EDIT_FIELDS = ("description", WHEN, WHERE, INJURY, WITNESSES, FEELING, WANTS, CLASSIFICATION)
LOCATION_KEYS = ("balie", "telefoon", "veldbezoek", "online", "openbare_ruimte", "anders")
WANT_KEYS = ("manager_contact", "aangifte_help", "aftercare")
ABCD_KEYS = ("A", "B", "C", "D")

# What the understanding should listen for at each step.
EXPECTING = {
    IDLE: None,
    DESCRIBE: "description",
    DESCRIBE_MORE: "description",
    WHEN: "when",
    WHERE: "location",
    INJURY: "injury",
    WITNESSES: "witnesses",
    FEELING: "feeling",
    WANTS: "wants",
    CLASSIFICATION: "choice",
    ABCD_STEP: "choice",
    CONFIRM: "choice",
    EDIT_FIELD: "choice",
    CONFIRM_STOP: "yes_no",
}

# Fixed commands: exact words, so that a description containing "stop" is not a command.
_COMMANDS = {
    "stop": {"stop", "stoppen", "annuleer", "annuleren", "afbreken", "ik wil stoppen"},
    "help": {"help", "hulp", "?", "uitleg", "help me"},
    "back": {"terug", "vorige", "vorige vraag", "ga terug", "een vraag terug"},
    "my_reports": {"mijn meldingen", "mijnmeldingen", "mijn melding", "status", "mijn status"},
    "start": {"start", "melden", "nieuwe melding", "ik wil iets melden", "melding maken", "iets melden"},
}
_SKIP = {"weet ik niet", "sla over", "overslaan", "geen idee", "weet niet", "skip", "sla maar over",
         "weet ik echt niet", "kweenie", "geen flauw idee"}
_DONE = {"nee", "nee verder", "verder", "klaar", "dat was het", "dat is alles", "niks", "niets", "nee hoor",
         "nope", "ok", "oke", "okay", "door", "ga door", "nee dank je", "nee bedankt"}
_NOTHING = {"niets", "niks", "nee", "geen", "niets extra", "hoeft niet", "nee hoor", "niks extra"}
_WORD = re.compile(r"\w+", re.UNICODE)
MIN_DESCRIPTION_WORDS = 4


@dataclass(frozen=True, slots=True)
class FileReport:
    """Effect: store this report (its reference is already allocated)."""

    report: Report


Effect = FileReport


@dataclass(frozen=True, slots=True)
class TurnContext:
    """What the engine may consult during one turn; every callable is a port."""

    reporter: Employee
    now: datetime
    texts: Texts
    tz: tzinfo
    understand: Callable[[str, UnderstandContext], Understanding]
    next_reference: Callable[[], str]
    own_reports: Callable[[], Sequence[ReportSummary]]
    channel: str = ""
    resume_after: timedelta = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Turn:
    """The result of one turn: the new state, what to say, and what to do."""

    state: ConversationState
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = field(default=())


def expecting(state: ConversationState) -> str | None:
    """What the understanding should listen for in the next message."""
    return EXPECTING.get(state.step)


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces: for matching commands and choices."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().strip().lstrip("/")
    text = re.sub(r"[^\w\s?]", " ", text)
    return " ".join(text.split())


def command_of(text: str, understanding: Understanding) -> str | None:
    """A fixed command (stop, help, back, my_reports, start), or None."""
    if text.strip().lower().startswith("/start"):
        return "start"  # also "/start CODE" from someone already linked
    norm = normalise(text)
    for name, words in _COMMANDS.items():
        if norm in words:
            return name
    short = len(_WORD.findall(text)) <= 4
    if short and understanding.intent_confidence >= 0.85 and understanding.intent in (
        "stop",
        "help",
        "back",
        "my_reports",
    ):
        return understanding.intent
    return None


def is_skip(text: str, understanding: Understanding) -> bool:
    norm = normalise(text)
    if norm in _SKIP:
        return True
    return understanding.intent == "dont_know" and understanding.intent_confidence >= 0.6 and len(norm) < 40


def match_choice(text: str, choices: Sequence[str]) -> int | None:
    """The index of the chosen option: by number (1-based) or by its label."""
    norm = normalise(text)
    if norm.isdigit():
        idx = int(norm) - 1
        return idx if 0 <= idx < len(choices) else None
    labels = [normalise(c) for c in choices]
    if norm in labels:
        return labels.index(norm)
    starts = [i for i, lab in enumerate(labels) if norm and (lab.startswith(norm) and len(norm) >= 3)]
    return starts[0] if len(starts) == 1 else None


def match_numbers(text: str, count: int) -> list[int] | None:
    """Several 1-based numbers ('1 en 3', '1,3'); None when the text is not only numbers."""
    norm = normalise(text).replace(" en ", " ")
    parts = norm.replace(",", " ").split()
    if not parts or not all(p.isdigit() for p in parts):
        return None
    idx = sorted({int(p) - 1 for p in parts})
    return idx if all(0 <= i < count for i in idx) else None


class Engine:
    """Takes one message in a state and returns the next state, replies and effects."""

    def take_turn(
        self, state: ConversationState, msg: IncomingMessage, understanding: Understanding, ctx: TurnContext
    ) -> Turn:
        t = ctx.texts
        if msg.unsupported:
            return Turn(state, (Reply(t("unsupported_content")), *self.question(state, ctx)))
        if msg.in_reply_to is not None and msg.in_reply_to != state.prompt_id:
            return Turn(state, (Reply(t("stale_button")), *self.question(state, ctx)))

        prefix: list[Reply] = []
        resuming = (
            state.in_report
            and state.last_activity is not None
            and ctx.now - state.last_activity >= ctx.resume_after
        )
        state = state.evolve(last_activity=ctx.now)
        if resuming:
            prefix.append(Reply(t("resume")))

        if msg.attachments:
            return self._evidence(state, msg, ctx, prefix)

        text = msg.text.strip()
        command = command_of(text, understanding) if text else None
        if command == "start" and state.in_report:
            return Turn(state, (*prefix, *self._resume_or_ask(state, ctx, resuming)))
        if command == "stop":
            return self._stop(state, ctx, prefix)
        if command == "help":
            return Turn(state, (*prefix, Reply(t("help")), *self.question(state, ctx)))
        if command == "my_reports":
            return Turn(state, (*prefix, self._my_reports(ctx), *self.question(state, ctx)))
        if command == "back":
            return self._back(state, ctx, prefix)
        if state.in_report and understanding.intent == "greeting" and len(_WORD.findall(text)) <= 3:
            return Turn(state, (*prefix, *self._resume_or_ask(state, ctx, resuming)))
        if not text:
            return Turn(state, (*prefix, Reply(t("empty_message")), *self.question(state, ctx)))

        handler = self._handlers()[state.step]
        turn = handler(state, text, understanding, ctx)
        return Turn(turn.state, (*prefix, *turn.replies), turn.effects)

    def _handlers(self) -> dict[str, Callable[[ConversationState, str, Understanding, TurnContext], Turn]]:
        return {
            IDLE: self.on_idle,
            DESCRIBE: self.on_describe,
            DESCRIBE_MORE: self.on_describe_more,
            WHEN: self.on_when,
            WHERE: self.on_where,
            INJURY: self.on_injury,
            WITNESSES: self.on_witnesses,
            FEELING: self.on_feeling,
            WANTS: self.on_wants,
            CLASSIFICATION: self.on_classification,
            ABCD_STEP: self.on_abcd,
            CONFIRM: self.on_confirm,
            EDIT_FIELD: self.on_edit_field,
            CONFIRM_STOP: self.on_confirm_stop,
        }

    # -- questions -------------------------------------------------------------------------

    def choices_for(self, step: str, state: ConversationState, t: Texts) -> tuple[str, ...]:
        """The options offered at a step (empty for open questions)."""
        if step == DESCRIBE_MORE:
            return (t("choice_more_done"),)
        if step == WHERE:
            return tuple(t.label("location", k) for k in LOCATION_KEYS)
        if step == INJURY:
            return tuple(
                t.choice(k) for k in ("injury_none", "injury_hurt", "injury_damage", "injury_both", "dont_know")
            )
        if step == WITNESSES:
            return (t.choice("affirm"), t.choice("deny"), t.choice("dont_know"))
        if step == FEELING:
            return (t.choice("feeling_good"), t.choice("feeling_ok"), t.choice("feeling_bad"))
        if step == WANTS:
            return tuple(
                t.choice(k) for k in ("wants_manager", "wants_aangifte", "wants_aftercare", "wants_nothing")
            )
        if step == CLASSIFICATION:
            current = state.draft.get("primary_form")
            forms = tuple(t.label("forms_short", f) for f in PRIMARY_FORMS if f != current)
            return (t.choice("classification_ok"), *forms) if current else forms
        if step == ABCD_STEP:
            return tuple(t.label("abcd", k) for k in ABCD_KEYS)
        if step == CONFIRM:
            return (t.choice("confirm_send"), t.choice("confirm_edit"), t.choice("confirm_stop"))
        if step == EDIT_FIELD:
            return tuple(t.label("edit_fields", k) for k in EDIT_FIELDS)
        if step == CONFIRM_STOP:
            return (t.choice("stop_yes"), t.choice("stop_no"))
        return ()

    def question(self, state: ConversationState, ctx: TurnContext) -> list[Reply]:
        """The current question again, with the same prompt id (nothing changes)."""
        t = ctx.texts
        step = state.step
        if step == IDLE:
            return [Reply(t("idle_prompt"))]
        choices = self.choices_for(step, state, t)
        pid = state.prompt_id if choices else None
        if step == DESCRIBE:
            key = "ask_edit_description" if state.editing else "ask_description"
            return [Reply(t(key))]
        if step == DESCRIBE_MORE:
            return [Reply(t("ask_more"), choices, pid)]
        if step == CLASSIFICATION:
            if state.draft.get("primary_form"):
                return [Reply(t("ask_classification", explanation=self.explanation(state.draft, t)), choices, pid)]
            return [Reply(t("ask_classification_unknown"), choices, pid)]
        if step == CONFIRM:
            return [Reply(self.summary(state.draft, ctx)), Reply(t("ask_confirm"), choices, pid)]
        return [Reply(t(f"ask_{step}"), choices, pid)]

    def ask(self, state: ConversationState, step: str, ctx: TurnContext, *, record: bool = True) -> Turn:
        """Move to a step and ask its question under a fresh prompt id."""
        asked = list(state.draft.get("_asked", []))
        questions = state.questions
        if step not in asked:
            asked.append(step)
            questions += 1
        history = state.history
        if record and state.step not in (IDLE, CONFIRM_STOP, EDIT_FIELD) and state.step != step:
            history = (*history, state.step)
        new = state.evolve(
            step=step,
            draft={**state.draft, "_asked": asked},
            history=history,
            reasked=False,
            prompt_seq=state.prompt_seq + 1,
            questions=questions,
        )
        return Turn(new, tuple(self.question(new, ctx)))

    def reask(self, state: ConversationState, ctx: TurnContext) -> Turn:
        """Ask the same question once more, with an example."""
        t = ctx.texts
        new = state.evolve(reasked=True, prompt_seq=state.prompt_seq + 1)
        choices = self.choices_for(state.step, new, t)
        return Turn(new, (Reply(t(f"reask_{state.step}"), choices, new.prompt_id if choices else None),))

    def advance(self, state: ConversationState, ctx: TurnContext, before: Sequence[Reply] = ()) -> Turn:
        """After an answer: back to the summary when editing, else the next missing question."""
        if state.editing:
            state = state.evolve(editing=False)
            turn = self.ask(state, CONFIRM, ctx, record=False)
        else:
            turn = self.ask(state, self.next_step(state.draft), ctx)
        return Turn(turn.state, (*before, *turn.replies), turn.effects)

    @staticmethod
    def next_step(draft: dict[str, Any]) -> str:
        answered = set(draft.get("_answered", []))
        for slot in SLOTS:
            if slot not in answered:
                return slot
        if CLASSIFICATION not in answered:
            return CLASSIFICATION
        return CONFIRM

    # -- step handlers ---------------------------------------------------------------------

    def on_idle(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        t = ctx.texts
        if u.intent == "thanks" and u.primary_form is None:
            return Turn(state, (Reply(t("thanks_reply")),))
        if u.intent == "question" and u.primary_form is None:
            return Turn(state, (Reply(t("question_answer")),))
        opening = Reply(t("opening", name=first_name(ctx.reporter.name)))
        fresh = ConversationState(prompt_seq=state.prompt_seq, last_activity=state.last_activity)
        if looks_like_description(text, u):
            fresh = fresh.evolve(step=DESCRIBE, draft={"_asked": []})
            turn = self.on_describe(fresh, text, u, ctx)
            return Turn(turn.state, (opening, *turn.replies), turn.effects)
        turn = self.ask(fresh, DESCRIBE, ctx)
        return Turn(turn.state, (opening, *turn.replies))

    def on_describe(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if state.editing:
            draft = dict(state.draft)
            draft["description"] = text
            draft = self.apply_understanding(draft, self.understand_description(text, ctx), fill_slots=False)
            return self.advance(state.evolve(draft=draft), ctx, (Reply(ctx.texts("corrected")),))
        description = join_description(state.draft.get("description"), text)
        words = len(_WORD.findall(description))
        if words < MIN_DESCRIPTION_WORDS and not state.reasked and u.primary_form is None:
            new = state.evolve(draft={**state.draft, "description": description}, reasked=True)
            return Turn(new, (Reply(ctx.texts("ask_description_more_detail")),))
        draft = {**state.draft, "description": description}
        draft = self.apply_understanding(draft, self.understand_description(description, ctx))
        return self.ask(state.evolve(draft=draft), DESCRIBE_MORE, ctx)

    def on_describe_more(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        t = ctx.texts
        norm = normalise(text)
        done = match_choice(text, self.choices_for(DESCRIBE_MORE, state, t)) == 0 or norm in _DONE
        if done or (u.intent in ("no", "dont_know") and len(norm) < 25):
            return self.advance(state, ctx)
        description = join_description(state.draft.get("description"), text)
        draft = self.apply_understanding(
            {**state.draft, "description": description}, self.understand_description(description, ctx)
        )
        new = state.evolve(draft=draft, prompt_seq=state.prompt_seq + 1)
        return Turn(new, (Reply(t("added_more"), self.choices_for(DESCRIBE_MORE, new, t), new.prompt_id),))

    def on_when(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, WHEN, {"occurred_text": None}, ctx, skipped=True)
        span = u.entities.when
        if span is not None and span.confidence >= 0.5:
            return self.answer(
                state,
                WHEN,
                {
                    "occurred_text": text,
                    "occurred_start": span.start.isoformat(),
                    "occurred_end": span.end.isoformat(),
                },
                ctx,
            )
        return self.unclear(state, WHEN, {"occurred_text": text, "occurred_start": None, "occurred_end": None}, ctx)

    def on_where(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, WHERE, {"location_type": None}, ctx, skipped=True)
        idx = match_choice(text, self.choices_for(WHERE, state, ctx.texts))
        if idx is not None:
            return self.answer(state, WHERE, {"location_type": LOCATION_KEYS[idx]}, ctx)
        if u.entities.location_type:
            values = {"location_type": u.entities.location_type, "location_text": text}
            return self.answer(state, WHERE, values, ctx)
        return self.unclear(state, WHERE, {"location_type": "anders", "location_text": text}, ctx)

    def on_injury(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, INJURY, {"injury": None, "damage": None}, ctx, skipped=True)
        idx = match_choice(text, self.choices_for(INJURY, state, ctx.texts))
        if idx is not None:
            options: list[dict[str, Any]] = [
                {"injury": "nee", "damage": "nee"},
                {"injury": "ja", "damage": state.draft.get("damage")},
                {"injury": state.draft.get("injury"), "damage": "ja"},
                {"injury": "ja", "damage": "ja"},
                {"injury": None, "damage": None},
            ]
            return self.answer(state, INJURY, options[idx], ctx, skipped=idx == 4)
        ent = u.entities
        if ent.injury is not None or ent.damage is not None:
            return self.answer(state, INJURY, injury_values(ent.injury, ent.damage, text), ctx)
        if u.intent == "no":
            return self.answer(state, INJURY, {"injury": "nee", "damage": "nee"}, ctx)
        return self.unclear(state, INJURY, {"injury": text, "damage": None}, ctx)

    def on_witnesses(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, WITNESSES, {"witnesses": None}, ctx, skipped=True)
        idx = match_choice(text, self.choices_for(WITNESSES, state, ctx.texts))
        if idx is not None:
            return self.answer(state, WITNESSES, {"witnesses": ["ja", "nee", None][idx]}, ctx, skipped=idx == 2)
        ent = u.entities
        if ent.witnesses is not None:
            value = ent.witnesses_text or text if ent.witnesses else "nee"
            return self.answer(state, WITNESSES, {"witnesses": value}, ctx)
        if u.intent in ("yes", "no"):
            return self.answer(state, WITNESSES, {"witnesses": "ja" if u.intent == "yes" else "nee"}, ctx)
        return self.unclear(state, WITNESSES, {"witnesses": text}, ctx)

    def on_feeling(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, FEELING, {"feeling": None}, ctx, skipped=True)
        choices = self.choices_for(FEELING, state, ctx.texts)
        idx = match_choice(text, choices)
        # How someone feels is theirs to say: any words are a fine answer.
        return self.answer(state, FEELING, {"feeling": choices[idx] if idx is not None else text}, ctx)

    def on_wants(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, WANTS, {"wants": []}, ctx, skipped=True)
        choices = self.choices_for(WANTS, state, ctx.texts)
        picked = match_numbers(text, len(choices))
        if picked is None:
            idx = match_choice(text, choices)
            picked = [idx] if idx is not None else None
        if picked is not None:
            return self.answer(state, WANTS, {"wants": [WANT_KEYS[i] for i in picked if i < len(WANT_KEYS)]}, ctx)
        found = wants_from_words(text)
        if found:
            return self.answer(state, WANTS, {"wants": found}, ctx)
        if normalise(text) in _NOTHING or u.intent == "no":
            return self.answer(state, WANTS, {"wants": []}, ctx)
        return self.unclear(state, WANTS, {"wants": [], "wants_text": text}, ctx)

    def on_classification(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        t = ctx.texts
        choices = self.choices_for(CLASSIFICATION, state, t)
        idx = match_choice(text, choices)
        current = state.draft.get("primary_form")
        if idx is None and current and u.intent == "yes":
            idx = 0
        if idx is None:
            picked = form_from_words(text)
            if picked is None:
                return self.reask(state, ctx) if not state.reasked else self._keep_classification(state, ctx)
        else:
            label = choices[idx]
            picked = None if (current and idx == 0) else form_for_label(label, t)
        draft = dict(state.draft)
        answered = set(draft.get("_answered", []))
        answered.add(CLASSIFICATION)
        draft["_answered"] = sorted(answered)
        replies: list[Reply] = []
        if picked is not None and picked != current:
            draft = with_primary_form(draft, picked)
            replies.append(Reply(t("corrected")))
        if state.editing:
            # From the summary: also let the reporter choose the ABCD description.
            turn = self.ask(state.evolve(draft=draft), ABCD_STEP, ctx, record=False)
            return Turn(turn.state, (*replies, *turn.replies))
        return self.advance(state.evolve(draft=draft), ctx, replies)

    def _keep_classification(self, state: ConversationState, ctx: TurnContext) -> Turn:
        draft = dict(state.draft)
        draft["_answered"] = sorted({*draft.get("_answered", []), CLASSIFICATION})
        return self.advance(state.evolve(draft=draft), ctx, (Reply(ctx.texts("accepted_free_text")),))

    def on_abcd(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        idx = match_choice(text, self.choices_for(ABCD_STEP, state, ctx.texts))
        if idx is None:
            norm = normalise(text)
            idx = ABCD_KEYS.index(norm.upper()) if norm.upper() in ABCD_KEYS else None
        if idx is None:
            if not state.reasked:
                return self.reask(state, ctx)
            return self.advance(state.evolve(editing=True), ctx)
        draft = {**state.draft, "abcd": ABCD_KEYS[idx], "corrected": True}
        return self.advance(state.evolve(draft=draft, editing=True), ctx, (Reply(ctx.texts("corrected")),))

    def on_confirm(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        idx = match_choice(text, self.choices_for(CONFIRM, state, ctx.texts))
        if idx is None and u.intent == "yes":
            idx = 0
        if idx == 0:
            return self.file(state, ctx)
        if idx == 1 or (idx is None and u.intent == "no"):
            return self.ask(state, EDIT_FIELD, ctx, record=False)
        if idx == 2:
            return self._stop(state, ctx, [])
        return self.reask(state, ctx)

    def on_edit_field(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        idx = match_choice(text, self.choices_for(EDIT_FIELD, state, ctx.texts))
        if idx is None:
            if not state.reasked:
                return self.reask(state, ctx)
            return self.ask(state.evolve(editing=False), CONFIRM, ctx, record=False)
        field_name = EDIT_FIELDS[idx]
        step = DESCRIBE if field_name == "description" else field_name
        return self.ask(state.evolve(editing=True), step, ctx, record=False)

    def on_confirm_stop(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        t = ctx.texts
        idx = match_choice(text, self.choices_for(CONFIRM_STOP, state, t))
        if idx is None:
            idx = 0 if u.intent == "yes" else 1 if u.intent == "no" else None
        if idx == 0:
            fresh = ConversationState(prompt_seq=state.prompt_seq + 1, last_activity=state.last_activity)
            return Turn(fresh, (Reply(t("stopped")),))
        if idx == 1:
            back = state.evolve(step=state.return_step or DESCRIBE, return_step=None,
                                prompt_seq=state.prompt_seq + 1, reasked=False)
            return Turn(back, (Reply(t("stop_cancelled")), *self.question(back, ctx)))
        return self.reask(state, ctx)

    # -- commands --------------------------------------------------------------------------

    def _stop(self, state: ConversationState, ctx: TurnContext, prefix: Sequence[Reply]) -> Turn:
        t = ctx.texts
        if not state.in_report:
            return Turn(state, (*prefix, Reply(t("nothing_to_stop"))))
        if state.step == CONFIRM_STOP:
            return Turn(state, (*prefix, *self.question(state, ctx)))
        new = state.evolve(step=CONFIRM_STOP, return_step=state.step, prompt_seq=state.prompt_seq + 1,
                           reasked=False)
        return Turn(new, (*prefix, *self.question(new, ctx)))

    def _back(self, state: ConversationState, ctx: TurnContext, prefix: Sequence[Reply]) -> Turn:
        t = ctx.texts
        if not state.in_report:
            return Turn(state, (*prefix, *self.question(state, ctx)))
        if not state.history:
            return Turn(state, (*prefix, Reply(t("back_at_start")), *self.question(state, ctx)))
        previous = state.history[-1]
        draft = dict(state.draft)
        draft["_answered"] = [s for s in draft.get("_answered", []) if s != previous]
        new = state.evolve(
            step=previous,
            history=state.history[:-1],
            draft=draft,
            reasked=False,
            editing=False,
            prompt_seq=state.prompt_seq + 1,
        )
        return Turn(new, (*prefix, *self.question(new, ctx)))

    def _resume_or_ask(self, state: ConversationState, ctx: TurnContext, resuming: bool) -> list[Reply]:
        replies = [] if resuming else [Reply(ctx.texts("resume"))]
        return [*replies, *self.question(state, ctx)]

    def _my_reports(self, ctx: TurnContext) -> Reply:
        t = ctx.texts
        reports = list(ctx.own_reports())
        if not reports:
            return Reply(t("my_reports_none"))
        lines = [t("my_reports_header")]
        for r in reports:
            form = t.label("forms", r.primary_form) if r.primary_form else t("unknown_value")
            date = r.created_at.astimezone(ctx.tz).strftime("%d-%m-%Y")
            lines.append(
                t("my_reports_line", reference=r.reference, date=date, form=form,
                  status=t.label("status", r.status))
            )
            lines.extend(t("my_reports_action", action=a) for a in r.actions)
        return Reply("\n".join(lines))

    def _evidence(
        self, state: ConversationState, msg: IncomingMessage, ctx: TurnContext, prefix: Sequence[Reply]
    ) -> Turn:
        t = ctx.texts
        if not state.in_report or state.step == CONFIRM_STOP:
            return Turn(state, (*prefix, Reply(t("evidence_no_report"))))
        items = list(state.draft.get("evidence", []))
        for a in msg.attachments:
            items.append({k: getattr(a, k) for k in (
                "kind", "path", "mime_type", "size", "latitude", "longitude", "original_name")})
        draft = {**state.draft, "evidence": items}
        if msg.text.strip() and state.step in (DESCRIBE, DESCRIBE_MORE):
            draft["description"] = join_description(draft.get("description"), msg.text.strip())
        new = state.evolve(draft=draft)
        return Turn(new, (*prefix, Reply(t("evidence_received")), *self.question(new, ctx)))

    # -- answers ---------------------------------------------------------------------------

    def answer(
        self, state: ConversationState, slot: str, values: dict[str, Any], ctx: TurnContext, *, skipped: bool = False
    ) -> Turn:
        draft = {**state.draft, **values}
        draft["_answered"] = sorted({*draft.get("_answered", []), slot})
        before = (Reply(ctx.texts("skipped")),) if skipped else ()
        return self.advance(state.evolve(draft=draft), ctx, before)

    def unclear(self, state: ConversationState, slot: str, fallback: dict[str, Any], ctx: TurnContext) -> Turn:
        """Re-ask once with an example; the second time, keep the words as they are."""
        if not state.reasked:
            return self.reask(state, ctx)
        draft = {**state.draft, **fallback}
        draft["_answered"] = sorted({*draft.get("_answered", []), slot})
        return self.advance(state.evolve(draft=draft), ctx, (Reply(ctx.texts("accepted_free_text")),))

    def understand_description(self, text: str, ctx: TurnContext) -> Understanding:
        return ctx.understand(text, UnderstandContext(now=ctx.now, expecting="description"))

    @staticmethod
    def apply_understanding(draft: dict[str, Any], u: Understanding, *, fill_slots: bool = True) -> dict[str, Any]:
        """Take the classification and, for questions not answered yet, the facts from the description."""
        draft = dict(draft)
        answered = set(draft.get("_answered", []))
        if not draft.get("corrected"):
            draft.update(
                primary_form=u.primary_form,
                forms=list(u.forms),
                abcd=u.abcd,
                severe=u.severe,
                severity=u.severity,
                explanation=u.explanation,
            )
        ent = u.entities
        draft["quotes"] = list(ent.quotes)
        draft["perpetrator"] = ", ".join(ent.perpetrator) if ent.perpetrator else None
        draft["weapon"] = ent.weapon
        draft["suicide_threat"] = ent.suicide_threat
        draft["doxing"] = ent.doxing
        if not fill_slots:
            return draft
        if WHEN not in answered and ent.when is not None and ent.when.confidence >= 0.6:
            draft.update(
                occurred_text=ent.when.text,
                occurred_start=ent.when.start.isoformat(),
                occurred_end=ent.when.end.isoformat(),
            )
            answered.add(WHEN)
        if WHERE not in answered and ent.location_type:
            draft.update(location_type=ent.location_type, location_text=ent.location_text)
            answered.add(WHERE)
        if INJURY not in answered and (ent.injury is not None or ent.damage is not None):
            values = injury_values(ent.injury, ent.damage, None, ent.injury_text, ent.damage_text)
            draft.update(values)
            answered.add(INJURY)
        if WITNESSES not in answered and ent.witnesses is not None:
            draft["witnesses"] = (ent.witnesses_text or "ja") if ent.witnesses else "nee"
            answered.add(WITNESSES)
        draft["_answered"] = sorted(answered)
        return draft

    # -- filing ----------------------------------------------------------------------------

    def file(self, state: ConversationState, ctx: TurnContext) -> Turn:
        t = ctx.texts
        report = build_report(state.draft, ctx)
        lines = [t("filed", reference=report.reference)]
        lines.append(t("next_steps_severe") if report.severe else t("next_steps_normal"))
        lines.append(t("next_steps_aftercare"))
        if report.suicide_threat or "dreigen_zelfdoding" in report.forms:
            lines.append(t("next_steps_113"))
        if report.doxing or "online_doxing" in report.forms:
            lines.append(t("next_steps_doxing"))
        if report.severe or "aangifte_help" in report.wants:
            lines.append(t("next_steps_aangifte", reference=report.reference))
        fresh = ConversationState(prompt_seq=state.prompt_seq + 1, last_activity=state.last_activity)
        return Turn(fresh, (Reply("\n\n".join(lines)),), (FileReport(report),))

    def explanation(self, draft: dict[str, Any], t: Texts) -> str:
        if draft.get("explanation") and not draft.get("corrected"):
            return str(draft["explanation"])
        form = draft.get("primary_form")
        if not form:
            return ""
        reason = t.label("reasons", form)
        abcd = draft.get("abcd")
        if abcd:
            return t("explain_form", form=t.label("forms", form), abcd=abcd, reason=reason)
        return t("explain_form_no_abcd", form=t.label("forms", form), reason=reason)

    def summary(self, draft: dict[str, Any], ctx: TurnContext) -> str:
        t = ctx.texts
        unknown = t("unknown_value")

        def val(v: Any) -> str:
            return unknown if v in (None, "", []) else str(v)

        when = draft.get("occurred_text")
        if draft.get("occurred_start"):
            start = datetime.fromisoformat(draft["occurred_start"]).astimezone(ctx.tz)
            end = datetime.fromisoformat(draft["occurred_end"]).astimezone(ctx.tz)
            when = f"{when} ({start:%d-%m-%Y %H:%M}–{end:%H:%M})"
        where = t.label("location", draft["location_type"]) if draft.get("location_type") else None
        if where and draft.get("location_text") and draft.get("location_type") == "anders":
            where = f"{where}: {draft['location_text']}"
        injury = ", ".join(
            f"{name} {v}" for name, v in (("letsel:", draft.get("injury")), ("schade:", draft.get("damage"))) if v
        )
        wants = draft.get("wants") or []
        wants_text = ", ".join(t.label("wants", w) for w in wants) if wants else draft.get("wants_text")
        if not wants and not draft.get("wants_text") and WANTS in draft.get("_answered", []):
            wants_text = t("none_value")
        form = draft.get("primary_form")
        form_text = t.label("forms", form) if form else None
        if form_text and draft.get("abcd"):
            form_text = f"{form_text} ({t.label('abcd', draft['abcd'])})"
        lines = [
            t("summary_header"),
            t("summary_description", value=val(draft.get("description"))),
            t("summary_when", value=val(when)),
            t("summary_where", value=val(where)),
            t("summary_injury", value=val(injury)),
            t("summary_witnesses", value=val(draft.get("witnesses"))),
            t("summary_feeling", value=val(draft.get("feeling"))),
            t("summary_wants", value=val(wants_text)),
            t("summary_form", value=val(form_text)),
        ]
        return "\n".join(lines)


# -- helpers (pure) --------------------------------------------------------------------------


def first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


def join_description(old: str | None, new: str) -> str:
    return f"{old}\n{new}" if old else new


def looks_like_description(text: str, u: Understanding) -> bool:
    """A first message that already tells what happened (not just 'hoi' or 'ik wil melden')."""
    if u.primary_form is not None:
        return True
    words = len(_WORD.findall(text))
    return u.intent == "describe" and words >= 6


def injury_values(
    injury: bool | None,
    damage: bool | None,
    text: str | None,
    injury_text: str | None = None,
    damage_text: str | None = None,
) -> dict[str, Any]:
    def one(flag: bool | None, detail: str | None) -> str | None:
        if flag is None:
            return None
        if not flag:
            return "nee"
        return detail or text or "ja"

    return {"injury": one(injury, injury_text), "damage": one(damage, damage_text)}


def wants_from_words(text: str) -> list[str]:
    norm = normalise(text)
    found = []
    if any(w in norm for w in ("leidinggevende", "manager", "teamleider", "baas", "chef")):
        found.append("manager_contact")
    if "aangifte" in norm or "politie" in norm:
        found.append("aangifte_help")
    if any(w in norm for w in ("praten", "nazorg", "opvang", "vertrouwenspersoon", "maatschappelijk")):
        found.append("aftercare")
    return found


def form_from_words(text: str) -> str | None:
    norm = normalise(text)
    for form, words in (
        ("fysiek", ("fysiek", "geweld", "geslagen", "lichamelijk")),
        ("bedreiging", ("bedreiging", "dreiging", "bedreigd", "intimidatie")),
        ("verbaal", ("verbaal", "schelden", "uitgescholden", "woorden")),
    ):
        if any(w in norm for w in words):
            return form
    return None


def form_for_label(label: str, t: Texts) -> str | None:
    for form, short in t.labels("forms_short").items():
        if short == label:
            return form
    return None


def with_primary_form(draft: dict[str, Any], form: str) -> dict[str, Any]:
    """The reporter's correction of the form of behaviour, with ABCD and severity following it."""
    forms = [f for f in draft.get("forms", []) if f not in PRIMARY_FORMS]
    forms.insert(0, form)
    abcd = draft.get("abcd")
    if form in ("bedreiging", "fysiek"):
        abcd = "D"
    elif abcd in (None, "D"):
        abcd = "B"
    injury = draft.get("injury") not in (None, "nee")
    severe = is_severe(form, tuple(forms) if form != "verbaal" else ())
    return {
        **draft,
        "primary_form": form,
        "forms": forms,
        "abcd": abcd,
        "severe": severe,
        "severity": severity_for(form, tuple(forms), injury=injury, weapon=bool(draft.get("weapon"))),
        "corrected": True,
    }


def build_report(draft: dict[str, Any], ctx: TurnContext) -> Report:
    """The report as filed, from the draft of the conversation."""

    def when(key: str) -> datetime | None:
        v = draft.get(key)
        return datetime.fromisoformat(v) if v else None

    primary = draft.get("primary_form")
    forms = tuple(draft.get("forms") or ())
    severe = bool(draft.get("severe")) or is_severe(primary, forms) or bool(draft.get("doxing"))
    severity = draft.get("severity") or severity_for(primary, forms)
    if draft.get("injury") not in (None, "nee") and severity != "hoog":
        severity = "hoog"
    reason = ""
    if primary:
        reason = draft.get("explanation") or ""
    return Report(
        reference=ctx.next_reference(),
        reporter_id=ctx.reporter.id,
        team_id=ctx.reporter.team_id,
        channel=ctx.channel,
        created_at=ctx.now,
        description=str(draft.get("description") or ""),
        primary_form=primary,
        forms=forms,
        abcd=draft.get("abcd"),
        severe=severe,
        severity=severity,
        explanation=reason,
        corrected_by_reporter=bool(draft.get("corrected")),
        occurred_text=draft.get("occurred_text"),
        occurred_start=when("occurred_start"),
        occurred_end=when("occurred_end"),
        location_type=draft.get("location_type"),
        location_text=draft.get("location_text"),
        injury=draft.get("injury"),
        damage=draft.get("damage"),
        weapon=draft.get("weapon"),
        witnesses=draft.get("witnesses"),
        perpetrator=draft.get("perpetrator"),
        quotes=tuple(draft.get("quotes") or ()),
        feeling=draft.get("feeling"),
        wants=tuple(draft.get("wants") or ()),
        suicide_threat=bool(draft.get("suicide_threat")),
        doxing=bool(draft.get("doxing")),
        evidence=tuple(Evidence(**e) for e in draft.get("evidence", [])),
    )
