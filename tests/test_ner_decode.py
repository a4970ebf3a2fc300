"""The fast greedy NER decoder (``narrativ_nlp.ner.decode``): the same entities as spaCy's own ``EntityRecognizer``."""

from __future__ import annotations

import numpy
import pytest
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.pipeline.ner import EntityRecognizer

from narrativ_nlp.ner.decode import FastEntityRecognizer, FastResult, fast_copy

TEXTS = [
    # an entity at the start, one at the end
    "Sofie Hansen kom glad ind i børnehaven i dag sammen med sin far fra Aarhus",
    # adjacent names, a list, a sentence boundary right after a name
    "Emma, Noah, Ida og William legede i Solsikkestuen. Mette Lund læste en bog for dem om Pippi Langstrømpe.",
    "Mads Peter Jensen og Lise Sørensen hentede Freja i Odense. Jonas.",
    # names around line breaks and blank lines (space tokens), quotes and parentheses
    "Observation\n\nOliver (3 år) sagde til Clara: \"Du må ikke tage min spade!\"\n\nHanne Kristensen trøstede ham.",
    "Efter frokost tog Villads og Alma toget til København med Karen fra Lærkereden",
    # a three-token name that closes the doc
    "I dag legede Noah med Mads Peter Jensen",
    # one-token docs
    "Emma",
    "Aarhus",
    "i",
]


@pytest.fixture(scope="module")
def ner(nlp):
    if "ner" not in nlp.pipe_names:
        pytest.skip("the pipeline has no NER model")
    proc = nlp.get_pipe("ner")
    assert isinstance(proc, FastEntityRecognizer), "the loaded pipeline should use the fast NER decoder"
    return proc


def _prepared(nlp, text):
    """The doc as it reaches the NER component: tokens, sentence starts, token vectors."""
    doc = nlp.make_doc(text)
    for name in ("sentencizer", "narrativ_segmenter", "tok2vec"):
        if name in nlp.pipe_names:
            doc = nlp.get_pipe(name)(doc)
    return doc


def _spacy(ner, doc):
    EntityRecognizer.set_annotations(ner, [doc], EntityRecognizer.predict(ner, [doc]))
    return doc


def _state(doc):
    return [(e.start, e.end, e.label_) for e in doc.ents], doc.to_array([ENT_IOB, ENT_TYPE]).tolist()


def test_same_entities_as_spacy_on_invented_danish_text(nlp, ner):
    found = 0
    for text in TEXTS:
        doc = _prepared(nlp, text)
        a, b = doc.copy(), doc.copy()
        _spacy(ner, a)
        result = ner.predict([b])
        assert isinstance(result, FastResult), "the fast path should decode a doc without preset entities"
        ner.set_annotations([b], result)
        assert _state(b) == _state(a), f"entities differ on test text {TEXTS.index(text)}"
        found += len(a.ents)
    assert found >= 15  # the texts hold names at the start, the end, side by side


def test_entities_at_the_first_and_last_token_are_found(nlp, ner):
    first = ner(_prepared(nlp, TEXTS[0]))
    assert (first.ents[0].start, first.ents[0].end) == (0, 2)  # 'Sofie Hansen'
    last = ner(_prepared(nlp, "I dag legede Noah med Mads Peter Jensen"))
    assert (last.ents[-1].start, last.ents[-1].end) == (5, 8)  # 'Mads Peter Jensen'
    one = ner(_prepared(nlp, "Emma"))
    assert [(e.start, e.end, e.label_) for e in one.ents] == [(0, 1, "PER")]


def test_empty_doc_and_batch(nlp, ner):
    empty = _prepared(nlp, "")
    assert ner(empty).ents == ()
    docs = [_prepared(nlp, t) for t in ["", *TEXTS, ""]]
    want = [_state(_spacy(ner, d.copy())) for d in docs]
    got = [_state(d) for d in ner.pipe(docs, batch_size=4)]
    assert got == want


def test_preset_entities_take_spacys_path(nlp, ner):
    doc = _prepared(nlp, TEXTS[1])
    from spacy.tokens import Span

    doc.set_ents([Span(doc, 2, 3, label="LOC")], default="missing")  # 'Noah' preset as a place
    result = ner.predict([doc.copy()])
    assert not isinstance(result, FastResult)
    a, b = _spacy(ner, doc.copy()), ner(doc.copy())
    assert _state(a) == _state(b)
    assert (2, 3, "LOC") in _state(b)[0]


def test_random_token_vectors_exercise_every_move(nlp, ner):
    """Random token vectors make the model open, extend and close entities everywhere (at sentence
    starts, before space tokens, at the last token): the decoder must follow spaCy move for move."""
    rng = numpy.random.default_rng(7)
    base = [_prepared(nlp, t) for t in TEXTS[:5]]
    kinds = set()
    for trial in range(60):
        doc = base[trial % len(base)].copy()
        scale = (0.5, 2.0, 6.0)[trial % 3]
        doc.tensor = (rng.standard_normal(doc.tensor.shape) * scale).astype("float32")
        a, b = _spacy(ner, doc.copy()), doc.copy()
        result = ner.predict([b])
        assert isinstance(result, FastResult)
        ner.set_annotations([b], result)
        assert _state(b) == _state(a), f"trial {trial}"
        kinds.update("multi" if e.end - e.start > 1 else "single" for e in a.ents)
    assert kinds == {"multi", "single"}


def test_fast_copy_shares_the_model(nlp, ner):
    copy = fast_copy(ner)
    assert copy.model is ner.model and copy.moves is ner.moves and copy.cfg == ner.cfg
    doc = _prepared(nlp, TEXTS[2])
    assert _state(copy(doc.copy())) == _state(_spacy(ner, doc.copy()))
