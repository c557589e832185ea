"""Pure readings of what the reporter said into the draft: facts from the story, times, harm, witnesses, forms."""

from __future__ import annotations

import re
from typing import Any

from bot.conversation.answers import (
    OFFICE_WORDS,
    name_candidates,
    normalise,
    place_in,
    reporter_role_in,
    tidy_explanation,
    victim_named_in,
    words,
)
from bot.conversation.draft import ReportDraft
from bot.conversation.texts import Texts
from bot.conversation.turns import TurnContext
from bot.conversation.when import Occurrence, meant_instant
from bot.domain.model import ReporterRole, is_severe, severity_for
from bot.domain.vocabulary import Form, Location, StepName, Wish
from nlu.result import PRIMARY_FORMS, TimeSpan, UnderstandContext, Understanding

UNSURE_BELOW = 0.6  # below this confidence the bot asks what happened instead of proposing a label
MIN_DESCRIPTION_WORDS = 4
MIN_BEHAVIOUR_WORDS = 2  # words left once the time and the place are taken out of a story
_WORD = re.compile(r"\w+", re.UNICODE)
_SKIP = {"weet ik niet", "sla over", "overslaan", "geen idee", "weet niet", "skip", "sla maar over",
         "weet ik echt niet", "kweenie", "geen flauw idee"}
# Answers that say only "yes": no answer to a question that asks about two things (injury or damage).
BARE_YES = frozenset({"ja", "klopt", "jazeker", "jawel", "ja hoor", "goed", "ok", "oke"})
# Verbs that end a witness span ('collega Sanne zag'): no part of who it was.
_WITNESS_VERBS = frozenset({"zag", "zagen", "stond", "stonden", "hoorde", "hoorden", "was", "waren", "zat", "zaten",
                            "keek", "keken", "heeft", "hebben", "had", "hadden"})
# A witness answer that says there were witnesses, but not who.
_GENERIC_WITNESS_WORDS = {"ja", "er", "waren", "was", "wel", "getuigen", "getuige", "een", "paar", "klopt", "jazeker"}


def is_skip(text: str, understanding: Understanding) -> bool:
    """'weet ik niet', 'sla over' (or the understanding's clear 'dont_know' in a short answer)."""
    norm = normalise(text)
    if norm in _SKIP:
        return True
    return understanding.intent == "dont_know" and understanding.intent_confidence >= 0.6 and len(norm) < 40


def understand_description(text: str, ctx: TurnContext) -> Understanding:
    return ctx.understand(text, UnderstandContext(now=ctx.now, expecting="description"))


def join_description(old: str | None, new: str) -> str:
    return f"{old}\n{new}" if old else new


def looks_like_description(text: str, u: Understanding) -> bool:
    """A first message that already tells what happened (not just 'hoi' or 'ik wil melden')."""
    if u.primary_form is not None:
        return True
    return u.intent == "describe" and len(_WORD.findall(text)) >= 6


def for_someone_else(draft: ReportDraft) -> bool:
    """The reporter reports for a colleague or as a witness: it did not (only) happen to them."""
    return draft.reporter_role in (ReporterRole.ON_BEHALF, ReporterRole.WITNESS)


def with_victim(draft: ReportDraft, description: str, ctx: TurnContext) -> ReportDraft:
    """The reporter's part and who it happened to, from the story ('namens mijn collega Noor', 'ik zag dat…')."""
    role = reporter_role_in(description)
    if role is None or draft.is_answered(StepName.VICTIM):
        return draft
    draft = draft.evolve(reporter_role=role)
    named = victim_named_in(description)
    colleague = next((c for c in map(ctx.colleague, name_candidates(named)) if c is not None), None) if named else None
    if colleague is not None:
        return draft.evolve(victim_id=colleague.id, victim_name=colleague.name).with_answered(StepName.VICTIM)
    if named:
        return draft.evolve(victim_id=None, victim_name=named)  # not in the organisation file: asked once more
    return draft


def time_values(span: TimeSpan) -> dict[str, Any]:
    """The draft's time fields from a resolved time phrase: its words, the interval and the moment meant."""
    return {
        "occurred_text": span.text,
        "occurred_start": span.start,
        "occurred_end": span.end,
        "occurred_at": meant_instant(span.start, span.end),
    }


def occurrence(draft: ReportDraft) -> Occurrence:
    """When it happened, as the draft holds it."""
    return Occurrence(draft.occurred_start, draft.occurred_end, draft.occurred_at, draft.occurred_text)


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


def named_witnesses(text: str) -> str:
    """Who saw it, as said ('collega Ahmed' of 'collega Ahmed stond'); plain 'ja' when the words only say
    that there were witnesses."""
    rest = set(normalise(text).split()) - _GENERIC_WITNESS_WORDS
    if not rest:
        return "ja"
    said = text.split()
    while len(said) > 1 and normalise(said[-1]) in _WITNESS_VERBS:
        said.pop()  # the understanding's span ends on the verb that made them a witness
    return " ".join(said)


def with_injury_said(draft: ReportDraft, understanding: Understanding, words_said: str) -> ReportDraft:
    """Harm told in passing in another answer ('niet gewond, collega Ahmed stond ernaast' to the question about
    witnesses) is taken where nothing was known of it yet; what was known stays as it was."""
    ent = understanding.entities
    told = injury_values(ent.injury, ent.damage, words_said)
    changes = {k: v for k, v in told.items() if v is not None and getattr(draft, k) is None}
    return draft.evolve(**changes) if changes else draft


