"""Curriculum tags (læreplanstemaer) on real Danish narratives: prior mapping, seeds, training, persistence."""

from __future__ import annotations

import numpy as np
import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.themes.codebook import ThemeCodebook
from narrativ_nlp.themes.curriculum import (
    CurriculumTagger,
    curriculum_codebook,
    learn_mapping,
    prior_mapping,
    tag_curriculum,
)
from narrativ_nlp.themes.features import texts_to_lemmas

FOREST = ("Fredag gik vi i skoven med madpakker. Asta fandt en snegl under et blad og talte dens striber: "
          "en, to, tre. Hun undrede sig over, hvorfor sneglen havde et hus, og vi så på regnormene i den våde jord.")
WORDS = ("Ved frokosten pegede Minh på kanden og sagde \"mere\". Han gentog ordet på dansk og på vietnamesisk, "
         "og vi talte om ordene for mælk og vand. Han forstår flere og flere ord og fortæller om sin bamse.")


def test_codebook_is_the_six_laereplanstemaer():
    book = curriculum_codebook()
    assert book.ids == ["personal", "social", "communication", "body", "nature", "culture"]
    assert book.label("nature") == "Natur, udeliv og science"


def test_prior_mapping_reads_the_data_file():
    sit = ThemeCodebook.default().ids
    M, strength = prior_mapping(sit, curriculum_codebook().ids)
    assert M.shape == (10, 6) and strength > 0
    assert M[sit.index("language"), 2] > 0.9 and M[sit.index("motor"), 3] > 0.8


def test_learned_mapping_moves_from_prior_to_the_counts():
    sit, cur = ["play", "motor"], ["social", "nature"]
    prior = np.array([[1.0, 0.0], [0.0, 0.0]])
    labels_s = [["motor"]] * 10
    labels_c = [["nature"]] * 10
    M = learn_mapping(labels_s, labels_c, sit, cur, prior, strength=2)
    assert M[0, 0] == pytest.approx(1.0)  # no data on play: the prior
    assert M[1, 1] == pytest.approx(10 / 12)  # ten motor narratives, all nature


def test_untrained_tagger_tags_real_narratives_with_words(nlp):
    lemmas = texts_to_lemmas([FOREST, WORDS], nlp)
    tags = CurriculumTagger.from_prior().tag(lemmas)
    assert tags[0][0].theme == "nature" and tags[1][0].theme == "communication"
    for t in tags:
        assert 1 <= len(t) <= 3 and all(x.words for x in t[:1])
    assert {"skov", "snegl"} & set(tags[0][0].words)
    assert "Asta" not in " ".join(w for x in tags[0] for w in x.words)  # names never explain a tag


def test_fit_save_load_roundtrip_gives_the_same_tags(nlp, tmp_path):
    texts = [FOREST, WORDS] * 4
    lemmas = texts_to_lemmas(texts, nlp)
    labels = [["nature"], ["communication"]] * 4
    situation = [["play"], ["language"]] * 4
    tagger = CurriculumTagger.from_prior().fit(lemmas, labels, situation_labels=situation)
    tagger.save(tmp_path / "curriculum")
    again = CurriculumTagger.load(tmp_path / "curriculum")
    assert again.tag(lemmas) == tagger.tag(lemmas)
    assert [t[0].theme for t in again.tag(lemmas[:2])] == ["nature", "communication"]


def test_load_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(NarrativError) as err:
        CurriculumTagger.load(tmp_path)
    assert err.value.code == "E020"


def test_tag_curriculum_default(nlp):
    (tags,) = tag_curriculum(texts_to_lemmas([FOREST], nlp))
    assert tags[0].theme == "nature" and tags[0].label == "Natur, udeliv og science"


def test_evaluate_reports_curriculum_when_the_gold_has_it(nlp):
    from narrativ_nlp.corpus.format import NarrativeRecord
    from narrativ_nlp.themes.evaluate import score_curriculum_records

    records = [NarrativeRecord(id="x1", text=FOREST, themes=["motor"], extra={"curriculum": ["nature"]}),
               NarrativeRecord(id="x2", text=WORDS, themes=["language"], extra={"curriculum": ["communication"]}),
               NarrativeRecord(id="x3", text=WORDS, themes=["language"])]  # not annotated: left out
    res = score_curriculum_records(records)
    assert res["n"] == 2 and set(res) >= {"micro_f1", "macro_f1", "micro_f1_ci"}
    assert res["micro_f1"] > 0.5
