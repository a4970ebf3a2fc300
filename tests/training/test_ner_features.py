"""The NER model's static feature table (built at training time from packaged sources)."""

from __future__ import annotations

import pytest
import spacy

pytest.importorskip("wordfreq")

from narrativ_nlp.ner.features import FEATURES, feature_vectors, surface_forms, word_features


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("da")
    feature_vectors(nlp.vocab)
    return nlp


def test_first_name_and_ordinary_word(nlp):
    emma = word_features(nlp, "Emma")
    assert emma["known"] == 1.0 and emma["first_name"] == 1.0 and emma["danish_word"] == 0.0
    spiser = word_features(nlp, "spiser")
    assert spiser["first_name"] == 0.0 and spiser["last_name"] == 0.0 and spiser["danish_word"] == 1.0
    # both spellings are keys: sentence-initial "Spiser" and lower-case "emma"
    assert word_features(nlp, "Spiser") == spiser
    assert word_features(nlp, "emma") == emma


def test_surname_place_possessive_frequency(nlp):
    assert word_features(nlp, "Hansen")["last_name"] == 1.0
    assert word_features(nlp, "Odense")["place"] == 1.0
    assert word_features(nlp, "Emmas")["name_possessive"] == 1.0
    # a word that is also a name ("Storm") carries both features
    storm = word_features(nlp, "Storm")
    assert storm["first_name"] == 1.0 and storm["danish_word"] == 1.0
    assert word_features(nlp, "og")["zipf_da"] > word_features(nlp, "spiser")["zipf_da"] > 0.0


def test_unknown_word_is_zero(nlp):
    assert set(word_features(nlp, "Xqzzyvork").values()) == {0.0}


def test_table_is_small_and_survives_saving(nlp, tmp_path):
    vectors = nlp.vocab.vectors
    assert vectors.shape[1] == len(FEATURES)
    assert vectors.data.nbytes < 15_000_000
    assert surface_forms("emma") == ["emma", "Emma"] and surface_forms("3") == ["3"]
    nlp.to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m")
    assert word_features(loaded, "Emma") == word_features(nlp, "Emma")
    # the words themselves are not stored as strings in the model, only their hashes
    assert "Emma" not in loaded.vocab.strings