def with_witnesses_said(draft: ReportDraft, understanding: Understanding, words_said: str) -> ReportDraft:
    """Witnesses told in passing in another answer ('niet gewond, collega Ahmed stond ernaast') are taken, so
    that their question is not asked as well; an answer given to that question before stays as it was."""
    seen = understanding.entities.witnesses
    if seen is None or draft.is_answered(StepName.WITNESSES):
        return draft
    witnesses = named_witnesses(understanding.entities.witnesses_text or words_said) if seen else "nee"
    return draft.evolve(witnesses=witnesses).with_answered(StepName.WITNESSES)


def office_or_other(place: str | None) -> Location:
    """A place named in words: a counter when it is an office building, else 'anders'."""
    return Location.BALIE if any(w in normalise(place or "") for w in OFFICE_WORDS) else Location.ANDERS


def wants_from_words(text: str) -> list[Wish]:
    norm = normalise(text)
    found = []
    if any(w in norm for w in ("leidinggevende", "manager", "teamleider", "baas", "chef")):
        found.append(Wish.MANAGER_CONTACT)
    if "aangifte" in norm or "politie" in norm:
        found.append(Wish.AANGIFTE_HELP)
    if any(w in norm for w in ("praten", "nazorg", "opvang", "vertrouwenspersoon", "maatschappelijk")):
        found.append(Wish.AFTERCARE)
    return found


def form_from_words(text: str) -> Form | None:
    norm = normalise(text)
    for form, hints in (
        (Form.FYSIEK, ("fysiek", "geweld", "geslagen", "lichamelijk")),
        (Form.BEDREIGING, ("bedreiging", "dreiging", "bedreigd", "intimidatie")),
        (Form.VERBAAL, ("verbaal", "schelden", "uitgescholden", "woorden")),
    ):
        if any(w in norm for w in hints):
            return form
    return None


def form_unsure(draft: ReportDraft) -> bool:
    """No label to propose: ask the plain question 'Wat gebeurde er vooral?' instead."""
    return not draft.primary_form or draft.form_unsure


def with_primary_form(draft: ReportDraft, form: str) -> ReportDraft:
    """The reporter's correction of the form of behaviour, with ABCD and severity following it."""
    forms = [f for f in draft.forms if f not in PRIMARY_FORMS]
    forms.insert(0, form)
    abcd = draft.abcd
    if form in (Form.BEDREIGING, Form.FYSIEK):
        abcd = "D"
    elif abcd in (None, "D"):
        abcd = "B"
    injury = draft.injury not in (None, "nee")
    severe = is_severe(form, tuple(forms) if form != Form.VERBAAL else ())
    return draft.evolve(
        primary_form=str(form),
        forms=forms,
        abcd=abcd,
        severe=severe,
        severity=severity_for(form, tuple(forms), injury=injury, weapon=bool(draft.weapon)),
        corrected=True,
    )


def classification_options(draft: ReportDraft, t: Texts) -> list[tuple[str, str]]:
    """(key, label) of the classification question: 'ok' confirms the proposed form, else a form."""
    if form_unsure(draft):
        return [(f, t.choice(f"plain_{f}")) for f in PRIMARY_FORMS]
    current = draft.primary_form
    forms = [(f, t.label("forms_short", f)) for f in PRIMARY_FORMS if f != current]
    return [("ok", t.choice("classification_ok")), *forms]


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


def apply_understanding(draft: ReportDraft, u: Understanding, *, fill_slots: bool = True) -> ReportDraft:
    """Take the classification and, for questions not answered yet, the facts from the description."""
    if not draft.corrected:
        draft = draft.evolve(
            primary_form=u.primary_form,
            forms=u.forms,
            abcd=u.abcd,
            severe=u.severe,
            severity=u.severity,
            explanation=tidy_explanation(u.explanation),
            form_unsure=reading_unsure(draft.description or "", u),
        )
    ent = u.entities
    draft = draft.evolve(
        quotes=ent.quotes,
        perpetrator=", ".join(ent.perpetrator) if ent.perpetrator else None,
        weapon=ent.weapon,
        suicide_threat=ent.suicide_threat,
        doxing=ent.doxing,
    )
    if not fill_slots:
        return draft
    answered: set[str] = set()
    if not draft.is_answered(StepName.WHEN) and ent.when is not None and ent.when.confidence >= 0.6:
        draft = draft.evolve(**time_values(ent.when))
        answered.add(StepName.WHEN)
    place = place_in(draft.description or "")
    if place is not None and not draft.place:
        draft = draft.evolve(place=place)  # an address or a building in a town, kept whatever the answer to 'waar'
    if not draft.is_answered(StepName.WHERE) and (ent.location_type or place):
        kind = ent.location_type or office_or_other(place)
        draft = draft.evolve(location_type=kind, location_text=place or ent.location_text)
        answered.add(StepName.WHERE)
    if not draft.is_answered(StepName.INJURY) and (ent.injury is not None or ent.damage is not None):
        draft = draft.evolve(**injury_values(ent.injury, ent.damage, None, ent.injury_text, ent.damage_text))
        answered.add(StepName.INJURY)
    if not draft.is_answered(StepName.WITNESSES) and ent.witnesses is not None:
        draft = draft.evolve(witnesses=named_witnesses(ent.witnesses_text or "ja") if ent.witnesses else "nee")
        answered.add(StepName.WITNESSES)
    return draft.with_answered(*answered)
