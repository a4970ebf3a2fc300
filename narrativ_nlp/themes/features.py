"""Theme features: content lemmas of a narrative, with names, numbers and stop words removed.

The stop words are the project's list (``data/theme_stop_words.yaml``), not spaCy's: spaCy's
Danish list also drops words that say what a narrative is about ("aldrig", "sammen", "alene").
Lemmas come from ``themes.lemmas.lookup_lemma`` (the project's corrected lookup table, with
fall-backs for sentence-initial capitals and unknown compounds), the same for every path.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from narrativ_nlp.themes.lemmas import lookup_lemma, project_lemma_table


@lru_cache(maxsize=1)
def theme_stop_words() -> frozenset[str]:
    """The stop words of the theme features (``data/theme_stop_words.yaml``), lower case."""
    from narrativ_nlp.resources import load_yaml

    return frozenset(str(w).lower() for w in load_yaml("theme_stop_words.yaml")["stop_words"])


def content_lemmas(doc: Doc) -> str:
    """Lower-case lemmas of content words; identifier spans (names, places) left out."""
    hidden = set()
    detection = doc._.identifiers
    if detection is not None:
        for s in detection.spans:
            span = doc.char_span(s.start, s.end, alignment_mode="expand")
            if span is not None:
                hidden.update(range(span.start, span.end))
    stop = theme_stop_words()
    table = project_lemma_table()
    out = []
    for tok in doc:
        if tok.i in hidden or not tok.is_alpha or tok.lower_ in stop or len(tok.text) < 2:
            continue
        lemma = lookup_lemma(tok.text, table) if table is not None else (tok.lemma_ or tok.text).lower()
        if lemma not in stop:
            out.append(lemma)
    return " ".join(out)


def texts_to_lemmas(texts: list[str], nlp: Language | None = None) -> list[str]:
    from narrativ_nlp.pipeline import load_pipeline, ner_only_pipes

    nlp = nlp or load_pipeline()
    disable = ner_only_pipes(nlp) + ["narrativ_framing"]
    return [content_lemmas(doc) for doc in nlp.pipe(texts, disable=disable, batch_size=64)]


@lru_cache(maxsize=50_000)
def word_lemma(word: str) -> str | None:
    """The content lemma of one word as ``content_lemmas`` gives it (``None`` for stop words)."""
    lower = word.lower()
    stop = theme_stop_words()
    if not word.isalpha() or lower in stop or len(word) < 2:
        return None
    lemma = lookup_lemma(word)
    return None if lemma in stop else lemma
