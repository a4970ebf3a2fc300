"""The fused tok2vec forward (``narrativ_nlp.ner.fast``): the same vectors and entities as spaCy's own path."""

from __future__ import annotations

import numpy
import pytest

from narrativ_nlp.ner.fast import FastTok2Vec, install

TEXTS = [
    "I dag legede Emma og Noah i sandkassen. Pædagog Mette Lund hjalp dem med at bygge en borg.",
    "Efter frokost var Sofie-Marie ked af det, fordi hendes mor, Hanne Kristensen, kom sent fra Aarhus.",
    "Oliver (3 år) sagde: \"Jeg vil ikke sove!\" Han blev trøstet af Jonas fra Solsikkestuen.",
    "",
    "William",
    "Til samling sang vi \"Lille Peter Edderkop\", og Freja pegede på billederne i bogen.",
]


def _spacy_vectors(proc, docs):
    """spaCy's own predict (the class method, past the instance attribute the fast path sets)."""
    return type(proc).predict(proc, docs)


@pytest.fixture(scope="module")
def tok2vec(nlp):
    if "tok2vec" not in nlp.pipe_names:
        pytest.skip("the pipeline has no tok2vec (no project NER model)")
    proc = nlp.get_pipe("tok2vec")
    assert isinstance(vars(proc).get("predict"), FastTok2Vec), "the loaded pipeline should use the fast tok2vec"
    return proc


def test_fast_vectors_match_spacy_per_doc_and_in_a_batch(nlp, tok2vec):
    fast = FastTok2Vec(tok2vec)
    docs = [nlp.make_doc(t) for t in TEXTS]
    expected = _spacy_vectors(tok2vec, docs)
    batch = fast(docs)
    for doc, want, got in zip(docs, expected, batch):
        assert got.shape == (len(doc), 48)
        assert numpy.allclose(got, want, atol=1e-4, rtol=0), doc.text[:20]
        alone = fast([doc])[0]  # a document's vectors do not depend on its neighbours in a batch
        assert numpy.allclose(alone, got, atol=1e-5, rtol=0)


def test_cached_rows_stay_right_when_the_table_is_full(nlp, tok2vec):
    fast = FastTok2Vec(tok2vec, max_rows=12)  # smaller than one text: the table starts afresh
    for text in TEXTS * 2:
        doc = nlp.make_doc(text)
        want = _spacy_vectors(tok2vec, [doc])[0]
        assert numpy.allclose(fast([doc])[0], want, atol=1e-4, rtol=0)
        assert len(fast.index) <= 12


def test_a_token_with_its_own_norm_gets_its_own_row(nlp, tok2vec):
    fast = FastTok2Vec(tok2vec)
    plain = nlp.make_doc("Emma leger")
    normed = nlp.make_doc("Emma leger")
    normed[1].norm_ = "løber"  # NORM can be set per token; the row must follow it
    assert not numpy.allclose(fast([plain])[0][1], fast([normed])[0][1])
    assert numpy.allclose(fast([normed])[0], _spacy_vectors(tok2vec, [normed])[0], atol=1e-4, rtol=0)


def test_same_entities_as_spacys_path(nlp, tok2vec):
    ner = nlp.get_pipe("ner")
    for text in TEXTS:
        fast_doc = ner(tok2vec(nlp.make_doc(text)))
        slow_doc = nlp.make_doc(text)
        tok2vec.set_annotations([slow_doc], _spacy_vectors(tok2vec, [slow_doc]))
        slow_doc = ner(slow_doc)
        assert [(e.start_char, e.end_char, e.label_) for e in fast_doc.ents] == [
            (e.start_char, e.end_char, e.label_) for e in slow_doc.ents]
    assert any(ner(tok2vec(nlp.make_doc(TEXTS[0]))).ents)  # the check compares real entities


def test_other_architectures_keep_spacys_path():
    import spacy

    blank = spacy.blank("da")
    blank.add_pipe("tok2vec")  # spaCy's default tok2vec: no static vectors, another embedding
    blank.initialize()
    assert install(blank) == []
    assert "predict" not in vars(blank.get_pipe("tok2vec"))
