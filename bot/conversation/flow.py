"""The reporting dialogue as an explicit state table: one handler per step (see flow.md)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot.conversation.answers import (
    EVIDENCE_DONE,
    OFFICE_WORDS,
    command_of,
    evidence_request,
    faq_topic,
    has_words,
    is_label,
    match_many,
    normalise,
    place_in,
    reporter_role_in,
    tidy_explanation,
    victim_in_answer,
    victim_named_in,
    without_markup,
    words,
)
from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.state import IDLE, ConversationState
from bot.conversation.texts import Texts
from bot.conversation.when import Occurrence, meant_instant, when_text
from bot.domain.model import (
    Employee,
    Evidence,
    Report,
    ReporterRole,
    ReportSummary,
    is_severe,
    severity_for,
)
from nlu.result import PRIMARY_FORMS, TimeSpan, UnderstandContext, Understanding

# Steps of the flow.
DESCRIBE = "describe"
DESCRIBE_MORE = "describe_more"
WHEN = "when"
WHERE = "where"
INJURY = "injury"
WITNESSES = "witnesses"
WITNESSES_WHO = "witnesses_who"
FEELING = "feeling"
WANTS = "wants"
CLASSIFICATION = "classification"
ABCD_STEP = "abcd"
CONFIRM = "confirm"
EDIT_FIELD = "edit_field"
CONFIRM_STOP = "confirm_stop"
VICTIM = "victim"  # who it happened to, when the reporter reports for someone else or saw it
TELL_VICTIM = "tell_victim"  # may that colleague hear of it (and get the aftercare check-ins)?

SLOTS = (VICTIM, WHEN, WHERE, INJURY, WITNESSES, WITNESSES_WHO, FEELING, WANTS, TELL_VICTIM)
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
    WITNESSES_WHO: "witnesses",
    FEELING: "feeling",
    WANTS: "wants",
    CLASSIFICATION: "choice",
    ABCD_STEP: "choice",
    CONFIRM: "choice",
    EDIT_FIELD: "choice",
    CONFIRM_STOP: "yes_no",
    VICTIM: "witnesses",
    TELL_VICTIM: "yes_no",
}

# Channels whose client shows several-choice questions as toggle chips with a done button (the web page).
TOGGLE_CHANNELS = frozenset({"web"})
MULTI_STEPS = frozenset({WANTS})
# Answers that say only "yes": no answer to a question that asks about two things (injury or damage).
_BARE_YES = {"ja", "klopt", "jazeker", "jawel", "ja hoor", "goed", "ok", "oke"}
# A witness answer that says there were witnesses, but not who.
_GENERIC_WITNESS_WORDS = {"ja", "er", "waren", "was", "wel", "getuigen", "getuige", "een", "paar", "klopt", "jazeker"}
TRANSCRIPT_LIMIT = 80
UNSURE_BELOW = 0.6  # below this confidence the bot asks what happened instead of proposing a label
_SKIP = {"weet ik niet", "sla over", "overslaan", "geen idee", "weet niet", "skip", "sla maar over",
         "weet ik echt niet", "kweenie", "geen flauw idee"}
_DONE = {"nee", "nee verder", "verder", "klaar", "dat was het", "dat is alles", "niks", "niets", "nee hoor",
         "nope", "ok", "oke", "okay", "door", "ga door", "nee dank je", "nee bedankt"}
_NOTHING = {"niets", "niks", "nee", "geen", "niets extra", "hoeft niet", "nee hoor", "niks extra"}
_WORD = re.compile(r"\w+", re.UNICODE)
MIN_DESCRIPTION_WORDS = 4
MIN_BEHAVIOUR_WORDS = 2  # words left once the time and the place are taken out of a story


@dataclass(frozen=True, slots=True)
class FileReport:
    """Effect: store this report (its reference is already allocated)."""

    report: Report


@dataclass(frozen=True, slots=True)
class AddEvidence:
    """Effect: add these files to a filed report of the reporter's own ('bewijs toevoegen aan MLD-…')."""

    reference: str
    evidence: tuple[Evidence, ...]


Effect = FileReport | AddEvidence


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
    # A colleague of the reporter by name ('Noor', 'Noor Bakker'), from the organisation file; None if not one.
    colleague: Callable[[str], Employee | None] = lambda _name: None


@dataclass(frozen=True, slots=True)
class Turn:
    """The result of one turn: the new state, what to say, and what to do."""

    state: ConversationState
    replies: tuple[Reply, ...]
    effects: tuple[Effect, ...] = field(default=())


