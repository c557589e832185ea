"""The follow-up fakes, kept under their old names: they live in tests/fakes.py with every other fake."""

from __future__ import annotations

from tests.fakes import FakeFollowUpStore, FakeUnitOfWork

__all__ = ["FakeFollowUpStore", "FollowUpFakeUnitOfWork"]


class FollowUpFakeUnitOfWork(FakeUnitOfWork):
    """The shared fake unit of work (it carries `followup`)."""

    followup: FakeFollowUpStore
