"""The sentence classifier's fast scorer gives scikit-learn's numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from narrativ_nlp.framing.classifier import SentenceClassifier, mark_negation, shrink_short
from narrativ_nlp.pipeline import models_dir
from tests.conftest import CORPORA


@pytest.fixture(scope="module")
def classifier() -> SentenceClassifier:
    return SentenceClassifier.load(models_dir() / "framing")


def _sklearn_proba(clf: SentenceClassifier, sentences: list[str]) -> np.ndarray:
    per_label = clf.estimator.predict_proba(clf._prepare(sentences))  # the text the model was trained on
    probs = np.column_stack([p[:, 1] for p in per_label])
    intercept = np.array([lr.intercept_[0] for lr in clf.estimator.steps[-1][1].estimators_])
    return shrink_short(probs, sentences, int(clf.meta.get("short_sentence_words", 0)), intercept)


def test_fast_scores_equal_sklearn_on_corpus_sentences(classifier):
    sentences = [json.loads(line)["text"] for line in (CORPORA / "sentences.dev.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(sentences) > 100
    np.testing.assert_allclose(classifier.predict_proba(sentences), _sklearn_proba(classifier, sentences), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "sentence",
    [
        "",
        "NAVN NAVN NAVN",
        "Æbler, ærter og ØL — 12 stk.!",
        "zzzqqq xxyy",  # no known n-gram at all: the intercept alone
        "Hun kan ikke sidde stille, og hun kan ikke vente.",
    ],
)
def test_fast_scores_equal_sklearn_on_edge_cases(classifier, sentence):
    np.testing.assert_allclose(classifier.predict_proba([sentence]), _sklearn_proba(classifier, [sentence]), rtol=0, atol=1e-12)


def test_deficit_sentence_scores_higher_on_deficit_than_a_resource_sentence(classifier):
    p = classifier.predict_proba(["Han har svært ved at sidde stille og forstyrrer de andre.",
                                  "Hun hjalp Noah med at bygge tårnet og lo, da det væltede."])
    assert p[0, 0] > p[1, 0]
    assert p[1, 1] > p[0, 1]
    assert p.shape == (2, 2)


@pytest.mark.parametrize(
    "text, marked",
    [
        ("Han er ikke bange for hunden.", "Han er ikke ikke_bange ikke_for hunden ."),
        ("Hun er ikke ked af det, men glad.", "Hun er ikke ikke_ked ikke_af det , men glad ."),
        ("Det er ikke fordi han ikke vil.", "Det er ikke fordi han ikke ikke_vil ."),
        ("Han leger med Emma.", "Han leger med Emma ."),
    ],
)
def test_negation_marks_stop_at_the_clause(text, marked):
    assert mark_negation(text) == marked


def test_negation_marking_follows_the_model_metadata(classifier):
    plain = SentenceClassifier(classifier.estimator, dict(classifier.meta, negation_marking=False))
    marked = SentenceClassifier(classifier.estimator, dict(classifier.meta, negation_marking=True))
    sentence = ["Hun er ikke ked af det længere."]
    assert plain._prepare(sentence) == sentence
    assert marked._prepare(sentence) == [mark_negation(sentence[0])]


def test_short_lines_need_more_evidence():
    probs = np.array([[0.97, 0.1], [0.97, 0.1]])
    out = shrink_short(probs, ["Sociale kompetencer", "Han slår de andre børn, når de leger i sandkassen."], 6,
                       intercept=np.array([-1.0, -1.0]))
    assert out[0, 0] < 0.8 < out[1, 0]  # the two-word heading keeps a third of its evidence
    np.testing.assert_allclose(out[1], probs[1])  # a long sentence is unchanged
    np.testing.assert_allclose(shrink_short(probs, ["a", "b"], 0), probs)  # off
