"""A referral to the organisation's aftercare contact, only with the reporter's consent, and its answer."""

from __future__ import annotations

from datetime import datetime

from actions.records import REFERRAL_PROMPT
from actions.timeline import REFERRAL_2WD
from bot.conversation.flow import first_name, match_choice, normalise
from bot.conversation.messages import IncomingMessage, Reply
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.domain.model import AftercareContact, Employee, Organisation
from bot.ports import UnitOfWork

CONTACT_PREFIX = "aftercare:"  # outbox rows to an aftercare contact: aftercare:<e-mail address>
_PREFERRED = ("maatschappelijk", "opvang")  # bedrijfsmaatschappelijk werk, opvangteam
_YES = {"ja", "ja graag", "graag", "is goed", "oke", "ok", "doe maar"}
_NO = {"nee", "liever niet", "nee dank je", "nee bedankt", "hoeft niet"}


def referral_contact(org: Organisation) -> AftercareContact | None:
    """Bedrijfsmaatschappelijk werk or the opvangteam from the organisation file, else the first contact."""
    contacts = org.aftercare_contacts
    for contact in contacts:
        if any(word in normalise(contact.role) for word in _PREFERRED):
            return contact
    return contacts[0] if contacts else None


def referral_choices(texts: Texts) -> tuple[str, ...]:
    return texts.choice("referral_yes"), texts.choice("referral_no")


def referral_question(texts: Texts, reference: str, contact: AftercareContact) -> Reply:
    return Reply(texts("referral_question", role=contact.role, contact=contact.name),
                 referral_choices(texts), f"{REFERRAL_PROMPT}{reference}")


def parse_consent(text: str, texts: Texts) -> bool | None:
    """The button (or a typed ja / nee); None when it is neither."""
    index = match_choice(text, referral_choices(texts))
    if index is not None:
        return index == 0
    norm = normalise(text)
    return True if norm in _YES else False if norm in _NO else None


class ReferralAnswers:
    """Interceptor: the reporter's yes or no to a referral (a button under the question)."""

    def __init__(self, org: Organisation, texts: Texts, *, can_email: bool = False) -> None:
        self.org = org
        self.texts = texts
        self.can_email = can_email

    def __call__(
        self, uow: UnitOfWork, msg: IncomingMessage, employee: Employee, state: ConversationState, now: datetime
    ) -> tuple[Reply, ...] | None:
        pid = msg.in_reply_to
        if pid is None or not pid.startswith(REFERRAL_PROMPT):
            return None
        t = self.texts
        reference = pid.removeprefix(REFERRAL_PROMPT)
        report = uow.reports.get(reference)
        contact = referral_contact(self.org)
        given = parse_consent(msg.text, t)
        if report is None or report.reporter_id != employee.id or contact is None or given is None:
            return (Reply(t("followup_stale_button")),)
        uow.audit.record(now, employee.id, "referral_consent", reference, {"given": given})
        if not given:
            uow.followup.acknowledge(reference, (REFERRAL_2WD,), employee.id, now)
            return (Reply(t("referral_declined")),)
        if not contact.email or not self.can_email:
            return (Reply(t("referral_no_address", role=contact.role, contact=contact.name,
                            phone=contact.phone or t("unknown_value"))),)
        request = t("referral_request", role=contact.role, name=employee.name, first=first_name(employee.name),
                    email=employee.email or t("unknown_value"), reference=reference, org=self.org.name)
        uow.outbox.add(f"{CONTACT_PREFIX}{contact.email}", [Reply(request)], due_at=now, kind="referral",
                       dedup_key=f"referral:{reference}:{int(now.timestamp())}", data={"reference": reference})
        uow.followup.acknowledge(reference, (REFERRAL_2WD,), "meldbot", now)
        return (Reply(t("referral_sent", role=contact.role, contact=contact.name)),)
