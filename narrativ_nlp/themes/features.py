"""Theme features: content lemmas of a narrative, with names, numbers and stop words removed.

The stop words are the project's list (``data/theme_stop_words.yaml``), not spaCy's: spaCy's
Danish list also drops words that say what a narrative is about ("aldrig", "sammen", "alene").
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc


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
    out = []
    for tok in doc:
        if tok.i in hidden or not tok.is_alpha or tok.lower_ in stop or len(tok.text) < 2:
            continue
        lemma = (tok.lemma_ or tok.text).lower()
        if lemma not in stop:
            out.append(lemma)
    return " ".join(out)


def texts_to_lemmas(texts: list[str], nlp: Language | None = None) -> list[str]:
    from narrativ_nlp.pipeline import load_pipeline, ner_only_pipes

    nlp = nlp or load_pipeline()
    disable = ner_only_pipes(nlp) + ["narrativ_framing"]
    return [content_lemmas(doc) for doc in nlp.pipe(texts, disable=disable, batch_size=64)]


@lru_cache(maxsize=1)
def _lemma_table() -> dict | None:
    """The lookup lemma table of the project pipeline (``None`` without a lookup lemmatizer)."""
    from narrativ_nlp.themes.scale import light_pipeline

    try:
        lemmatizer = light_pipeline().get_pipe("lemmatizer")
        if getattr(lemmatizer, "mode", None) != "lookup":
            return None
        return lemmatizer.lookups.get_table("lemma_lookup", {})
    except Exception:  # noqa: BLE001 — seeds then match as written only
        return None


@lru_cache(maxsize=50_000)
def word_lemma(word: str) -> str | None:
    """The content lemma of one word as ``content_lemmas`` gives it (``None`` for stop words)."""
    lower = word.lower()
    stop = theme_stop_words()
    if not word.isalpha() or lower in stop or len(word) < 2:
        return None
    table = _lemma_table()
    found = table.get(word, word) if table is not None else word
    found = found[0] if isinstance(found, list) else found
    lemma = (found or word).lower()
    return None if lemma in stop else lemma
