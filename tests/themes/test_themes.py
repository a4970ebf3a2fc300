"""Theme codebook, tagging and discovery on real Danish narratives."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.themes.codebook import Theme, ThemeCodebook
from narrativ_nlp.themes.discovery import discover
from narrativ_nlp.themes.features import texts_to_lemmas
from narrativ_nlp.themes.tagger import ThemeTagger

from ..conftest import CORPORA


def test_codebook_default_matches_shared_ten_themes():
    book = ThemeCodebook.default()
    assert book.ids == ["relations", "play", "language", "wellbeing", "conflict", "motor", "parents",
                        "transitions", "routines", "participation"]
    assert book.label("play") == "Leg"
    assert all(t.seeds for t in book.themes)


@pytest.mark.parametrize(
    "theme, message",
    [(Theme("Leg", "x", seeds=("a",)), "lower-case"), (Theme("play", "Leg 2", seeds=("a",)), "exists"), (Theme("ny", " "), "label")],
)
def test_codebook_rejects_bad_themes(theme, message):
    with pytest.raises(ValueError, match=message):
        ThemeCodebook.default().add(theme)


def test_codebook_roundtrip_and_qdc(tmp_path):
    book = ThemeCodebook.default()
    book.add(Theme("nature", "Natur og udeliv", "Ture i skoven", ("skov", "skoven", "træ", "blade")))
    path = tmp_path / "book.yaml"
    book.save(path)
    again = ThemeCodebook.load(path)
    assert again.ids == book.ids and again.label("nature") == "Natur og udeliv"
    root = ET.fromstring(book.to_qdc())
    names = [c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert "Natur og udeliv" in names and len(names) == 11


def test_tagger_new_theme_works_from_seeds_before_training(nlp):
    book = ThemeCodebook.default()
    book.add(Theme("nature", "Natur og udeliv", seeds=("skov", "træ", "blad", "gren")))
    tagger = ThemeTagger(book)  # untrained: seeds only
    lemmas = texts_to_lemmas(["Vi gik i skoven og samlede blade og grene under et stort træ."], nlp)
    tags = tagger.tag(lemmas)[0]
    assert tags[0].theme == "nature"
    assert set(tags[0].words) & {"skov", "træ", "blad", "gren"}


def test_tagger_bundled_model_tags_real_narratives(nlp):
    from narrativ_nlp.themes.tagger import default_tagger

    tagger = default_tagger()
    assert tagger.estimator is not None
    records = read_corpus(CORPORA / "narratives.test.jsonl")[:12]  # dev is training data of the shipped model
    tags = tagger.tag(texts_to_lemmas([r.text for r in records], nlp))
    hits = sum(bool({t.theme for t in ts} & set(r.themes)) for r, ts in zip(records, tags))
    assert hits >= 8  # most narratives get at least one of their gold themes
    for ts in tags:
        assert 1 <= len(ts) <= 3 and all(0 <= t.score <= 1 for t in ts)


def test_tagger_explains_with_words_not_character_pieces(nlp):
    from narrativ_nlp.themes.tagger import default_tagger

    tagger = default_tagger()
    assert tagger.char_ngrams  # the shipped model also uses character n-grams of the lemmas
    (lemmas,) = texts_to_lemmas(["Ved frokosten ville Emil ikke spise sin mad. Han græd, og vi trøstede ham, "
                                 "til han spiste rugbrød sammen med de andre ved bordet."], nlp)
    tags = tagger.tag([lemmas])[0]
    assert tags[0].theme == "routines"
    tokens = lemmas.split()
    grams = set(tokens) | {f"{a} {b}" for a, b in zip(tokens, tokens[1:])}
    for t in tags:
        assert t.words and set(t.words) <= grams  # whole lemmas or lemma bigrams of this text


def test_seed_terms_match_their_lemmas(nlp):
    book = ThemeCodebook.default()
    book.add(Theme("nature", "Natur og udeliv", seeds=("skovene", "samlede", "grenene")))  # inflected seeds
    (lemmas,) = texts_to_lemmas(["I skoven samler børnene grene og blade."], nlp)
    assert "skov" in lemmas.split() and "samle" in lemmas.split()
    tags = ThemeTagger(book).tag([lemmas])[0]
    assert tags[0].theme == "nature"
    assert {"skov", "samle", "gren"} <= set(tags[0].words)


def test_decoding_top_theme_always_further_by_threshold_and_ratio():
    import numpy as np

    tagger = ThemeTagger(ThemeCodebook.default(), threshold=0.4, ratio=0.5, max_tags=3)
    assert tagger.decode(np.array([0.1, 0.9, 0.5, 0.41, 0.3, 0, 0, 0, 0, 0])) == [1, 2]  # 0.41 < 0.5 × 0.9
    assert tagger.decode(np.array([0.2, 0.1, 0.0, 0.0, 0.0, 0, 0, 0, 0, 0])) == [0]  # below threshold: top only
    tagger.ratio = 0.0
    assert tagger.decode(np.array([0.5, 0.9, 0.6, 0.45, 0.7, 0, 0, 0, 0, 0])) == [1, 4, 2]  # at most max_tags


def test_tagger_lemmas_leave_out_names(nlp):
    (lemmas,) = texts_to_lemmas(["Ahmed og Freja byggede en hule i sandkassen."], nlp)
    assert "ahmed" not in lemmas and "freja" not in lemmas
    assert "sandkasse" in lemmas or "sandkassen" in lemmas


def test_theme_stop_words_keep_words_about_the_situation(nlp):
    """Function words go; words that say what happened stay ("aldrig", "sammen", "alene", "ikke"),
    though spaCy's Danish stop list has them (data/theme_stop_words.yaml)."""
    from spacy.lang.da.stop_words import STOP_WORDS

    from narrativ_nlp.themes.features import theme_stop_words

    stop = theme_stop_words()
    assert {"og", "jeg", "han", "det", "på"} <= stop
    assert {"aldrig", "sammen", "alene", "ikke", "altid"} <= set(STOP_WORDS) - stop
    (lemmas,) = texts_to_lemmas(["Han legede aldrig alene, men altid sammen med de andre."], nlp)
    words = lemmas.split()
    assert {"aldrig", "alene", "altid", "sammen"} <= set(words)
    assert not {"han", "men", "med", "de"} & set(words)


def test_discovery_is_reproducible_and_describes_clusters(nlp):
    records = read_corpus(CORPORA / "narratives.train.jsonl")[:60]
    lemmas = texts_to_lemmas([r.text for r in records], nlp)
    a = discover(lemmas, k_range=(3, 6))
    b = discover(lemmas, k_range=(3, 6))
    assert a == b
    assert 3 <= a.k <= 6 and len(a.labels) == 60
    for c in a.clusters:
        assert len(c.top_terms) == 8 and all(a.labels[i] == c.id for i in c.typical)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_discovery_too_few_narratives_says_so(n):
    result = discover(["leg i sandkassen"] * n)
    assert result.k == 0 and "For få narrativer" in result.note
