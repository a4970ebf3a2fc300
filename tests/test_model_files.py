"""Model files: skops with each vectorizer vocabulary stored as one array (fast to load), safe to load."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from narrativ_nlp.resources import dump_skops, load_skops

from .conftest import CORPORA

TEXTS = [
    "Emma legede i sandkassen og byggede en borg med Ali.",
    "Ved frokosten spiste Noah selv med gaffel og sagde 'mere mad'.",
    "Mor fortalte ved afhentningen, at han sover dårligt derhjemme.",
    "Hun græd ved afleveringen, men faldt til ro hos Pia.",
] * 3


def _fitted():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    features = FeatureUnion([("word", TfidfVectorizer()), ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)))])
    return make_pipeline(features, LogisticRegression(max_iter=500)).fit(TEXTS, [0, 1, 1, 0] * 3)


def test_dump_skops_round_trip_keeps_vocabularies_and_predictions(tmp_path: Path):
    model = _fitted()
    vocabs = [dict(t.vocabulary_) for _, t in model.steps[0][1].transformer_list]
    dump_skops(model, tmp_path / "m.skops")
    # the estimator given to dump_skops is left as it was
    assert [t.vocabulary_ for _, t in model.steps[0][1].transformer_list] == vocabs
    assert not any(hasattr(t, "narrativ_terms_") for _, t in model.steps[0][1].transformer_list)
    loaded = load_skops(tmp_path / "m.skops")
    assert [t.vocabulary_ for _, t in loaded.steps[0][1].transformer_list] == vocabs
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), model.predict_proba(TEXTS))


def test_load_skops_still_reads_files_with_dict_vocabularies(tmp_path: Path):
    import skops.io as sio

    model = _fitted()
    sio.dump(model, tmp_path / "old.skops")
    loaded = load_skops(tmp_path / "old.skops")
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), model.predict_proba(TEXTS))


@pytest.mark.parametrize("path", ["framing/framing_classifier.skops", "themes/theme_tagger.skops"])
def test_shipped_models_store_vocabularies_as_arrays(path: str):
    models = CORPORA.parent / "models"
    with zipfile.ZipFile(models / path) as z:
        schema = json.loads(z.read("schema.json"))
    text = json.dumps(schema)
    assert "narrativ_terms_" in text
    # a vocabulary stored entry by entry would put tens of thousands of keys in the schema
    assert len(text) < 200_000


def test_load_skops_refuses_foreign_types(tmp_path: Path):
    import skops.io as sio

    sio.dump({"x": Path("a")}, tmp_path / "foreign.skops")
    with pytest.raises(ValueError, match="untrusted types"):
        load_skops(tmp_path / "foreign.skops")


def test_models_record_and_check_the_versions_they_were_saved_with(tmp_path):
    """Each shipped skops model records scikit-learn/skops/numpy versions; another minor version is refused."""
    import json
    import shutil

    import pytest

    from narrativ_nlp.errors import NarrativError
    from narrativ_nlp.framing.classifier import SentenceClassifier
    from narrativ_nlp.settings import bundled_models_dir

    for meta in ("framing/framing_classifier.meta.json", "themes/theme_tagger.meta.json"):
        versions = json.loads((bundled_models_dir() / meta).read_text(encoding="utf-8"))["versions"]
        assert {"scikit-learn", "skops", "numpy"} <= set(versions)
    copy = tmp_path / "framing"
    shutil.copytree(bundled_models_dir() / "framing", copy)
    meta_path = copy / "framing_classifier.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["versions"]["scikit-learn"] = "0.24.2"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(NarrativError) as exc:
        SentenceClassifier.load(copy)
    assert exc.value.code == "E006" and "0.24.2" in str(exc.value)
