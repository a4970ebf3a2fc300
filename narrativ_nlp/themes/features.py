"""Theme features: content lemmas of a narrative, with names, numbers and stop words removed."""

from __future__ import annotations

from functools import lru_cache

from spacy.lang.da.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc


def content_lemmas(doc: Doc) -> str:
    """Lower-case lemmas of content words; identifier spans (names, places) left out."""
    hidden = set()
    detection = doc._.identifiers
    if detection is not None:
        for s in detection.spans:
            span = doc.char_span(s.start, s.end, alignment_mode="expand")
            if span is not None:
                hidden.update(range(span.start, span.end))
    out = []
    for tok in doc:
        if tok.i in hidden or not tok.is_alpha or tok.lower_ in STOP_WORDS or len(tok.text) < 2:
            continue
        lemma = (tok.lemma_ or tok.text).lower()
        if lemma not in STOP_WORDS:
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
    if not word.isalpha() or lower in STOP_WORDS or len(word) < 2:
        return None
    table = _lemma_table()
    found = table.get(word, word) if table is not None else word
    found = found[0] if isinstance(found, list) else found
    lemma = (found or word).lower()
    return None if lemma in STOP_WORDS else lemma
