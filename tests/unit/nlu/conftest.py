"""Shared fixtures for the fast NLU unit tests."""

from __future__ import annotations

import pytest

from nlu.rules import RuleAnalyzer
from nlu.understander import RuleUnderstander


@pytest.fixture(scope="session")
def analyzer() -> RuleAnalyzer:
    return RuleAnalyzer()


@pytest.fixture(scope="session")
def understander() -> RuleUnderstander:
    return RuleUnderstander()
