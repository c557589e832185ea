"""The typed draft: frozen, versioned in the stored JSON, and drafts in progress stored as the old dict still load."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.conversation.draft import DRAFT_VERSION, ReportDraft, migrate
from bot.conversation.state import ConversationState
from bot.conversation.texts import Texts
from bot.domain.model import Evidence, ReporterRole
from bot.domain.vocabulary import Location, StepName, Wish
from tests.conftest import ChatHarness
from tests.fakes import FakeUnitOfWork

TZ = ZoneInfo("Europe/Amsterdam")

# A draft in progress as stored before the draft was typed: a loose dict with the bookkeeping inside.
OLD_DRAFT = {
    "description": "Een man aan de balie schold me uit",
    "primary_form": "verbaal",
    "forms": ["verbaal"],
    "abcd": "B",
    "severe": False,
    "severity": "laag",
    "occurred_text": "om 14:00",
    "occurred_start": "2026-11-24T13:45:00+01:00",
    "occurred_end": "2026-11-24T14:15:00+01:00",
    "occurred_at": "2026-11-24T14:00:00+01:00",
    "location_type": "balie",
    "location_text": None,
    "witnesses": "ja",
    "wants": ["manager_contact", "aftercare"],
    "evidence": [{"kind": "photo", "path": "a/b.jpg", "mime_type": "image/jpeg", "size": 12,
                  "latitude": None, "longitude": None, "original_name": "b.jpg"}],
    "unclear": {"injury": "Klopt"},
    "_asked": ["describe_more", "injury", "witnesses_who"],
    "_answered": ["where", "when", "injury", "witnesses"],
}


def old_state(step: str = "witnesses_who") -> dict[str, object]:
    return {"step": step, "draft": OLD_DRAFT, "history": ["describe", "describe_more"], "reasked": False,
            "return_step": None, "editing": False, "prompt_seq": 7, "questions": 3,
            "last_activity": None, "channel": "web", "evidence_for": None, "transcript": []}


def test_an_old_dict_draft_is_migrated_to_typed_fields() -> None:
    draft = ReportDraft.from_json(OLD_DRAFT)
    assert draft.asked == ("describe_more", "injury", "witnesses_who")
    assert draft.answered == ("injury", "when", "where", "witnesses")
    assert draft.unclear == {"injury": "Klopt"}
    assert draft.occurred_at == datetime(2026, 11, 24, 14, 0, tzinfo=datetime.fromisoformat(
        "2026-11-24T14:00:00+01:00").tzinfo)
    assert draft.location_type is Location.BALIE
    assert draft.wants == (Wish.MANAGER_CONTACT, Wish.AFTERCARE)
    assert draft.evidence == (Evidence(kind="photo", path="a/b.jpg", mime_type="image/jpeg", size=12,
                                       original_name="b.jpg"),)
    assert draft.reporter_role is None
    assert ReportDraft.from_json({"reporter_role": "witness"}).reporter_role is ReporterRole.WITNESS
    assert draft.forms == ("verbaal",)


def test_migration_renames_the_bookkeeping_and_sets_the_version() -> None:
    migrated = migrate(OLD_DRAFT)
    assert migrated["version"] == DRAFT_VERSION
    assert "_asked" not in migrated
    assert "_answered" not in migrated
    assert migrated["asked"] == OLD_DRAFT["_asked"]
    assert migrate(migrated) == migrated  # a current draft stays as it is


def test_the_stored_draft_carries_its_version_and_round_trips() -> None:
    draft = ReportDraft.from_json(OLD_DRAFT)
    stored = draft.to_json()
    assert stored["version"] == DRAFT_VERSION
    assert stored["description"] == OLD_DRAFT["description"]
    assert stored["evidence"] == OLD_DRAFT["evidence"]
    assert stored["answered"] == ["injury", "when", "where", "witnesses"]
    assert ReportDraft.from_json(stored) == draft
    assert ReportDraft.from_json(stored).to_json() == stored


def test_keys_this_version_does_not_know_are_kept() -> None:
    draft = ReportDraft.from_json({"filed": "MLD-2026-00001"})
    assert draft["filed"] == "MLD-2026-00001"
    assert draft.to_json() == {"version": DRAFT_VERSION, "filed": "MLD-2026-00001"}


def test_the_draft_is_frozen_and_changes_by_evolving() -> None:
    draft = ReportDraft()
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.description = "iets"  # type: ignore[misc]
    changed = draft.evolve(description="iets", wants=["aftercare"])
    assert (draft.description, changed.description, changed.wants) == (None, "iets", (Wish.AFTERCARE,))


def test_a_copy_keeps_every_other_field_and_refuses_a_field_it_does_not_have() -> None:
    draft = ReportDraft.from_json(OLD_DRAFT).evolve(evidence=[Evidence("photo", "a.jpg")], unclear={"when": "ooit"})
    changed = draft.evolve(feeling="goed").with_answered("feeling").without_answered("when")
    expected = {**dataclasses.asdict(draft), "feeling": "goed",
                "answered": tuple(sorted({*draft.answered, "feeling"} - {"when"}))}
    assert dataclasses.asdict(changed) == expected
    assert draft.feeling is None
    assert "feeling" not in draft.answered
    with pytest.raises(TypeError, match="no field colour"):
        draft.evolve(colour="rood")


def test_a_copy_of_the_conversation_keeps_the_rest_and_reads_a_loose_draft() -> None:
    state = ConversationState(step=StepName.WHEN, history=(StepName.DESCRIBE,), prompt_seq=4, channel="web")
    changed = state.evolve(reasked=True, draft=OLD_DRAFT)
    assert dataclasses.asdict(changed) == {**dataclasses.asdict(state), "reasked": True,
                                           "draft": dataclasses.asdict(ReportDraft.from_json(OLD_DRAFT))}
    assert isinstance(changed.draft, ReportDraft)
    assert not state.reasked
    with pytest.raises(TypeError, match="no field colour"):
        state.evolve(colour="rood")


def test_a_stored_conversation_with_an_old_dict_draft_loads() -> None:
    state = ConversationState.from_json(old_state())
    assert state.step == StepName.WITNESSES_WHO
    assert isinstance(state.draft, ReportDraft)
    assert state.draft.is_answered(StepName.WHEN)
    assert state.to_json()["draft"]["version"] == DRAFT_VERSION
    assert ConversationState.from_json(state.to_json()) == state


def test_a_report_in_progress_stored_as_the_old_dict_goes_on_and_is_filed(
    chat: ChatHarness, fake_uow: FakeUnitOfWork, texts: Texts
) -> None:
    fake_uow.store.conversations[("web", "demo")] = (ConversationState.from_json(old_state()), 1)
    chat.say("mijn collega Sanne")  # who the witnesses were
    assert chat.replies[-1].text == texts("ask_feeling")  # the next question
    chat.press("Gaat wel")
    chat.say("1 en 3")
    chat.press("Klopt")
    chat.press("Versturen")
    report = fake_uow.store.reports[0]
    assert report.witnesses == "mijn collega Sanne"
    assert report.location_type == "balie"
    assert report.wants == ("manager_contact", "aftercare")
    assert report.occurred_at == datetime.fromisoformat("2026-11-24T14:00:00+01:00")
    assert report.evidence[0].path == "a/b.jpg"
