"""Shared fixtures: the cached pipeline and a small blank Danish pipeline (session scope)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"


@pytest.fixture(scope="session")
def nlp():
    from narrativ_nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def blank_nlp():
    """Tokenizer, sentences and lookup lemmas only (for rule tests)."""
    import spacy

    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize()
    return nlp


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    files = sorted(CORPORA.glob("*.jsonl"))
    assert files, "no corpus files found"
    return files