def expecting(state: ConversationState) -> str | None:
    """What the understanding should listen for in the next message."""
    return EXPECTING.get(state.step)


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
        turn = self._turn(state, msg, understanding, ctx)
        if turn.state is state:
            return turn  # nothing changed (a stale button, unsupported content): nothing to remember either
        files = [ctx.texts("evidence_sent_line", name=a.original_name or ctx.texts("evidence_default_name"))
                 for a in msg.attachments if a.path]
        return Turn(with_transcript(state, turn, msg, self.shown_choices(state, ctx), files), turn.replies,
                    turn.effects)

    def _turn(
        self, state: ConversationState, msg: IncomingMessage, understanding: Understanding, ctx: TurnContext
    ) -> Turn:
        t = ctx.texts
        if msg.unsupported:
            return Turn(state, (Reply(t("unsupported_content")), *self.question(state, ctx)))
        if msg.in_reply_to is not None and msg.in_reply_to != state.prompt_id:
            return Turn(state, (Reply(t("stale_button")), *self.question(state, ctx)))

        prefix: list[Reply] = []
        paused = state.last_activity is not None and ctx.now - state.last_activity >= ctx.resume_after
        resuming = (state.in_report and paused) or moved_here(state, ctx)
        if resuming:
            prefix.append(self.resume(state, ctx))
        # Files for a filed report are taken until something else is said (or after a pause).
        waiting = None if state.in_report or paused else state.evidence_for
        state = state.evolve(last_activity=ctx.now, channel=ctx.channel or state.channel, evidence_for=None)

        text = msg.text.strip()
        requested = evidence_request(text) if msg.in_reply_to is None else None
        if requested is not None:
            return self._evidence_request(state, requested, msg, ctx, prefix)
        if msg.attachments:
            return self._evidence(state, msg, ctx, prefix, waiting)
        if waiting is not None and normalise(text) in EVIDENCE_DONE:
            return Turn(state, (*prefix, Reply(t("evidence_done", reference=waiting))))
        # A button, or an offered label typed in full, answers the question; commands come second.
        answers_prompt = msg.in_reply_to is not None or is_label(text, self.shown_choices(state, ctx))
        command = command_of(text) if text and not answers_prompt else None
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
        topic = faq_topic(text) if not answers_prompt else None
        if topic and state.step not in (IDLE, DESCRIBE, DESCRIBE_MORE) and understanding.primary_form is None:
            back = (Reply(t("faq_back_to_report")), *self.question(state, ctx))
            return Turn(state, (*prefix, Reply(t(f"faq_{topic}")), *back))

        handler = self._handlers()[state.step]
        turn = handler(state, text, understanding, ctx)
        return Turn(turn.state, (*prefix, *turn.replies), turn.effects)

    @staticmethod
    def takes_first(state: ConversationState, msg: IncomingMessage) -> bool:
        """Messages that belong to the conversation before any interceptor sees them: evidence for a report."""
        if msg.in_reply_to is not None:
            return False
        return evidence_request(msg.text.strip()) is not None or (
            bool(msg.attachments) and state.evidence_for is not None and not state.in_report)

    def conversation_so_far(self, state: ConversationState, ctx: TurnContext) -> list[dict[str, Any]]:
        """What a reopened chat shows, without taking a turn: what was said, else the current question or a greeting.

        Entries are {"who": "me" | "bot", "text", "choices", "prompt_id"}; only the last question's buttons still work.
        """
        if state.transcript:
            return [dict(e) for e in state.transcript]
        replies = self.opening(state, ctx)
        return [{"who": "bot", "text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id} for r in replies]

    def opening(self, state: ConversationState, ctx: TurnContext) -> list[Reply]:
        """What a chat that opens shows before anyone types: the greeting, or where a report was left."""
        if state.in_report:
            return [self.resume(state, ctx), *self.question(state, ctx)]
        return [Reply(ctx.texts("opening", name=first_name(ctx.reporter.name))), Reply(ctx.texts("idle_prompt"))]

    def resume(self, state: ConversationState, ctx: TurnContext) -> Reply:
        """'Je was bezig met een melding…', saying where when the report was started on another channel."""
        where = ctx.texts.labels("channel_where").get(str(state.channel))
        if moved_here(state, ctx) and where:
            return Reply(ctx.texts("resume_elsewhere", where=where))
        return Reply(ctx.texts("resume"))

    def _handlers(self) -> dict[str, Callable[[ConversationState, str, Understanding, TurnContext], Turn]]:
        return {
            IDLE: self.on_idle,
            DESCRIBE: self.on_describe,
            DESCRIBE_MORE: self.on_describe_more,
            WHEN: self.on_when,
            WHERE: self.on_where,
            INJURY: self.on_injury,
            WITNESSES: self.on_witnesses,
            WITNESSES_WHO: self.on_witnesses_who,
            FEELING: self.on_feeling,
            WANTS: self.on_wants,
            CLASSIFICATION: self.on_classification,
            ABCD_STEP: self.on_abcd,
            CONFIRM: self.on_confirm,
            EDIT_FIELD: self.on_edit_field,
            CONFIRM_STOP: self.on_confirm_stop,
            VICTIM: self.on_victim,
            TELL_VICTIM: self.on_tell_victim,
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
        if step == WITNESSES_WHO:
            return (t.choice("dont_know"),)
        if step == FEELING:
            return (t.choice("feeling_good"), t.choice("feeling_ok"), t.choice("feeling_bad"))
        if step == WANTS:
            return tuple(
                t.choice(k) for k in ("wants_manager", "wants_aangifte", "wants_aftercare", "wants_nothing")
            )
        if step == CLASSIFICATION:
            return tuple(label for _key, label in classification_options(state.draft, t))
        if step == ABCD_STEP:
            return tuple(t.label("abcd", k) for k in ABCD_KEYS)
        if step == CONFIRM:
            return (t.choice("confirm_send"), t.choice("confirm_edit"), t.choice("confirm_stop"))
        if step == EDIT_FIELD:
            return tuple(t.label("edit_fields", k) for k in EDIT_FIELDS)
        if step == CONFIRM_STOP:
            return (t.choice("stop_yes"), t.choice("stop_no"))
        if step == VICTIM:
            return (t.choice("dont_know"),)
        if step == TELL_VICTIM:
            return (t.choice("tell_victim_yes"), t.choice("tell_victim_no"))
        return ()

    def shown_choices(self, state: ConversationState, ctx: TurnContext) -> tuple[str, ...]:
        """The options as this channel shows them: several-choice questions get a done button on toggle channels."""
        choices = self.choices_for(state.step, state, ctx.texts) if state.in_report else ()
        if state.step in MULTI_STEPS and ctx.channel in TOGGLE_CHANNELS:
            return (*choices[:-1], ctx.texts.choice("multi_done"))  # 'Klaar' with nothing picked: nothing extra
        return choices

    def _question_key(self, state: ConversationState, ctx: TurnContext, prefix: str) -> str:
        step = state.step
        if step == CLASSIFICATION and form_unsure(state.draft):
            return f"{prefix}_classification_unknown"
        if step in MULTI_STEPS and ctx.channel in TOGGLE_CHANNELS:
            return f"{prefix}_{step}_toggle"
        if prefix == "ask" and for_someone_else(state.draft) and f"ask_{step}_other" in ctx.texts:
            return f"ask_{step}_other"  # 'Is er iemand gewond geraakt…' instead of 'Ben je gewond geraakt…'
        return f"{prefix}_{step}"

    def question(self, state: ConversationState, ctx: TurnContext) -> list[Reply]:
        """The current question again, with the same prompt id (nothing changes)."""
        t = ctx.texts
        step = state.step
        if step == IDLE:
            return [Reply(t("idle_prompt"))]
        choices = self.shown_choices(state, ctx)
        pid = state.prompt_id if choices else None
        if step == DESCRIBE:
            key = "ask_edit_description" if state.editing else "ask_description"
            return [Reply(t(key))]
        if step == DESCRIBE_MORE:
            return [Reply(t("ask_more"), choices, pid)]
        if step == CLASSIFICATION and not form_unsure(state.draft):
            return [Reply(t("ask_classification", explanation=self.explanation(state.draft, t)), choices, pid)]
        if step == CONFIRM:
            return [Reply(self.summary(state.draft, ctx)), Reply(t("ask_confirm"), choices, pid)]
        if step == VICTIM and state.draft.get("victim_name"):
            return [Reply(t("ask_victim_unknown", name=state.draft["victim_name"]), choices, pid)]
        if step == TELL_VICTIM:
            name = str(state.draft.get("victim_name") or "")
            return [Reply(t("ask_tell_victim", name=name, first=first_name(name)), choices, pid)]
        return [Reply(t(self._question_key(state, ctx, "ask")), choices, pid)]

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
        choices = self.shown_choices(new, ctx)
        key = self._question_key(new, ctx, "reask")
        return Turn(new, (Reply(t(key), choices, new.prompt_id if choices else None),))

    def advance(self, state: ConversationState, ctx: TurnContext, before: Sequence[Reply] = ()) -> Turn:
        """After an answer: back to the summary when editing, else the next missing question."""
        if state.editing and state.step == WITNESSES and self.next_step(state.draft) == WITNESSES_WHO:
            turn = self.ask(state, WITNESSES_WHO, ctx, record=False)
        elif state.editing:
            state = state.evolve(editing=False)
            turn = self.ask(state, CONFIRM, ctx, record=False)
        else:
            turn = self.ask(state, self.next_step(state.draft), ctx)
        return Turn(turn.state, (*before, *turn.replies), turn.effects)

    @staticmethod
    def next_step(draft: dict[str, Any]) -> str:
        answered = set(draft.get("_answered", []))
        for slot in SLOTS:
            if slot == WITNESSES_WHO and draft.get("witnesses") != "ja":
                continue  # only when there were witnesses and nobody said who
            if slot in (VICTIM, TELL_VICTIM) and not for_someone_else(draft):
                continue  # it happened to the reporter
            if slot == TELL_VICTIM and not draft.get("victim_id"):
                continue  # only a colleague from the organisation file can be told
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
        topic = faq_topic(text)
        if topic and u.primary_form is None:
            return Turn(state, (Reply(t(f"faq_{topic}")), Reply(t("idle_prompt"))))
        if u.intent == "question" and u.primary_form is None:
            return Turn(state, (Reply(t("question_answer")),))
        opening = Reply(t("opening", name=first_name(ctx.reporter.name)))
        # Someone who writes for the very first time hears who sees a report; after 'stop', a filed report or
        # 'mijn meldingen' the greeting would only come after their story, so it is left out.
        first_contact = state.prompt_seq == 0 and not state.transcript
        fresh = ConversationState(prompt_seq=state.prompt_seq, last_activity=state.last_activity)
        if looks_like_description(text, u):
            fresh = fresh.evolve(step=DESCRIBE, draft={"_asked": []})
            turn = self.on_describe(fresh, text, u, ctx)
            before = (opening,) if first_contact else ()
            return Turn(turn.state, (*before, *turn.replies), turn.effects)
        turn = self.ask(fresh, DESCRIBE, ctx)
        return Turn(turn.state, (opening, *turn.replies))

    def on_describe(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if state.editing:
            draft = dict(state.draft)
            draft["description"] = text
            draft = self.apply_understanding(draft, self.understand_description(text, ctx), fill_slots=False)
            return self.advance(state.evolve(draft=draft), ctx, (Reply(ctx.texts("corrected")),))
        description = join_description(state.draft.get("description"), text)  # stored exactly as typed
        understood = self.understand_description(description, ctx)
        behaviour = behaviour_words(description, understood)
        if not state.reasked and (
            behaviour < MIN_BEHAVIOUR_WORDS
            or (words(description) < MIN_DESCRIPTION_WORDS and u.primary_form is None)
        ):
            # Only a time or a place ("gisteren rond 4 uur"): ask what the citizen did before guessing a label.
            key = "ask_what_happened" if behaviour < MIN_BEHAVIOUR_WORDS else "ask_description_more_detail"
            new = state.evolve(draft={**state.draft, "description": description}, reasked=True)
            return Turn(new, (Reply(ctx.texts(key)),))
        draft = {**state.draft, "description": description}
        draft = with_victim(self.apply_understanding(draft, understood), description, ctx)
        if behaviour < MIN_BEHAVIOUR_WORDS:
            draft["form_unsure"] = True
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
        draft = with_victim(draft, description, ctx)
        new = state.evolve(draft=draft, prompt_seq=state.prompt_seq + 1)
        return Turn(new, (Reply(t("added_more"), self.choices_for(DESCRIBE_MORE, new, t), new.prompt_id),))

    def on_when(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, WHEN, {"occurred_text": None}, ctx, skipped=True)
        span = u.entities.when
        if span is not None and span.confidence >= 0.5:
            return self.answer(state, WHEN, {**time_values(span), "occurred_text": text}, ctx)
        clean = without_markup(text)
        fallback = {"occurred_text": clean or None, "occurred_start": None, "occurred_end": None, "occurred_at": None}
        return self.unclear(state, WHEN, fallback, ctx, words=clean)

    def on_where(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, WHERE, {"location_type": None}, ctx, skipped=True)
        idx = match_choice(text, self.choices_for(WHERE, state, ctx.texts))
        if idx is not None:
            return self.answer(state, WHERE, {"location_type": LOCATION_KEYS[idx]}, ctx)
        clean = without_markup(text)
        place = place_in(clean)
        kind = u.entities.location_type
        if place is not None:
            if kind in (None, "anders") and any(w in normalise(place) for w in OFFICE_WORDS):
                kind = "balie"
            return self.answer(state, WHERE, {"location_type": kind or "anders", "location_text": place}, ctx)
        if kind and has_words(clean) and normalise(clean) not in _BARE_YES:
            return self.answer(state, WHERE, {"location_type": kind, "location_text": clean}, ctx)
        fallback = {"location_type": "anders" if has_words(clean) else None, "location_text": clean or None}
        return self.unclear(state, WHERE, fallback, ctx, words=clean)

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
        clean = without_markup(text)
        if normalise(clean) in _BARE_YES or not has_words(clean):
            # "Klopt" or "ja" does not say whether it was injury or damage; markup says nothing at all.
            return self.unclear(state, INJURY, {"injury": None, "damage": None}, ctx, words=clean)
        if ent.injury is not None or ent.damage is not None:
            return self.answer(state, INJURY, injury_values(ent.injury, ent.damage, clean), ctx)
        if u.intent == "no":
            return self.answer(state, INJURY, {"injury": "nee", "damage": "nee"}, ctx)
        return self.unclear(state, INJURY, {"injury": None, "damage": None}, ctx, words=clean)

    def on_witnesses(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u):
            return self.answer(state, WITNESSES, {"witnesses": None}, ctx, skipped=True)
        idx = match_choice(text, self.choices_for(WITNESSES, state, ctx.texts))
        if idx is not None:
            return self.answer(state, WITNESSES, {"witnesses": ["ja", "nee", None][idx]}, ctx, skipped=idx == 2)
        ent = u.entities
        clean = without_markup(text)
        if ent.witnesses is not None:
            value = named_witnesses(ent.witnesses_text or clean) if ent.witnesses else "nee"
            return self.answer(state, WITNESSES, {"witnesses": value}, ctx)
        if u.intent in ("yes", "no"):
            return self.answer(state, WITNESSES, {"witnesses": "ja" if u.intent == "yes" else "nee"}, ctx)
        return self.unclear(state, WITNESSES, {"witnesses": clean or None}, ctx, words=clean)

    def on_witnesses_who(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        if is_skip(text, u) or match_choice(text, self.choices_for(WITNESSES_WHO, state, ctx.texts)) == 0:
            return self.answer(state, WITNESSES_WHO, {}, ctx)
        clean = without_markup(text)
        if has_words(clean) and normalise(clean) not in _BARE_YES and u.intent not in ("yes", "no"):
            return self.answer(state, WITNESSES_WHO, {"witnesses": clean}, ctx)
        return self.unclear(state, WITNESSES_WHO, {}, ctx, words=clean)

    def on_victim(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        """Who it happened to: a colleague from the organisation file, else the words as they are (asked once)."""
        if is_skip(text, u) or match_choice(text, self.choices_for(VICTIM, state, ctx.texts)) == 0:
            return self.answer(state, VICTIM, {}, ctx, skipped=True)  # a name said before stays, as words
        clean = without_markup(text)
        if not has_words(clean) or normalise(clean) in _BARE_YES or u.intent in ("yes", "no"):
            return self.unclear(state, VICTIM, {}, ctx, words=clean)
        name = victim_in_answer(clean)
        colleague = ctx.colleague(name)
        if colleague is not None:
            return self.answer(state, VICTIM, {"victim_id": colleague.id, "victim_name": colleague.name}, ctx)
        return self.answer(state, VICTIM, {"victim_id": None, "victim_name": name}, ctx)

    def on_tell_victim(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        """The reporter's consent that the colleague hears of the report; without a clear yes, nobody is told."""
        idx = match_choice(text, self.choices_for(TELL_VICTIM, state, ctx.texts))
        if idx is None and u.intent in ("yes", "no"):
            idx = 0 if u.intent == "yes" else 1
        if idx is None:
            return self.unclear(state, TELL_VICTIM, {"victim_told": False}, ctx)
        return self.answer(state, TELL_VICTIM, {"victim_told": idx == 0}, ctx)

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
        choices = self.shown_choices(state, ctx)
        picked = match_many(text, choices)
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
        clean = without_markup(text)
        return self.unclear(state, WANTS, {"wants": [], "wants_text": clean or None}, ctx, words=clean)

    def on_classification(self, state: ConversationState, text: str, u: Understanding, ctx: TurnContext) -> Turn:
        t = ctx.texts
        options = classification_options(state.draft, t)
        idx = match_choice(text, [label for _key, label in options])
        current = state.draft.get("primary_form")
        offers_ok = options[0][0] == "ok"
        if idx is None and offers_ok and u.intent == "yes":
            idx = 0
        if idx is None:
            picked = form_from_words(text)
            if picked is None:
                return self.reask(state, ctx) if not state.reasked else self._keep_classification(state, ctx)
        else:
            key = options[idx][0]
            picked = None if key == "ok" else key
        draft = dict(state.draft)
        answered = set(draft.get("_answered", []))
        answered.add(CLASSIFICATION)
        draft["_answered"] = sorted(answered)
        replies: list[Reply] = []
        unsure = form_unsure(draft)
        draft.pop("form_unsure", None)
        if picked is not None and (picked != current or unsure):
            draft = with_primary_form(draft, picked)
            if not unsure:
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
        if state.step == CONFIRM_STOP:  # 'stop' again is a clear yes
            return self.on_confirm_stop(state, ctx.texts.choice("stop_yes"), Understanding(intent="yes"), ctx)
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

    def _evidence_request(
        self, state: ConversationState, reference: str, msg: IncomingMessage, ctx: TurnContext,
        prefix: Sequence[Reply],
    ) -> Turn:
        """'bewijs toevoegen aan MLD-…': the next files (or those sent with it) go to that report of one's own."""
        t = ctx.texts
        if state.in_report:
            return Turn(state, (*prefix, Reply(t("evidence_later_busy", reference=reference)),
                                *self.question(state, ctx)))
        if reference not in {r.reference for r in ctx.own_reports()}:
            return Turn(state, (*prefix, Reply(t("evidence_unknown_report", reference=reference))))
        waiting = state.evolve(evidence_for=reference)
        if msg.attachments:
            return self._add_evidence(waiting, msg, ctx, prefix)
        return Turn(waiting, (*prefix, Reply(t("evidence_send_now", reference=reference))))

    def _add_evidence(
        self, waiting: ConversationState, msg: IncomingMessage, ctx: TurnContext, prefix: Sequence[Reply]
    ) -> Turn:
        """The files go to the report `waiting.evidence_for`; a file the channel could not keep is asked again."""
        items = evidence_of(msg)
        if not items:
            return Turn(waiting, (*prefix, Reply(ctx.texts("evidence_not_kept"))))
        return Turn(waiting, tuple(prefix), (AddEvidence(str(waiting.evidence_for), items),))

    def _evidence(
        self, state: ConversationState, msg: IncomingMessage, ctx: TurnContext, prefix: Sequence[Reply],
        waiting: str | None = None,
    ) -> Turn:
        t = ctx.texts
        if not state.in_report and waiting is not None:
            return self._add_evidence(state.evolve(evidence_for=waiting), msg, ctx, prefix)
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
        draft["unclear"] = {k: v for k, v in draft.get("unclear", {}).items() if k != slot}
        answered = {*draft.get("_answered", []), slot}
        if slot == WITNESSES:
            answered.discard(WITNESSES_WHO)  # a new answer about witnesses may need a new 'who'
        draft["_answered"] = sorted(answered)
        before = (Reply(ctx.texts("skipped")),) if skipped else ()
        return self.advance(state.evolve(draft=draft), ctx, before)

    def unclear(
        self, state: ConversationState, slot: str, fallback: dict[str, Any], ctx: TurnContext, *, words: str = ""
    ) -> Turn:
        """Re-ask once with an example; the second time, keep the words as they are, marked as not clear."""
        if not state.reasked:
            return self.reask(state, ctx)
        draft = {**state.draft, **fallback}
        if has_words(words):
            draft["unclear"] = {**draft.get("unclear", {}), slot: words}
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
                explanation=tidy_explanation(u.explanation),
                form_unsure=reading_unsure(str(draft.get("description") or ""), u),
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
            draft.update(time_values(ent.when))
            answered.add(WHEN)
        place = place_in(str(draft.get("description") or ""))
        if place is not None and not draft.get("place"):
            draft["place"] = place  # an address or a building in a town, kept whatever the answer to 'waar'
        if WHERE not in answered and (ent.location_type or place):
            kind = ent.location_type or ("balie" if any(w in normalise(place or "") for w in OFFICE_WORDS)
                                         else "anders")
            draft.update(location_type=kind, location_text=place or ent.location_text)
            answered.add(WHERE)
        if INJURY not in answered and (ent.injury is not None or ent.damage is not None):
            values = injury_values(ent.injury, ent.damage, None, ent.injury_text, ent.damage_text)
            draft.update(values)
            answered.add(INJURY)
        if WITNESSES not in answered and ent.witnesses is not None:
            draft["witnesses"] = named_witnesses(ent.witnesses_text or "ja") if ent.witnesses else "nee"
            answered.add(WITNESSES)
        draft["_answered"] = sorted(answered)
        return draft

    # -- filing ----------------------------------------------------------------------------

    def file(self, state: ConversationState, ctx: TurnContext) -> Turn:
        t = ctx.texts
        report = build_report(state.draft, ctx)
        lines = [t("filed", reference=report.reference)]
        lines.append(t("next_steps_severe") if report.severe else t("next_steps_normal"))
        if report.reporter_role == ReporterRole.WITNESS:
            lines.append(t("next_steps_aftercare_witness"))
        elif report.reporter_role == ReporterRole.SELF:  # for a colleague: they get the check-ins, if told
            lines.append(t("next_steps_aftercare"))
        if report.suicide_threat or "dreigen_zelfdoding" in report.forms:
            lines.append(t("next_steps_113"))
        if report.doxing or "online_doxing" in report.forms:
            lines.append(t("next_steps_doxing"))
        if "aangifte_help" in report.wants:  # asked for already: say how, do not offer it again
            lines.append(t("next_steps_aangifte_wanted", reference=report.reference))
        elif report.severe:
            lines.append(t("next_steps_aangifte", reference=report.reference))
        fresh = ConversationState(prompt_seq=state.prompt_seq + 1, last_activity=state.last_activity)
        return Turn(fresh, (Reply("\n\n".join(lines)),), (FileReport(report),))

    def explanation(self, draft: dict[str, Any], t: Texts) -> str:
        if draft.get("explanation") and not draft.get("corrected"):
            return tidy_explanation(str(draft["explanation"]))
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

        unclear: dict[str, str] = draft.get("unclear") or {}
        when = when_text(occurrence(draft), ctx.tz, t) or draft.get("occurred_text")
        where = where_text(draft, t)
        injury = harm_text(draft.get("injury"), draft.get("damage"), t)
        witnesses = draft.get("witnesses")
        for slot in (WHEN, WHERE, INJURY, WITNESSES, WITNESSES_WHO):
            if slot in unclear:
                marked = t("unclear_value", value=unclear[slot])
                if slot == WHEN:
                    when = marked
                elif slot == WHERE:
                    where = marked
                elif slot == INJURY:
                    injury = marked
                else:
                    witnesses = marked
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
            *self.summary_people(draft, ctx),
            t("summary_when", value=val(when)),
            t("summary_where", value=val(where)),
            t("summary_injury", value=val(injury)),
            t("summary_witnesses", value=val(witnesses)),
            t("summary_feeling", value=val(draft.get("feeling"))),
            t("summary_wants", value=val(wants_text)),
            t("summary_form", value=val(form_text)),
        ]
        return "\n".join(lines)


    @staticmethod
    def summary_people(draft: dict[str, Any], ctx: TurnContext) -> list[str]:
        """Who it happened to, the reporter's part, and whether that colleague hears of it (none when it was you)."""
        if not for_someone_else(draft):
            return []
        t = ctx.texts
        victim = draft.get("victim_name")
        if VICTIM in (draft.get("unclear") or {}):
            victim = t("unclear_value", value=draft["unclear"][VICTIM])
        lines = [t("summary_victim", value=victim or t("unknown_value")),
                 t("summary_role", value=t.label("reporter_roles", str(draft["reporter_role"])))]
        if draft.get("victim_id") and TELL_VICTIM in draft.get("_answered", []):
            told = t("tell_victim_summary_yes") if draft.get("victim_told") else t("tell_victim_summary_no")
            lines.append(t("summary_tell_victim", name=first_name(str(victim)), value=told))
        return lines


# -- helpers (pure) --------------------------------------------------------------------------


def evidence_of(msg: IncomingMessage) -> tuple[Evidence, ...]:
    """The files (or a location) a channel stored for this message, as evidence of a report; a file the channel
    did not keep (no path) is none."""
    return tuple(
        Evidence(kind=a.kind, path=a.path, mime_type=a.mime_type, size=a.size, latitude=a.latitude,
                 longitude=a.longitude, original_name=a.original_name)
        for a in msg.attachments
        if a.path is not None or a.latitude is not None
    )


def accepts_evidence(state: ConversationState, now: datetime, resume_after: timedelta) -> bool:
    """Whether a file sent now becomes evidence: of the report going on, or of a filed one asked for just now."""
    if state.in_report:
        return state.step != CONFIRM_STOP
    fresh = state.last_activity is not None and now - state.last_activity < resume_after
    return state.evidence_for is not None and fresh


def for_someone_else(draft: dict[str, Any]) -> bool:
    """The reporter reports for a colleague or as a witness: it did not (only) happen to them."""
    return draft.get("reporter_role") in (ReporterRole.ON_BEHALF, ReporterRole.WITNESS)


def with_victim(draft: dict[str, Any], description: str, ctx: TurnContext) -> dict[str, Any]:
    """The reporter's part and who it happened to, from the story ('namens mijn collega Noor', 'ik zag dat…')."""
    role = reporter_role_in(description)
    if role is None or VICTIM in draft.get("_answered", []):
        return draft
    draft = {**draft, "reporter_role": role}
    named = victim_named_in(description)
    colleague = ctx.colleague(named) if named else None
    if colleague is not None:
        draft.update(victim_id=colleague.id, victim_name=colleague.name)
        draft["_answered"] = sorted({*draft.get("_answered", []), VICTIM})
    elif named:
        draft.update(victim_id=None, victim_name=named)  # not in the organisation file: asked once more
    return draft


def moved_here(state: ConversationState, ctx: TurnContext) -> bool:
    """A report in progress that was last worked on in another channel (the same conversation everywhere)."""
    return state.in_report and bool(ctx.channel) and state.channel not in (None, ctx.channel)


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
    for form, hints in (
        ("fysiek", ("fysiek", "geweld", "geslagen", "lichamelijk")),
        ("bedreiging", ("bedreiging", "dreiging", "bedreigd", "intimidatie")),
        ("verbaal", ("verbaal", "schelden", "uitgescholden", "woorden")),
    ):
        if any(w in norm for w in hints):
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
        reason = tidy_explanation(draft.get("explanation") or "")
    unclear: dict[str, str] = draft.get("unclear") or {}

    def marked(slot: str, value: str | None) -> str | None:
        """Free text kept after an unclear answer, marked so that nobody takes it for a clear answer."""
        if slot in unclear and value:
            return ctx.texts("unclear_value", value=value)
        return value

    location_text = draft.get("location_text")
    if draft.get("place") and (draft.get("location_type") != "anders" or not location_text):
        location_text = draft["place"]
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
        occurred_text=marked(WHEN, draft.get("occurred_text")),
        occurred_start=when("occurred_start"),
        occurred_end=when("occurred_end"),
        occurred_at=when("occurred_at"),
        location_type=draft.get("location_type"),
        location_text=marked(WHERE, location_text),
        injury=draft.get("injury"),
        damage=draft.get("damage"),
        weapon=draft.get("weapon"),
        witnesses=marked(WITNESSES, draft.get("witnesses")),
        perpetrator=draft.get("perpetrator"),
        quotes=tuple(draft.get("quotes") or ()),
        feeling=draft.get("feeling"),
        wants=tuple(draft.get("wants") or ()),
        suicide_threat=bool(draft.get("suicide_threat")),
        doxing=bool(draft.get("doxing")),
        evidence=tuple(Evidence(**e) for e in draft.get("evidence", [])),
        reporter_role=ReporterRole(draft.get("reporter_role") or ReporterRole.SELF),
        victim_id=draft.get("victim_id"),
        victim_name=marked(VICTIM, draft.get("victim_name")),
        victim_told=bool(draft.get("victim_told")) and bool(draft.get("victim_id")),
    )


def time_values(span: TimeSpan) -> dict[str, Any]:
    """The draft's time fields from a resolved time phrase: its words, the interval and the moment meant."""
    at = meant_instant(span.start, span.end)
    return {
        "occurred_text": span.text,
        "occurred_start": span.start.isoformat(),
        "occurred_end": span.end.isoformat(),
        "occurred_at": at.isoformat() if at else None,
    }


def occurrence(draft: dict[str, Any]) -> Occurrence:
    """When it happened, as the draft holds it."""

    def moment(key: str) -> datetime | None:
        value = draft.get(key)
        return datetime.fromisoformat(value) if value else None

    return Occurrence(moment("occurred_start"), moment("occurred_end"), moment("occurred_at"),
                      draft.get("occurred_text"))


def form_unsure(draft: dict[str, Any]) -> bool:
    """No label to propose: ask the plain question 'Wat gebeurde er vooral?' instead."""
    return not draft.get("primary_form") or bool(draft.get("form_unsure"))


def reading_unsure(description: str, u: Understanding) -> bool:
    """The understanding is unsure: low confidence, conflicting signals, or no behaviour described at all."""
    if u.primary_form is None or u.confidence < UNSURE_BELOW:
        return True
    if u.abcd_probs and max(u.abcd_probs.values()) < 0.5:
        return True
    conflicting = (u.primary_form == "verbaal" and u.abcd == "D") or (
        u.primary_form in ("bedreiging", "fysiek") and u.abcd in ("A", "B")
    )
    return conflicting or behaviour_words(description, u) < MIN_BEHAVIOUR_WORDS


def behaviour_words(description: str, u: Understanding) -> int:
    """Words of a story once its time and place are taken out ('gisteren rond 4 uur' leaves none)."""
    rest = description
    for part in (u.entities.when.text if u.entities.when else None, u.entities.location_text, place_in(description)):
        if part:
            rest = re.sub(re.escape(part), " ", rest, flags=re.IGNORECASE)
    return words(rest)


def classification_options(draft: dict[str, Any], t: Texts) -> list[tuple[str, str]]:
    """(key, label) of the classification question: 'ok' confirms the proposed form, else a form."""
    if form_unsure(draft):
        return [(f, t.choice(f"plain_{f}")) for f in PRIMARY_FORMS]
    current = draft.get("primary_form")
    forms = [(f, t.label("forms_short", f)) for f in PRIMARY_FORMS if f != current]
    return [("ok", t.choice("classification_ok")), *forms]


def named_witnesses(text: str) -> str:
    """Who saw it, as said; plain 'ja' when the words only say that there were witnesses."""
    rest = set(normalise(text).split()) - _GENERIC_WITNESS_WORDS
    return text if rest else "ja"


def where_text(draft: dict[str, Any], t: Texts) -> str | None:
    kind = draft.get("location_type")
    place = draft.get("place") or (draft.get("location_text") if kind == "anders" else None)
    if kind is None:
        return place
    label = t.label("location", kind)
    return f"{label}: {place}" if place else label


def harm_text(injury: str | None, damage: str | None, t: Texts) -> str | None:
    """'geen letsel en geen schade', 'letsel (blauwe plek)', …; None when nothing is known."""
    if injury == "nee" and damage == "nee":
        return t("harm_none")

    def part(value: str | None, kind: str) -> str | None:
        if value is None:
            return None
        if value == "nee":
            return t(f"harm_no_{kind}")
        if value == "ja":
            return t(f"harm_{kind}_plain")
        return t(f"harm_{kind}", value=value)

    parts = [p for p in (part(injury, "injury"), part(damage, "damage")) if p]
    if len(parts) == 2:
        return t("harm_join", first=parts[0], second=parts[1])
    return parts[0] if parts else None


def with_transcript(
    before: ConversationState, turn: Turn, msg: IncomingMessage, choices: Sequence[str],
    files: Sequence[str] = (),
) -> ConversationState:
    """The new state with this exchange remembered; a stopped or filed report keeps only the closing words.

    `files` are the lines that stand for the files sent with the message ('Bijlage: foto.jpg').
    """
    said = msg.text.strip()
    if msg.in_reply_to is not None and said.isdigit() and 0 < int(said) <= len(choices):
        said = choices[int(said) - 1]  # a pressed button, shown by its label
    bot = [{"who": "bot", "text": r.text, "choices": list(r.choices), "prompt_id": r.prompt_id}
           for r in turn.replies]
    ended = any(isinstance(e, FileReport) for e in turn.effects) or (before.in_report and not turn.state.in_report)
    started = not before.in_report and turn.state.in_report
    if ended:
        entries: list[dict[str, Any]] = bot  # nothing of the report stays here: it is filed, or nothing is kept
    else:
        kept = [] if started else list(before.transcript)
        mine = [{"who": "me", "text": line} for line in (*files, *([said] if said else []))]
        entries = [*kept, *mine, *bot]
    return turn.state.evolve(transcript=tuple(entries[-TRANSCRIPT_LIMIT:]))
