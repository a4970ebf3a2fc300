"""Shared helpers for the recognizer tests (the session ``nlp`` fixture is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from narrativ_nlp.identifiers.lexicon import load_lexicon
from narrativ_nlp.identifiers.recognizers import RecognizerContext
from narrativ_nlp.resources import load_yaml


@pytest.fixture(scope="session")
def recognizer_context() -> RecognizerContext:
    return RecognizerContext(lexicon=load_lexicon(), settings=load_yaml("identifiers.yaml"))
