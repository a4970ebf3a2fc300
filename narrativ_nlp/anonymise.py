"""Anonymisation API: detect identifiers for review, then apply only the reviewed spans.

    detection = detect(text)                 # spans with label, source and score
    spans = [s for s in detection.spans if keep(s)] + user_added
    result = Pseudonymiser(mode="placeholder").apply(text, spans)

Long texts are detected in chunks of paragraphs, and names found in any chunk
are then propagated over the whole text, so a 1 MB file is handled in bounded
memory and no later occurrence of a found name is missed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from narrativ_nlp.identifiers.engine import default_engine
from narrativ_nlp.identifiers.pseudonymise import PseudonymisedText, Pseudonymiser
from narrativ_nlp.identifiers.types import Detection, IdentifierSpan

CHUNK_CHARS = 20_000


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= CHUNK_CHARS:
        return [(0, text)]
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK_CHARS // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + CHUNK_CHARS // 2, end)
            if cut > start:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


#: invisible characters that can hide a name from every recognizer ("Em\u00adma")
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")


#: components identifier detection does not need: the framing, the subject resolver (it runs
#: after the identifiers and only reads them), and the lemmatizer (the recognizers read no lemmas;
#: the name lexicon reads the lemma table directly). Skipping the lemmatizer saves about 7 % of
#: detection time, the subject resolver about 10 %; a test checks the spans are the same.
_DETECT_DISABLE = ["narrativ_framing", "narrativ_subject", "lemmatizer"]


def _detect_disable(nlp: Language) -> list[str]:
    """``_DETECT_DISABLE``, and the sentencizer when ``narrativ_segmenter`` follows it: the
    segmenter sets every token's sentence start itself, so the sentencizer's work is overwritten."""
    names = nlp.pipe_names
    if "sentencizer" in names and "narrativ_segmenter" in names[names.index("sentencizer"):]:
        return [*_DETECT_DISABLE, "sentencizer"]
    return _DETECT_DISABLE


def detect(text: str, nlp: Language | None = None) -> Detection:
    """Identifiers in ``text`` for review (nothing is replaced).

    Invisible characters (soft hyphens, zero-width spaces) are left out while
    detecting, and the spans are mapped back onto ``text``.
    """
    if _INVISIBLE_RE.search(text):
        keep = [i for i, ch in enumerate(text) if ch not in INVISIBLE]
        clean = "".join(text[i] for i in keep)
        inner = _detect(clean, nlp)

        def back(s: IdentifierSpan) -> IdentifierSpan:
            end = keep[s.end - 1] + 1 if s.end > 0 else 0
            return IdentifierSpan(keep[s.start], end, s.label, s.source, s.score)

        return Detection(text, [back(s) for s in inner.spans], inner.threshold, [back(s) for s in inner.suggestions])
    return _detect(text, nlp)


def _doc_of(nlp: Language, text: str) -> Doc:
    """The tokenised ``text``, carrying its text for ``tokens.doc_text`` (spaCy's tokenizer keeps
    the text exactly, so the recognizers and the segmenter need not join it again from the tokens)."""
    doc = nlp.make_doc(text)
    doc.user_data["narrativ_text"] = text
    return doc


def _detect(text: str, nlp: Language | None = None) -> Detection:
    from narrativ_nlp.pipeline import load_pipeline

    engine = default_engine()
    if not text.strip():
        return Detection(text, [], engine.threshold, [])
    nlp = nlp or load_pipeline()
    chunks = _chunks(text)
    if len(chunks) == 1:
        doc = nlp(_doc_of(nlp, text), disable=_detect_disable(nlp))
        return doc._.identifiers
    spans: list[IdentifierSpan] = []
    for offset, chunk in chunks:
        doc = nlp(_doc_of(nlp, chunk), disable=_detect_disable(nlp))
        d = doc._.identifiers
        for s in d.spans + d.suggestions:
            spans.append(IdentifierSpan(s.start + offset, s.end + offset, s.label, s.source, s.score))
    return engine.complete(text, spans)


def detect_many(texts: Iterable[str], nlp: Language | None = None, batch_size: int = 64) -> list[Detection]:
    """``detect`` for many texts at once, in order: the same spans as ``detect(text)`` for each.

    Short texts without invisible characters go through ``nlp.pipe`` in batches
    (the NER model runs on a batch at a time, which is faster per text); the rest
    take the one-text path.
    """
    from narrativ_nlp.pipeline import load_pipeline

    texts = list(texts)
    nlp = nlp or load_pipeline()
    out: list[Detection | None] = [None] * len(texts)
    batch = [i for i, t in enumerate(texts) if t.strip() and len(t) <= CHUNK_CHARS and not _INVISIBLE_RE.search(t)]
    docs = nlp.pipe((texts[i] for i in batch), batch_size=batch_size, disable=_detect_disable(nlp))
    for i, doc in zip(batch, docs):
        out[i] = doc._.identifiers
    for i, t in enumerate(texts):
        if out[i] is None:
            out[i] = detect(t, nlp)
    return out  # type: ignore[return-value]


def anonymise_text(text: str, mode: str = "placeholder", pseudonymiser: Pseudonymiser | None = None,
                   nlp: Language | None = None) -> PseudonymisedText:
    """Detect and apply the pre-selected spans in one step (batch use, no manual review)."""
    pseudonymiser = pseudonymiser or Pseudonymiser(mode=mode)
    return pseudonymiser.apply(text, detect(text, nlp).spans)
