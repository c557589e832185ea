"""The step registry, flow.md, the texts file and the vocabularies tell the same story."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.conversation import flow
from bot.conversation.answers import COMMANDS, FAQ_TOPICS
from bot.conversation.commands import FALLBACKS
from bot.conversation.draft import ReportDraft
from bot.conversation.steps import classification
from bot.conversation.steps.base import DONE
from bot.conversation.steps.registry import REGISTRY, SLOTS
from bot.conversation.texts import Texts
from bot.domain.model import REPORT_STATUSES, WANTS
from bot.domain.vocabulary import Form, Location, Status, StepName, Wish
from nlu.result import LOCATION_TYPES, PRIMARY_FORMS

ROOT = Path(__file__).resolve().parents[3]
FLOW_MD = ROOT / "bot/conversation/flow.md"
# Steps with a question of their own words only (no 'reask_<step>': they are never asked again with an example).
NEVER_REASKED = {StepName.IDLE, StepName.DESCRIBE, StepName.DESCRIBE_MORE}


def states_in_flow_md() -> set[str]:
    """Every state of the Mermaid diagram in flow.md, without the start/end marker and composite states."""
    diagram = FLOW_MD.read_text(encoding="utf-8").split("```mermaid", 1)[1].split("```", 1)[0]
    composite = set(re.findall(r'^\s*state\s+"[^"]*"\s+as\s+(\w+)', diagram, flags=re.MULTILINE))
    ends = re.findall(r"^\s*(\[\*\]|\w+)\s*-->\s*(\[\*\]|\w+)", diagram, flags=re.MULTILINE)
    return {name for pair in ends for name in pair} - {"[*]"} - composite


def test_every_step_in_flow_md_is_in_the_registry_and_the_other_way_round() -> None:
    assert states_in_flow_md() == {str(name) for name in REGISTRY}


def test_the_registry_holds_every_step_of_the_vocabulary_under_its_own_name() -> None:
    assert set(REGISTRY) == set(StepName)
    assert all(step.name == name for name, step in REGISTRY.items())
    assert set(SLOTS) <= set(REGISTRY)


def test_every_question_and_its_example_exist_in_the_texts_file(texts: Texts) -> None:
    keys = texts.keys()
    for name, step in REGISTRY.items():
        assert (step.question or f"ask_{name}") in keys, name
        if name not in NEVER_REASKED:
            assert (step.reask or f"reask_{name}") in keys, name


def test_every_text_key_a_step_names_exists_in_the_texts_file(texts: Texts) -> None:
    keys = texts.keys()
    for name, step in REGISTRY.items():
        assert set(step.text_keys) - keys == set(), name


def test_every_choice_a_step_offers_has_its_label_in_the_texts_file(texts: Texts) -> None:
    for name, step in REGISTRY.items():
        offered = classification.ALL_CHOICES if name == StepName.CLASSIFICATION else step.choices
        for choice in (*offered, *((DONE,) if step.several else ())):
            assert choice.label(texts), (name, choice)
    for form in (None, *PRIMARY_FORMS):
        draft = ReportDraft(primary_form=form)
        options = REGISTRY[StepName.CLASSIFICATION].choices_for(draft, texts)
        assert {c.key for c in options} <= {c.key for c in classification.ALL_CHOICES}


def test_choice_keys_are_unique_within_a_step(texts: Texts) -> None:
    for name, step in REGISTRY.items():
        keys = [c.key for c in step.choices]
        assert len(keys) == len(set(keys)), name


def test_every_question_people_ask_before_reporting_has_its_answer(texts: Texts) -> None:
    assert {f"faq_{topic}" for topic, _phrases in FAQ_TOPICS} - texts.keys() == set()


def test_every_command_has_its_fallback_and_no_fallback_lacks_its_words() -> None:
    assert set(FALLBACKS) == set(COMMANDS)


def test_the_vocabularies_agree_with_the_domain_the_understanding_and_the_labels(texts: Texts) -> None:
    assert tuple(Status) == REPORT_STATUSES
    assert tuple(Wish) == WANTS
    assert tuple(Location) == LOCATION_TYPES
    assert tuple(Form) == PRIMARY_FORMS
    assert set(texts.labels("location")) == set(Location)
    assert set(texts.labels("wants")) == set(Wish)
    assert set(texts.labels("status")) == set(Status)


def test_the_facade_keeps_the_names_other_modules_import() -> None:
    for name in ("Engine", "FileReport", "AddEvidence", "TurnContext", "expecting", "CONFIRM_STOP",
                 "accepts_evidence", "first_name", "match_choice", "match_numbers", "normalise", "EXPECTING"):
        assert hasattr(flow, name), name
    assert {str(name): step.expects for name, step in REGISTRY.items()} == flow.EXPECTING


def _said_in(module: Path) -> set[str]:
    """Text keys a step module's handler says through its outcomes: said=(...), Stay(draft, say), Say((...))."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        args = [k.value for k in node.keywords if k.arg in ("said", "say", "keys")]
        if node.func.id == "Stay" and len(node.args) > 1:
            args.append(node.args[1])
        if node.func.id == "Say" and node.args:
            args.append(node.args[0])
        for arg in args:  # a key, or a tuple of keys (f-strings such as faq_<topic> are checked elsewhere)
            for leaf in arg.elts if isinstance(arg, ast.Tuple) else [arg]:
                if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                    found.add(leaf.value)
    return found


def test_every_text_a_handler_says_is_named_by_its_step_and_in_the_texts_file(texts: Texts) -> None:
    for name, step in REGISTRY.items():
        said = _said_in(ROOT / "bot/conversation/steps" / f"{name}.py")
        assert said - texts.keys() == set(), name
        assert said - {*step.text_keys, step.question, step.reask} == set(), name
