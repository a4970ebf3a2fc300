"""Per-doc token tables, built once from ``Doc.to_array`` and cached in ``doc.user_data``.

Iterating a ``Doc`` creates a ``Token`` object per token, and ``doc.text`` iterates it
again on every access; several components need the same strings, so they read them
here. The caches assume the doc is not retokenised afterwards (no component does).
"""

from __future__ import annotations

from spacy.attrs import IDX, LEMMA, LENGTH, LOWER, ORTH, SENT_START, SPACY
from spacy.tokens import Doc


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per doc."""
    text = doc.user_data.get("narrativ_text")
    if text is None:
        strings = doc.vocab.strings
        text = "".join(strings[o] + " " if sp else strings[o] for o, sp in doc.to_array([ORTH, SPACY]).tolist())
        doc.user_data["narrativ_text"] = text
    return text


def token_texts(doc: Doc) -> tuple[list[str], list[int]]:
    """Token texts and character offsets.

    When the doc carries its text (``anonymise.detect`` sets it), each token's text is cut from it by its
    offset and length (the tokenizer keeps the text exactly); else read from the string store.
    """
    table = doc.user_data.get("narrativ_token_texts")
    if table is None:
        text = doc.user_data.get("narrativ_text")
        if text is not None and len(doc):
            arr = doc.to_array([IDX, LENGTH])
            idxs = arr[:, 0].tolist()
            texts = [text[a:b] for a, b in zip(idxs, (arr[:, 0] + arr[:, 1]).tolist())]
        else:
            strings = doc.vocab.strings
            rows = doc.to_array([ORTH, IDX]).tolist()
            texts, idxs = [strings[o] for o, _ in rows], [i for _, i in rows]
        table = doc.user_data["narrativ_token_texts"] = (texts, idxs)
    return table


def token_table(doc: Doc) -> tuple[list[str], list[str], list[int]]:
    """Lower-case forms, lower-case lemmas (the form when no lemma) and each token's sentence end.

    Read after the lemmatizer has run; sentence ends need sentence boundaries (without
    any, the doc is one sentence).
    """
    table = doc.user_data.get("narrativ_tokens")
    if table is None:
        strings = doc.vocab.strings
        rows = doc.to_array([LOWER, LEMMA, SENT_START]).tolist()
        lowers = [strings[low] for low, _, _ in rows]
        lemmas = [strings[lem].lower() if lem else low for (_, lem, _), low in zip(rows, lowers)]
        n = len(rows)
        sent_end = [n] * n
        end = n
        for i in range(n - 1, -1, -1):
            sent_end[i] = end
            if rows[i][2] == 1:
                end = i
        table = doc.user_data["narrativ_tokens"] = (lowers, lemmas, sent_end)
    return table


def token_positions(doc: Doc) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Where each lower-case form and each lemma occurs (from ``token_table``)."""
    table = doc.user_data.get("narrativ_positions")
    if table is None:
        lowers, lemmas, _ = token_table(doc)
        by_lower: dict[str, list[int]] = {}
        by_lemma: dict[str, list[int]] = {}
        for i, (low, lem) in enumerate(zip(lowers, lemmas)):
            by_lower.setdefault(low, []).append(i)
            by_lemma.setdefault(lem, []).append(i)
        table = doc.user_data["narrativ_positions"] = (by_lower, by_lemma)
    return table


def upper_starts(doc: Doc) -> list[int]:
    """The indices of the tokens whose first character is upper case (``text[0].isupper()``), in order.

    Most rules about names look only at such tokens ("Emma", "Kh", "A."); looping over these few
    instead of every token of the doc saves a Python step per lower-case word and per mark.
    """
    table = doc.user_data.get("narrativ_upper_starts")
    if table is None:
        table = doc.user_data["narrativ_upper_starts"] = [i for i, t in enumerate(token_texts(doc)[0]) if t[:1].isupper()]
    return table
