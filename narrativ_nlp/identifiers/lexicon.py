"""Name gazetteer and Danish word list used by the name recognizers.

Sources (see ``data/names/`` headers): Faker person providers (MIT), the
project's own supplement lists (CC0), Faker's Danish town names, place names from the UNER
Danish-DDT train split (CC BY-SA 4.0, ``scripts/derive_places.py``), and the Danish lemma
lookup table of ``spacy-lookups-data`` (MIT) as the list of ordinary Danish word forms ("storm",
"sol", "lærke" are words as well as names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from narrativ_nlp.resources import danish_lemma_lookups, data_text


def _lines(name: str) -> list[str]:
    return [ln for ln in data_text(name).splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class NameLexicon:  # noqa: D101 (fields documented inline)
    first_names: dict[str, str]  # lower-case name → "m", "f" or ""
    last_names: frozenset[str]  # lower case
    danish_words: Any  # a spaCy lookups Table (or set) of ordinary word forms
    towns: frozenset[str]  # lower case
    not_person: frozenset[str]  # lower case
    name_words: frozenset[str] = frozenset()  # given names that are everyday words ("sten", "lærke"), lower case
    _bases: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)  # memo of base_name
    # memo of ``_known``: a lookups Table hashes its key on every test (a third of a microsecond and more)
    _words: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def base_name(self, word: str) -> str | None:
        """The lower-case gazetteer name that ``word`` is, or is the possessive of."""
        try:
            return self._bases[word]
        except KeyError:
            pass
        if len(self._bases) > 200_000:
            self._bases.clear()
        base = self._bases[word] = self._base_name(word)
        return base

    def _base_name(self, word: str) -> str | None:
        low = word.lower()
        if low in self.first_names or low in self.last_names:
            return low
        for suffix in ("'s", "’s", "s", "'", "’"):
            if low.endswith(suffix) and len(low) > len(suffix) + 1:
                stem = low[: -len(suffix)]
                if stem in self.first_names or stem in self.last_names:
                    return stem
        return None

    def is_first_name(self, word: str) -> bool:
        b = self.base_name(word)
        return b is not None and b in self.first_names

    def name_is_word(self, word: str) -> bool:
        """True when ``word`` is a given name (or its possessive) that is also an everyday Danish word
        (``names/given_names_also_words.txt``: "Sten", "Lærke", "Storm"; not "Noah", "Mads", "Ellen",
        whose lower-case forms the lemma table holds only as rare forms)."""
        b = self.base_name(word)
        return b is not None and b in self.name_words

    def is_ordinary(self, word: str) -> bool:
        """A given name is an ordinary word only when listed in ``name_words``; any other word when the
        lemma table holds it."""
        b = self.base_name(word)
        if b is not None and b in self.first_names:
            return b in self.name_words
        return self.is_word(word)

    def is_word(self, word: str) -> bool:
        """True when the lower-cased form is an ordinary Danish word form."""
        return self._known(word.lower())

    def _known(self, low: str) -> bool:
        """``low in self.danish_words``, memoised (the table does not change)."""
        try:
            return self._words[low]
        except KeyError:
            pass
        if len(self._words) > 200_000:
            self._words.clear()
        known = self._words[low] = low in self.danish_words
        return known

    def is_compound(self, word: str, min_part: int = 3, _depth: int = 0) -> bool:
        """True when ``word`` is Danish word forms joined, with or without a linking s or e
        ("Forældresamtale", "Vandleg", "Superheltleg"), or a name, town or brand before a noun of
        four letters or more ("Luciaoptog", "Legoleg"): such a capitalised word that opens a sentence or a heading
        is an ordinary noun, not a name. Parts shorter than ``min_part`` do not count, so few
        names split into words by chance.
        """
        low = word.lower()
        known = self._known
        for i in range(min_part, len(low) - min_part + 1):
            left, right = low[:i], low[i:]
            if not known(right):
                continue
            if known(left) or (len(left) > min_part and left[-1] in "se" and known(left[:-1])):
                return True
            if left in self.not_person or (len(right) >= 4 and (left in self.first_names or left in self.towns)):
                return True
            if _depth == 0 and self.is_compound(left, min_part, 1):
                return True
        return False

    def is_long_compound(self, word: str) -> bool:
        """True when ``word`` is a Danish word of five letters or more after a part of five letters or more
        that is a word or itself a compound ("Allehelgensstemning", "Evalueringskultur"): a shape that
        hardly any given name has (1 of the gazetteer's 14,000 first names, "Rosinkrans")."""
        low = word.lower()
        known = self._known
        for i in range(5, len(low) - 4):
            left, right = low[:i], low[i:]
            if known(right) and (
                    known(left) or (left[-1] in "se" and known(left[:-1])) or self.is_compound(left)):
                return True
        return False

    def gender(self, word: str) -> str:
        b = self.base_name(word)
        return self.first_names.get(b, "") if b else ""


@lru_cache(maxsize=1)
def load_lexicon() -> NameLexicon:
    first: dict[str, str] = {}
    for source in ("names/first_names_faker.tsv", "names/supplement_first_names.txt"):
        for ln in _lines(source):
            name, _, gender = ln.partition("\t")
            low = name.strip().lower()
            old = first.get(low)
            gender = gender.strip()
            first[low] = gender if old is None or old == gender else ""
    last = {ln.strip().lower() for src in ("names/last_names_faker.txt", "names/supplement_last_names.txt") for ln in _lines(src)}
    table = danish_lemma_lookups().get_table("lemma_lookup")
    # a place that is also a given name or surname ("Flemming", "Lund", "Irma") counts as a name:
    # the recognizers skip places, and a missed name is worse than a town offered for review
    towns = frozenset(ln.strip().lower() for src in ("names/towns_faker.txt", "names/places_extra.txt",
                                                                  "names/places_uner.txt")
                      for ln in _lines(src)) - first.keys() - last
    not_person = frozenset(ln.strip().lower() for ln in _lines("names/not_person_proper_nouns.txt"))
    name_words = frozenset(ln.strip().lower() for ln in _lines("names/given_names_also_words.txt"))
    return NameLexicon(first, frozenset(last), table, towns, not_person, name_words)
