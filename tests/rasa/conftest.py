"""Rasa checks share one trained model (the same one the end-to-end tests serve)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops import rasa_model


@pytest.fixture(scope="session")
def trained_model() -> Path:
    return rasa_model.ensure_trained()
