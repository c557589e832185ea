"""Aftercare check-ins: scheduling, the question, and the answers (mood, stress signs, consent, stop)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from actions.records import (
    ANSWERED,
    CHECKIN_PROMPT,
    CONSENT_PROMPT,
    STEP_CONSENT,
    STEP_MOOD,
    STEP_STRESS,
    STRESS_PROMPT,
    CheckIn,
    FollowUpStore,
)
from actions.referral import referral_contact, referral_question
from actions.timeline import FollowUpPolicy, recipient_for
from bot.conversation.flow import first_name, match_choice, match_numbers, normalise
from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.domain.model import Employee, Organisation, Report, ReporterRole
from bot.ports import UnitOfWork

MOOD_KEYS = ("goed", "wisselend", "niet_goed")
STRESS_KEYS = ("sleep", "reliving", "avoiding", "irritable")
ANSWER_WINDOW = timedelta(days=7)  # a typed answer counts for an open question this long
STOP_WORDS = {"stop nazorg", "stop nazorgvragen", "stop met deze vragen", "geen nazorg", "geen nazorgvragen",
              "geen vragen meer", "stop check in", "stop check ins", "stop checkin"}
_YES = {"ja", "ja graag", "graag", "jawel", "is goed", "prima", "oke", "ok", "doe maar", "ja hoor"}
_NO = {"nee", "nee dank je", "liever niet", "niet doen", "nee hoor", "nee bedankt", "hoeft niet"}
_NONE = {"geen", "nee", "niets", "niks", "geen van deze", "geen van allen", "geen van alle", "nee hoor"}
# How it goes, in the reporter's words (normalised); the longest, most specific patterns first.
_MOODS = (
    ("niet_goed", r"(?:niet (?:zo |echt |zo heel |heel )?(?:goed|best|lekker)|slecht|beroerd|rot|waardeloos|kut)"),
    ("wisselend", r"(?:wisselend|gaat wel|wel oke|matig|redelijk|op en neer|soms wel soms niet|zo zo|soso)"),
    ("goed", r"(?:heel goed|wel goed|goed|prima|oke|ok|uitstekend|top|fijn)"),
)
_MOOD_RE = [(key, re.compile(rf"^(?:het )?(?:gaat )?(?:eigenlijk )?{pattern}\b")) for key, pattern in _MOODS]


def checkin_people(report: Report) -> tuple[str, ...]:
    """Who gets the aftercare check-ins: the reporter when it happened to them or they saw it, and the colleague
    it happened to when the reporter agreed that they hear of it."""
    people = [report.reporter_id] if report.reporter_role in (ReporterRole.SELF, ReporterRole.WITNESS) else []
    if report.victim_id and report.victim_told and report.victim_id not in people:
        people.append(report.victim_id)
    return tuple(people)


def schedule_checkins(store: FollowUpStore, report: Report, policy: FollowUpPolicy) -> None:
    """Check-ins after the report (default day 1, 14 and 42) for each person involved; the last also asks
    about stress signs."""
    for person in checkin_people(report):
        for i, offset in enumerate(policy.aftercare):
            store.add_checkin(report.reference, person, i + 1, report.created_at + offset, policy.stress_check(i))


def contacts_text(org: Organisation, texts: Texts) -> str:
    """The aftercare contacts from the organisation file, one a line, with phone numbers."""
    lines = [
        texts("aftercare_contact_phone", role=c.role, name=c.name, phone=c.phone) if c.phone
        else texts("aftercare_contact", role=c.role, name=c.name)
        for c in org.aftercare_contacts
    ]
    return "\n".join(lines) or texts("aftercare_contact_fallback")


def mood_choices(texts: Texts) -> tuple[str, ...]:
    return (texts.choice("checkin_good"), texts.choice("checkin_mixed"), texts.choice("checkin_bad"),
            texts.choice("checkin_stop"))


def stress_choices(texts: Texts) -> tuple[str, ...]:
    return (*(texts.choice(f"stress_{k}") for k in STRESS_KEYS), texts.choice("stress_none"))


def consent_choices(texts: Texts) -> tuple[str, ...]:
    return texts.choice("consent_yes"), texts.choice("consent_no")


def checkin_replies(checkin: CheckIn, report: Report, employee: Employee, texts: Texts, tz: tzinfo) -> list[Reply]:
    """The check-in question with goed / wisselend / niet goed (and a way to stop)."""
    key = "checkin_question"
    if employee.id != report.reporter_id:
        key = "checkin_question_victim"
    elif report.reporter_role == ReporterRole.WITNESS:
        key = "checkin_question_witness"
    question = texts(key, name=first_name(employee.name), reference=report.reference,
                     date=report.created_at.astimezone(tz).strftime("%d-%m-%Y"))
    return [Reply(f"{question}\n\n{texts('checkin_hint')}", mood_choices(texts), f"{CHECKIN_PROMPT}{checkin.id}")]


def parse_mood(text: str) -> tuple[str, str | None] | None:
    """'wisselend, het zit me nog dwars' → ('wisselend', 'het zit me nog dwars'); None when no mood is said."""
    norm = normalise(text)
    for key, pattern in _MOOD_RE:
        match = pattern.match(norm)
        if match is None:
            continue
        words = text.split()
        rest = " ".join(words[len(match.group(0).split()):]).strip(" \t,.;:!-–")
        return key, rest or None
    return None


def parse_signs(text: str, texts: Texts) -> list[int] | None:
    """Stress signs by number or label; [] for none; None when the text is no answer to the question."""
    choices = stress_choices(texts)
    norm = normalise(text)
    if norm in _NONE:
        return []
    picked = match_numbers(text, len(choices))
    if picked is None:
        index = match_choice(text, choices)
        picked = [index] if index is not None else None
    if picked is None:
        return None
    return [i for i in picked if i < len(STRESS_KEYS)]


def parse_yes_no(text: str, texts: Texts) -> bool | None:
    norm = normalise(text)
    index = match_choice(text, consent_choices(texts))
    if index is not None:
        return index == 0
    if norm in _YES:
        return True
    if norm in _NO:
        return False
    return None


class CheckInAnswers:
    """Interceptor: answers to check-ins (buttons, or typed while no report is in progress) and 'stop nazorg'."""

    def __init__(self, org: Organisation, texts: Texts, tz: tzinfo, *, can_email: bool = False) -> None:
        self.org = org
        self.texts = texts
        self.tz = tz
        self.can_email = can_email  # a referral is offered only when meldbot can e-mail the aftercare contact

    def __call__(
        self, uow: UnitOfWork, msg: IncomingMessage, employee: Employee, state: ConversationState, now: datetime
    ) -> tuple[Reply, ...] | None:
        store = uow.followup
        pid = msg.in_reply_to
        if pid is not None and pid.startswith((CHECKIN_PROMPT, STRESS_PROMPT, CONSENT_PROMPT)):
            return self._button(uow, store, msg, employee, pid, now)
        if pid is not None:
            return None
        text = msg.text.strip()
        if normalise(text) in STOP_WORDS:
            return self.stop(uow, store, employee, now)
        if state.in_report or not text:
            return None
        checkin = store.open_checkin(employee.id)
        if checkin is None or checkin.asked_at is None or now - checkin.asked_at > ANSWER_WINDOW:
            return None
        return self._typed(uow, store, checkin, employee, text, now)

    def _button(
        self, uow: UnitOfWork, store: FollowUpStore, msg: IncomingMessage, employee: Employee, pid: str,
        now: datetime,
    ) -> tuple[Reply, ...]:
        t = self.texts
        stale = (Reply(t("followup_stale_button")),)
        prefix, raw_id = pid[:2], pid[2:]
        checkin = store.checkin(int(raw_id)) if raw_id.isdigit() else None
        if checkin is None or checkin.employee_id != employee.id:
            return stale
        if prefix == CHECKIN_PROMPT:
            index = match_choice(msg.text, mood_choices(t))
            if index == 3:
                return self.stop(uow, store, employee, now)
            if index is None or checkin.step != STEP_MOOD:
                return stale
            return self.mood(uow, store, checkin, employee, MOOD_KEYS[index], None, now)
        if prefix == STRESS_PROMPT:
            signs = parse_signs(msg.text, t)
            if signs is None or checkin.step != STEP_STRESS:
                return stale
            return self.stress(uow, store, checkin, employee, signs, now)
        consent = parse_yes_no(msg.text, t)
        if consent is None or checkin.step != STEP_CONSENT:
            return stale
        return self.consent(uow, store, checkin, employee, consent, now)

    def _typed(
        self, uow: UnitOfWork, store: FollowUpStore, checkin: CheckIn, employee: Employee, text: str, now: datetime
    ) -> tuple[Reply, ...] | None:
        t = self.texts
        if checkin.step == STEP_MOOD:
            index = match_choice(text, mood_choices(t)) if normalise(text).isdigit() else None
            if index == 3:
                return self.stop(uow, store, employee, now)
            parsed = (MOOD_KEYS[index], None) if index is not None else parse_mood(text)
            if parsed is None:
                return None
            return self.mood(uow, store, checkin, employee, parsed[0], parsed[1], now)
        if checkin.step == STEP_STRESS:
            signs = parse_signs(text, t)
            return None if signs is None else self.stress(uow, store, checkin, employee, signs, now)
        if checkin.step == STEP_CONSENT:
            consent = parse_yes_no(text, t)
            return None if consent is None else self.consent(uow, store, checkin, employee, consent, now)
        return None

    # -- the answers ---------------------------------------------------------------------------

    def mood(
        self, uow: UnitOfWork, store: FollowUpStore, checkin: CheckIn, employee: Employee, mood: str,
        note: str | None, now: datetime,
    ) -> tuple[Reply, ...]:
        t = self.texts
        contacts = contacts_text(self.org, t)
        replies = [Reply({
            "goed": t("checkin_reply_good"),
            "wisselend": t("checkin_reply_mixed", contacts=contacts),
            "niet_goed": t("checkin_reply_bad", contacts=contacts),
        }[mood])]
        offered = mood != "goed"
        changes: dict[str, object] = {"mood": mood, "note": note, "answered_at": now, "referral_offered": offered}
        if checkin.stress:
            changes["step"] = STEP_STRESS
            replies.append(Reply(t("checkin_stress_question"), stress_choices(t), f"{STRESS_PROMPT}{checkin.id}"))
        elif mood == "niet_goed" and self._manager(employee) is not None:
            changes["step"] = STEP_CONSENT
            replies.append(self._consent_question(checkin))
        else:
            changes.update(step=None, status=ANSWERED)
            if mood == "niet_goed":
                replies.extend(self._referral(checkin))
        store.update_checkin(checkin.id, **changes)
        uow.audit.record(now, employee.id, "checkin_answered", checkin.reference, {"seq": checkin.seq})
        return tuple(replies)

    def stress(
        self, uow: UnitOfWork, store: FollowUpStore, checkin: CheckIn, employee: Employee, signs: list[int],
        now: datetime,
    ) -> tuple[Reply, ...]:
        """Which signs were chosen is not stored: only that help was offered."""
        t = self.texts
        worried = bool(signs) or checkin.mood == "niet_goed"
        replies: list[Reply] = []
        if signs:
            text = t("checkin_stress_signs")
            if not checkin.referral_offered:
                text = f"{text}\n\n{t('aftercare_contacts', contacts=contacts_text(self.org, t))}"
            replies.append(Reply(text))
        else:
            replies.append(Reply(t("checkin_stress_none")))
        changes: dict[str, object] = {"referral_offered": checkin.referral_offered or bool(signs)}
        if worried and self._manager(employee) is not None:
            changes["step"] = STEP_CONSENT
            replies.append(self._consent_question(checkin))
        else:
            changes.update(step=None, status=ANSWERED)
        store.update_checkin(checkin.id, **changes)
        return tuple(replies)

    def consent(
        self, uow: UnitOfWork, store: FollowUpStore, checkin: CheckIn, employee: Employee, given: bool,
        now: datetime,
    ) -> tuple[Reply, ...]:
        t = self.texts
        store.update_checkin(checkin.id, manager_informed=given, step=None, status=ANSWERED)
        uow.audit.record(now, employee.id, "aftercare_consent", checkin.reference, {"given": given})
        manager = self._manager(employee)
        offer = self._referral(checkin) if checkin.mood == "niet_goed" else ()
        if not given or manager is None:
            return (Reply(t("checkin_consent_no")), *offer)
        notice = t("checkin_manager_notice", name=employee.name, first=first_name(employee.name),
                   reference=checkin.reference)
        uow.outbox.add(manager.id, [Reply(notice)], due_at=now, kind="aftercare_consent",
                       dedup_key=f"consent:{checkin.id}", data={"reference": checkin.reference})
        return (Reply(t("checkin_consent_yes")), *offer)

    def stop(self, uow: UnitOfWork, store: FollowUpStore, employee: Employee, now: datetime) -> tuple[Reply, ...]:
        t = self.texts
        stopped = store.stop_checkins(employee.id, now)
        if stopped == 0:
            return (Reply(t("checkin_nothing_to_stop")),)
        uow.audit.record(now, employee.id, "aftercare_stopped", None, {"count": stopped})
        return (Reply(t("checkin_stopped", contacts=contacts_text(self.org, t))),)

    def _referral(self, checkin: CheckIn) -> tuple[Reply, ...]:
        """'Niet goed': the same referral to the aftercare contact as at filing, with consent."""
        contact = referral_contact(self.org)
        if contact is None or not contact.email or not self.can_email:
            return ()
        return (referral_question(self.texts, checkin.reference, contact),)

    def _consent_question(self, checkin: CheckIn) -> Reply:
        t = self.texts
        return Reply(t("checkin_consent_question"), consent_choices(t), f"{CONSENT_PROMPT}{checkin.id}")

    def _manager(self, employee: Employee) -> Employee | None:
        found = recipient_for(self.org, employee)
        return found[0] if found and found[1] == "manager" else None
