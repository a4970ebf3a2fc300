"""The pipeline loader: model choice, components, and clear errors for broken models."""

from __future__ import annotations

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.pipeline import build_pipeline, choose_ner_model


def test_pipeline_components_and_lemmas(nlp):
    for name in ("narrativ_identifiers", "narrativ_framing", "lemmatizer"):
        assert name in nlp.pipe_names
    doc = nlp("I dag legede drengene med klodserne. Hun havde svært ved at vente.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["legede"] == "lege" and lemmas["drengene"] == "dreng" and lemmas["havde"] == "have"
    assert len(list(doc.sents)) == 2
    assert "identifiers" in doc.spans and "framing" in doc.spans


def test_pipeline_env_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("NARRATIV_NER_MODEL", str(tmp_path / "model"))
    assert choose_ner_model().source == "environment"
    assert choose_ner_model("other").source == "argument"


def test_pipeline_missing_model_dir_gives_danish_error(tmp_path):
    with pytest.raises(NarrativError) as exc:
        build_pipeline(str(tmp_path / "nope"))
    assert exc.value.code == "E021" and "findes ikke" in str(exc.value)


def test_pipeline_corrupted_model_gives_danish_error(tmp_path):
    import spacy

    model = tmp_path / "broken"
    nlp = spacy.blank("da")
    nlp.add_pipe("ner").add_label("PER")
    nlp.initialize()
    nlp.to_disk(model)
    (model / "ner" / "model").write_bytes(b"\x00garbage")
    with pytest.raises(NarrativError) as exc:
        build_pipeline(str(model))
    assert exc.value.code == "E020" and "kunne ikke indlæses" in str(exc.value)


def test_pipeline_blank_fallback_without_models(monkeypatch, tmp_path):
    monkeypatch.setenv("NARRATIV_MODELS_DIR", str(tmp_path))
    monkeypatch.delenv("NARRATIV_NER_MODEL", raising=False)
    choice = choose_ner_model()
    if choice.source == "da_core_news":
        pytest.skip("a da_core_news package is installed")
    assert choice.source == "none"
    nlp = build_pipeline(with_components=False)
    assert "ner" not in nlp.pipe_names and "sentencizer" in nlp.pipe_names


def test_lemma_table_is_loaded_once_for_lemmas_and_names(nlp):
    # building the 550,000-entry table takes 2-3 s: the lemmatizer and the name lexicon share it
    from narrativ_nlp.identifiers.lexicon import load_lexicon

    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    assert load_lexicon().danish_words is table
    assert [t.lemma_ for t in nlp("så byggede pigerne")][1:] == ["bygge", "pige"]
    assert load_lexicon().is_word("storm") and not load_lexicon().is_word("mohammed")


def test_models_multiply_with_numpy_and_find_the_same_entities(nlp):
    """The tok2vec and NER layers use NumPy's matrix product (faster than blis here); on real
    narratives the entities are the ones the blis product gives."""
    from pathlib import Path

    from thinc.api import NumpyOps

    from narrativ_nlp.corpus.format import read_corpus

    names = [n for n in ("tok2vec", "ner") if n in nlp.pipe_names]
    if not names:
        pytest.skip("no NER model")
    nodes = [node for n in names for node in nlp.get_pipe(n).model.walk()]
    assert nodes and all(isinstance(node.ops, NumpyOps) and not node.ops.use_blis for node in nodes)
    texts = [rec.text for rec in read_corpus(Path(__file__).resolve().parents[1] / "corpora" / "narratives.dev.jsonl")][:25]

    def entities() -> list:
        out = []
        for text in texts:
            doc = nlp.make_doc(text)
            for n in names:
                doc = nlp.get_pipe(n)(doc)
            out.append([(e.label_, e.start_char, e.end_char) for e in doc.ents])
        return out

    fast = entities()
    saved = [node.ops for node in nodes]
    try:
        for node in nodes:
            node.ops = NumpyOps(use_blis=True)
        slow = entities()
    finally:
        for node, ops in zip(nodes, saved):
            node.ops = ops
    assert sum(len(e) for e in fast) > 25 and fast == slow
