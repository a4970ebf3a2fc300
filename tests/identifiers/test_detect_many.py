"""``detect_many`` (batched ``nlp.pipe``) gives the same detections as ``detect`` text by text."""

from __future__ import annotations

from pathlib import Path

from narrativ_nlp.anonymise import detect, detect_many
from narrativ_nlp.corpus.format import read_corpus

CORPORA = Path(__file__).resolve().parents[2] / "corpora"


def test_detect_many_equals_detect(nlp):
    texts = [rec.text for rec in read_corpus(CORPORA / "narratives.dev.jsonl")][:20]
    texts += ["", "   ", "Em\u00adma leger med Noah.", "Hej Sofie! Ring på 12 34 56 78."]
    many = detect_many(texts, nlp, batch_size=7)
    assert len(many) == len(texts)
    for text, det in zip(texts, many):
        one = detect(text, nlp)
        assert det.text == text
        assert det.spans == one.spans
        assert det.suggestions == one.suggestions


def test_detect_skips_the_lemmatizer_without_changing_a_span(nlp):
    """``detect`` leaves the lemmatizer, the subject resolver and the sentencizer (the segmenter sets
    every boundary itself) out (speed); the full pipeline finds the very same identifiers."""
    from narrativ_nlp import anonymise

    skipped = anonymise._detect_disable(nlp)
    for name in ("lemmatizer", "narrativ_subject", "sentencizer"):
        assert name in skipped and name in nlp.pipe_names
    texts = [rec.text for rec in read_corpus(CORPORA / "narratives.test.jsonl")]
    for text, full in zip(texts, nlp.pipe(texts, disable=["narrativ_framing"])):
        det = detect(text, nlp)
        assert det.spans == full._.identifiers.spans
        assert det.suggestions == full._.identifiers.suggestions
