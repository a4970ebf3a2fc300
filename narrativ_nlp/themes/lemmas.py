"""Lemmas that read right: one lookup for the theme features, the seeds and the typical words.

The table is the project's copy of the Danish lookup table (``resources.danish_lemma_lookups``,
with the corrections of ``data/lemma_exceptions.yaml`` applied). Two fall-backs for word forms the
table does not hold, both common in narratives:

- a capitalised form at a sentence start ("Mangler", "Konkrete") is looked up in lower case;
- an unknown compound ("puderummet", "formiddagsaktiviteten") takes the lemma of its longest known
  last part ("rummet" → "rum": "puderum"), when that part has at least 4 letters, the first part
  at least 3, and the part's lemma keeps its first two letters (no suppletive forms).
"""

from __future__ import annotations

from functools import lru_cache

MIN_HEAD = 3
MIN_TAIL = 4


@lru_cache(maxsize=1)
def project_lemma_table():
    """The shared lookup table (``None`` when spacy-lookups-data is missing)."""
    try:
        from narrativ_nlp.resources import danish_lemma_lookups

        return danish_lemma_lookups().get_table("lemma_lookup")
    except Exception:  # noqa: BLE001 — lemmas then fall back to the word forms
        return None


def _get(table, word: str) -> str | None:
    found = table.get(word, None)
    if isinstance(found, list):
        found = found[0] if found else None
    return found or None


def compound_lemma(lower: str, table) -> str | None:
    """Lemma of an unknown compound from its longest known last part, or ``None``."""
    for i in range(MIN_HEAD, len(lower) - MIN_TAIL + 1):
        tail = lower[i:]
        found = _get(table, tail)
        if found is None:
            continue
        found = found.lower()
        if found == tail:
            return lower
        if found[:2] != tail[:2]:
            return None
        return lower[:i] + found
    return None


def lookup_lemma(word: str, table=None) -> str:
    """Lower-case lemma of one word form (the form itself when nothing is known)."""
    table = table if table is not None else project_lemma_table()
    if table is None:
        return word.lower()
    found = _get(table, word)
    if found is None and word[:1].isupper():
        found = _get(table, word.lower())
    if found is None:
        found = compound_lemma(word.lower(), table)
    return (found or word).lower()
