"""The segmenter alone on a blank Danish pipeline, shared by the layout tests."""

import pytest
import spacy


@pytest.fixture(scope="module")
def seg_nlp():
    import narrativ_nlp.framing.segment  # noqa: F401

    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("narrativ_segmenter_v1")
    return nlp


def segment_sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]
