"""Bot texts by key, from the versioned Dutch data file (loaded by the composition root)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Texts:
    """Looks up Dutch texts, choice labels and value labels by key."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._texts: Mapping[str, str] = data["texts"]
        self._choices: Mapping[str, str] = data["choices"]
        self._labels: Mapping[str, Mapping[str, str]] = data["labels"]

    def __call__(self, key: str, **values: object) -> str:
        template = self._texts[key]
        return template.format(**values) if values else template

    def choice(self, key: str) -> str:
        return self._choices[key]

    def label(self, group: str, key: str) -> str:
        return self._labels[group][key]

    def labels(self, group: str) -> Mapping[str, str]:
        return self._labels[group]

    def __contains__(self, key: object) -> bool:
        return key in self._texts

    def keys(self) -> set[str]:
        return set(self._texts)
