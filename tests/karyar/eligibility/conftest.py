"""The shipped policies, read once: the engine tests check the rules staff actually run."""

from __future__ import annotations

from datetime import date

import pytest

from karyar.policies import PolicySet, load_policies


@pytest.fixture(scope="session")
def shipped() -> PolicySet:
    return load_policies(today=date(2025, 6, 1))
