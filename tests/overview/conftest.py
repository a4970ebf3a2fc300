"""Fixtures for the import and overview tests: small hand-made inputs and stores."""

from __future__ import annotations

import pytest

from narrativ_nlp.store import NarrativeStore

#: names that must never reach the store
NAMES = ("Emma", "Noah", "Freja", "Oliver", "Ida", "Lucas")

TEXTS = [
    ("Emma byggede en hule med Noah i sandkassen. De grinede og hjalp hinanden med at bære grene. "
     "Emma viste Noah, hvordan man binder et reb."),
    "Freja sad ved frokostbordet og fortalte om sin weekend. Hun spiste sin mad og hjalp Oliver med at hælde vand op.",
    "Ida og Lucas legede med klodser på gulvet. Lucas var urolig og skubbede tårnet, men Ida byggede det op igen.",
]


def make_store(path) -> NarrativeStore:
    """Five narratives with known themes and profiles (see test_overview)."""
    store = NarrativeStore(path)

    def th(*ids):
        return [{"theme": t, "label": t, "score": 0.9 - 0.1 * k, "words": []} for k, t in enumerate(ids)]

    def pr(d, r):
        share = round(100 * r / (d + r), 1) if d + r else None
        return {"n_sentences": 5, "n_deficit_sentences": d, "n_resource_sentences": r, "resource_share": share}

    rows = [
        {"text": "[Person 1] legede med [Person 2] i sandkassen.", "group": "A", "date": "2026-01-10",
         "author": "P1", "themes": th("play", "relations"), "profile": pr(1, 3)},
        {"text": "[Person 1] byggede en hule.", "group": "A", "date": "2026-01-20", "author": "P2",
         "themes": th("play"), "profile": pr(1, 1)},
        {"text": "[Person 3] fortalte en historie under legen.", "group": "A", "date": "2026-02-05", "author": "P1",
         "themes": th("language", "play"), "profile": pr(0, 0)},
        {"text": "[Person 4] slog ud efter de andre.", "group": "B", "date": "2026-02-10", "author": "P3",
         "themes": th("conflict"), "profile": pr(3, 1)},
        {"text": "[Person 5] hjalp en ven op.", "group": "A", "date": None, "author": "P2",
         "themes": th("relations"), "profile": None},
    ]
    assert store.add_many(rows) == (5, 0)
    return store


@pytest.fixture
def small_store(tmp_path):
    store = make_store(tmp_path / "small.sqlite3")
    yield store
    store.close()
