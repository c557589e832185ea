"""Reading the training files: incidents (incidents.yml, heldout.yml), intents (Rasa nlu.yml), their hash."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.result import ABCD, FINE_FORMS, INTENTS, PRIMARY_FORMS

INCIDENTS_FILE = "incidents.yml"
HELDOUT_FILE = "heldout.yml"
REALTEXT_FILE = "realtext_dev.yml"  # real descriptions from public sources, never trained on
CONTRAST_FILE = "contrast.yml"  # constructed contrast pairs, never trained on
INTENTS_FILE = "nlu.yml"
_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True, slots=True)
class Incident:
    """One labelled incident description."""

    text: str
    primary: str
    abcd: str
    forms: tuple[str, ...]
    severe: bool


@dataclass(frozen=True, slots=True)
class IntentExample:
    """One labelled dialogue message."""

    text: str
    intent: str


def load_incidents(path: Path) -> list[Incident]:
    """Incidents from a YAML file in the incidents format; unknown labels are an error."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[Incident] = []
    for i, item in enumerate(raw.get("incidents") or []):
        primary, abcd = str(item["primary"]), str(item["abcd"])
        forms = tuple(str(f) for f in item.get("forms") or ())
        if primary not in PRIMARY_FORMS or abcd not in ABCD or any(f not in FINE_FORMS for f in forms):
            raise ValueError(f"{path.name}: incident {i} has an unknown label")
        severe = bool(item.get("severe", primary != "verbaal"))
        out.append(Incident(str(item["text"]).strip(), primary, abcd, forms, severe))
    return out


def strip_markup(text: str) -> str:
    """Rasa entity markup removed: '[gisteren](when) belde hij' -> 'gisteren belde hij'."""
    return _MARKUP.sub(r"\1", text)


def load_intents(path: Path) -> list[IntentExample]:
    """Intent examples from a Rasa NLU YAML file, entity markup stripped."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[IntentExample] = []
    for block in raw.get("nlu") or []:
        intent = block.get("intent")
        if intent is None:
            continue  # synonyms, regexes and lookups are not training examples
        intent = str(intent)
        if intent not in INTENTS:
            raise ValueError(f"{path.name}: unknown intent {intent!r}")
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = strip_markup(line[2:].strip())
                if text:
                    out.append(IntentExample(text, intent))
    return out


def training_hash(training_dir: Path) -> str:
    """SHA-256 over the files training reads (never the held-out set)."""
    digest = hashlib.sha256()
    for name in (INCIDENTS_FILE, INTENTS_FILE):
        path = training_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()
