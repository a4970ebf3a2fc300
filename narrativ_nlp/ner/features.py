"""A small static-vector feature table for the NER model's tok2vec.

Built at training time from packaged word lists and shipped inside the model
(``vocab.vectors``, keyed on ORTH: every word under its lower-case and its
capitalised spelling, because spaCy 3.8 does not save a non-ORTH key attribute
with the vectors), so a narrow, fast tok2vec still knows whether a word is a
known first name, a surname, an ordinary Danish word form, and how frequent it is. Tokens not in the table get a zero vector
(column 0, "known", is then 0 as well).

Sources: the project's gazetteer (``narrativ_nlp/data/names``: Faker person and
town lists, MIT; project supplements, CC0), the Danish lemma lookup table of
``spacy-lookups-data`` (MIT) as the list of ordinary word forms, and Danish
word frequencies from ``wordfreq`` (data CC BY-SA 4.0; a training-time-only
dependency: ``pip install wordfreq``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy

#: the table's columns, in order
FEATURES = (
    "known",  # 1 for every word in the table
    "first_name",  # a gazetteer first name
    "last_name",  # a gazetteer surname
    "danish_word",  # an ordinary Danish word form (lemma lookup keys)
    "zipf_da",  # wordfreq Zipf frequency in Danish / 8 (0 when unseen)
    "place",  # a town or place name
    "not_person",  # a capitalised word that is not a person (brands, festivals, ...)
    "name_possessive",  # the possessive of a gazetteer name ("Emmas", "Jens'")
)

#: longest ordinary word form kept (long compounds are rarely names; keeps the table small)
MAX_WORD_LEN = 9


def _wordfreq():
    try:
        import wordfreq
    except ImportError as exc:  # pragma: no cover - exercised only without the optional dependency
        raise RuntimeError("train-ner needs the training-time dependency 'wordfreq' (pip install wordfreq)") from exc
    return wordfreq


def feature_rows(words: Iterable[str] | None = None) -> tuple[list[str], numpy.ndarray]:
    """The lower-case vocabulary and its ``len(FEATURES)``-column float32 table.

    The vocabulary is every gazetteer name (and its s-possessive) and place, every alphabetic Danish
    word form up to ``MAX_WORD_LEN`` characters (names that are also words are short),
    every word in wordfreq's Danish
    list, and ``words`` (lower-cased) when given.
    """
    from spacy.lookups import load_lookups

    from narrativ_nlp.identifiers.lexicon import load_lexicon

    lex = load_lexicon()
    wf = _wordfreq()
    freq = wf.get_frequency_dict("da", wordlist="best")
    lemma = load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")
    vocab: set[str] = set(lex.first_names) | set(lex.last_names) | set(lex.towns) | set(lex.not_person)
    vocab.update(n + "s" for n in list(lex.first_names) + list(lex.last_names) if not n.endswith("s"))
    vocab.update(w for w in freq if w.isalpha())
    # the lemma table's original string keys are hashed; read them from the packaged data
    vocab.update(w.lower() for w in _lemma_keys() if w.isalpha() and len(w) <= MAX_WORD_LEN)
    if words is not None:
        vocab.update(w.lower() for w in words)
    vocab.discard("")
    keys = sorted(vocab)
    table = numpy.zeros((len(keys), len(FEATURES)), dtype="float32")
    col = {name: i for i, name in enumerate(FEATURES)}
    for i, w in enumerate(keys):
        row = table[i]
        row[col["known"]] = 1.0
        if w in lex.first_names:
            row[col["first_name"]] = 1.0
        if w in lex.last_names:
            row[col["last_name"]] = 1.0
        if w in lemma:
            row[col["danish_word"]] = 1.0
        f = freq.get(w, 0.0)
        if f > 0:
            row[col["zipf_da"]] = max(0.0, math.log10(f) + 9.0) / 8.0
        if w in lex.towns:
            row[col["place"]] = 1.0
        if w in lex.not_person:
            row[col["not_person"]] = 1.0
        base = lex.base_name(w)
        if base is not None and base != w:
            row[col["name_possessive"]] = 1.0
    return keys, table


def _lemma_keys() -> list[str]:
    """The string keys of spacy-lookups-data's Danish lemma lookup table."""
    import gzip
    import json
    from importlib import resources

    path = resources.files("spacy_lookups_data").joinpath("data", "da_lemma_lookup.json.gz")
    with path.open("rb") as fh, gzip.open(fh, "rt", encoding="utf-8") as gz:
        return list(json.load(gz))


def surface_forms(word: str) -> list[str]:
    """The spellings a lower-case table word is keyed under: itself and capitalised."""
    cap = word[:1].upper() + word[1:]
    return [word] if cap == word else [word, cap]


def feature_vectors(vocab, words: Iterable[str] | None = None):
    """Put the feature table into ``vocab.vectors`` (ORTH keys, both spellings); return the Vectors."""
    from spacy.vectors import Vectors

    keys, table = feature_rows(words)
    from spacy.strings import hash_string

    # keys are string hashes only: the words themselves are not stored in the model's string store
    rows, hashes = [], []
    for i, word in enumerate(keys):
        for form in surface_forms(word):
            rows.append(i)
            hashes.append(hash_string(form))
    vectors = Vectors(data=table[numpy.asarray(rows)], keys=hashes, name="narrativ_ner_features")
    vocab.vectors = vectors
    return vectors


def word_features(nlp, word: str) -> dict[str, float]:
    """The table's features for the token text ``word`` in a loaded pipeline (all zero when not in the table)."""
    from spacy.strings import hash_string

    vectors = nlp.vocab.vectors
    key = hash_string(word)
    if key not in vectors:
        return dict.fromkeys(FEATURES, 0.0)
    return {name: float(v) for name, v in zip(FEATURES, vectors[key])}
