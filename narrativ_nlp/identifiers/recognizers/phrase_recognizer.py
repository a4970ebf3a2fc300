"""Capitalised common words that are no persons: names of organisations, titles, headings, holidays.

Real published texts (staff newsletters, institution pages, local news) capitalise ordinary words
in the names of things: "Tinglev Frivillige Brandværn", "Den styrkede Pædagogiske Læreplan",
"Stiftelsen Sorø Akademi", headings ("Tidlig SFO", "Påske"), holidays ("Kristi Himmelfart") and
nouns in the definite form used as names of things ("Caféen", "Opgaven"). A name guess on such a
word is offered unticked (label ``NOT_PERSON``, as for story characters): the person reviewing
still sees it. A word any name list knows (a given name or a surname) is never guarded, so
"Emma", "Storm" and "Lone Fjelsted Hansen" stay pre-selected wherever they stand.

The rules (settings in ``data/identifiers.yaml``, ``phrases``):

* a run of two or more capitalised words that are all ordinary Danish words or towns
  ("Frivillige Brandværn", "Sorø Akademi", "Det Sker I Dagplejen");
* a capitalised ordinary word in a heading: a short line without a full stop ("Tidlig SFO");
* a capitalised ordinary word in the definite form after a preposition of place ("ud af Caféen",
  "fra Værkstedet"); not after "med", "til", "hos" or a verb, where it may be a nickname ("Kom Spurven");
* a listed phrase (``phrases.listed``: holidays, diseases: "Kristi Himmelfart", "Corona");
* a quoted group name made of a name and a plural ending behind an apostrophe ("“Maxi knud’terne”");
* a town that looks like a name's genitive, after "i" and before a verb ("I Frederiks er der ...");
* an unknown capitalised word right before an institution noun ("Voerså børnehus",
  "Ådum Børneunivers"): a place, part of the institution's name.
"""

from __future__ import annotations

import re

from spacy.lang.da.stop_words import STOP_WORDS
from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import (
    Recognizer,
    RecognizerContext,
    doc_text,
    initial_flags,
    token_lowers,
    token_texts,
    upper_starts,
)
from narrativ_nlp.identifiers.types import IdentifierSpan

_CAPITALISED = re.compile(r"(?:[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅa-zæøå][a-zæøåéü]+)*|I|[A-ZÆØÅ]{2,5})$")
_DEFINITE = ("en", "et", "ene", "erne", "ne")
_GROUP = re.compile(r"[\"“„»]([^\"”«\n]{1,40}?['’](?:t?erne|ene|ne))[\"”«]")
_PLACE_PREPOSITIONS = frozenset(("i", "på", "fra", "ved", "inde", "ude", "udenfor", "indenfor"))
_PLACE_VERBS = frozenset(("er", "var", "har", "havde", "bor", "boede", "ligger", "lå", "blev", "bliver", "holder",
                          "holdt", "samles", "samledes", "mødes", "mødtes", "findes", "fandtes"))
_SENTENCE_END = (".", "!", "?", ":", ";", ",", "»", "”", '"')
#: the non-ASCII letters that ``re.IGNORECASE`` matches to ASCII letters ("İ", "ı", "ſ", Kelvin sign)
_IGNORECASE_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


class PhraseRecognizer(Recognizer):
    name = "phrases"
    labels = ("NOT_PERSON",)
    guards_person = True
    SCORE = 0.8

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        conf = context.settings.get("phrases", {})
        listed = [p for p in conf.get("listed", ())]
        alts = "|".join(re.escape(p) for p in sorted(listed, key=len, reverse=True)) or "(?!x)x"
        # "Kristi Himmelfart", "Kristi Himmelfarts-dag", "Coronaen": a listed phrase and its inflections
        self._listed = re.compile(rf"(?<![\w-])(?:{alts})[\w-]*", re.IGNORECASE)
        self._listed_first = frozenset(p.split()[0].lower() for p in listed)
        # a cheap pre-check: the regex (case-insensitive) can match only where the lowered text holds a lowered
        # phrase; the four letters that match ASCII ones under IGNORECASE are folded first
        self._listed_lower = tuple(p.lower() for p in listed)
        self._heads = frozenset(w.lower() for w in conf.get("institution_nouns", ()))
        self._heading_words = int(conf.get("heading_words", 6))
        # ``_name`` and ``_ordinary`` by word (they read only the word and the lexicon, which does not change)
        self._name_memo: dict[str, bool] = {}
        self._ordinary_memo: dict[str, bool] = {}

    def _maybe_listed(self, text: str) -> bool:
        """False only when no listed phrase can match ``text`` (see ``__init__``)."""
        folded = text.translate(_IGNORECASE_FOLD).lower()
        return any(p in folded for p in self._listed_lower)

    def _name(self, word: str) -> bool:
        """A given name or a surname (or its possessive) of any list, or a part of one ("Anne-Sofie")."""
        memo = self._name_memo
        known = memo.get(word)
        if known is None:
            lex = self.context.lexicon
            known = lex.base_name(word) is not None or any(lex.base_name(p) is not None for p in word.split("-") if p)
            if len(memo) >= 50_000:
                memo.clear()
            memo[word] = known
        return known

    def _ordinary(self, word: str) -> bool:
        memo = self._ordinary_memo
        known = memo.get(word)
        if known is None:
            known = self._ordinary_word(word)
            if len(memo) >= 50_000:
                memo.clear()
            memo[word] = known
        return known

    def _ordinary_word(self, word: str) -> bool:
        lex = self.context.lexicon
        low = word.lower()
        if word.isupper():
            return word in self.context.not_initials or low in STOP_WORDS
        return lex.is_word(word) or low in STOP_WORDS or low in lex.towns or low in lex.not_person or (
            low.endswith("s") and (lex.is_word(low[:-1]) or low[:-1] in lex.towns))

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        text = doc_text(doc)
        texts, idxs = token_texts(doc)
        found: list[IdentifierSpan] = []
        lowered = set(token_lowers(doc))
        initial = initial_flags(doc)
        if not self._listed_first.isdisjoint(lowered) and self._maybe_listed(text):
            found.extend(self.span(m.start(), m.end(), "NOT_PERSON", self.SCORE) for m in self._listed.finditer(text))
        lex = self.context.lexicon
        n = len(texts)
        # capitalised words start with a capital letter: only those tokens are matched
        cap = [False] * n
        caps = []
        for k in upper_starts(doc):
            if _CAPITALISED.match(texts[k]):
                cap[k] = True
                caps.append(k)
        after = 0  # the first token after the last run looked at
        for i in caps:
            if i < after:
                continue
            j = i
            while j + 1 < n and cap[j + 1] and doc[j].whitespace_ == " ":
                j += 1
            # a sentence's first word is capitalised anyway: it does not make a run ("Kom Øren")
            first = i + 1 if j > i and initial[i] else i
            run = range(first, j + 1)
            names = [k for k in run if self._name(texts[k])]
            # a compound ("Læreplan") counts beside at least one plain word of the run; in a run of three or
            # more (a menu line: "Børnesyn Skattekisten Piratskibet"), one of shorter parts too
            plain = [k for k in run if self._ordinary(texts[k])]
            part = 3 if j - first >= 2 else 4
            if j > first and not names and any(texts[k].lower() not in STOP_WORDS for k in plain) and all(
                    k in plain or lex.is_compound(texts[k], min_part=part) for k in run):
                found.append(self.span(idxs[first], idxs[j] + len(texts[j]), "NOT_PERSON", self.SCORE))
                # in a menu line, each word too, so that its other occurrences are guarded as written ("Under
                # overskriften Børnesyn"); not in a pair ("med Lille Spurven": a nickname may recur alone)
                if j - first >= 2:
                    found.extend(self.span(idxs[k], idxs[k] + len(texts[k]), "NOT_PERSON", self.SCORE)
                                 for k in run if texts[k].lower() not in STOP_WORDS and not texts[k].isupper())
            else:
                for k in run:
                    if k in names:
                        continue
                    if self._single(doc, texts, idxs, k, full_name=len(names) > 0 and j > first):
                        found.append(self.span(idxs[k], idxs[k] + len(texts[k]), "NOT_PERSON", self.SCORE))
            after = j + 1
        # a town that looks like a name's genitive, after "i" and before a verb: "I Frederiks er der 14 dagplejere"
        # (``lowered`` holds every token's lower-case form: without "i" there is none)
        lowers = token_lowers(doc)
        for k in caps if "i" in lowered else ():
            if 1 <= k < n - 1 and lowers[k - 1] == "i" and lowers[k] in lex.towns and lowers[k + 1] in _PLACE_VERBS:
                word = texts[k]
                found.append(self.span(idxs[k], idxs[k] + len(word), "NOT_PERSON", self.SCORE))
        # a group named after a name with a plural ending behind an apostrophe: "“Maxi knud’terne”"
        if "’" in text or "'" in text:
            found.extend(self.span(m.start(1), m.end(1), "NOT_PERSON", self.SCORE) for m in _GROUP.finditer(text))
        # an unknown capitalised word before an institution noun: "Voerså børnehus", "Ådum Børneunivers"
        for k in caps:
            word = texts[k]
            if k < n - 1 and lowers[k + 1] in self._heads and not self._name(word) and not (
                    word.endswith("s") and not lex.is_word(word)) and not lex.is_word(word):
                found.append(self.span(idxs[k], idxs[k] + len(word), "NOT_PERSON", self.SCORE))
        return found

    def _single(self, doc: Doc, texts: list[str], idxs: list[int], k: int, full_name: bool) -> bool:
        """A capitalised ordinary word standing where no name stands: a heading word or a definite
        noun inside a sentence; never a part of a run that holds a name ("Lone Fjelsted Hansen")."""
        lex = self.context.lexicon
        word = texts[k]
        low = word.lower()
        if full_name or word.isupper() or not lex.is_word(word):
            return False
        if _heading(doc, idxs[k], self._heading_words):
            return True
        if initial_flags(doc)[k]:
            return False
        # "gik ud af Caféen", "bøger fra Værkstedet": a definite noun after a preposition of place names a
        # place or a thing; after "med", "til", "hos", "af" or a verb it may be a child's nickname ("Kom Spurven")
        if not (low.endswith(_DEFINITE) and len(low) >= 5 and k > 0):
            return False
        prev = texts[k - 1].lower()
        return prev in _PLACE_PREPOSITIONS or (prev == "af" and k > 1 and texts[k - 2].lower() in ("ud", "inde", "ude"))


def _heading(doc: Doc, idx: int, max_words: int) -> bool:
    """The token at character ``idx`` stands in a short line that ends without a full stop: a heading
    ("Tidlig SFO"). Each line is decided once per doc."""
    text = doc_text(doc)
    if "\n" not in text:
        return False  # one line: no heading
    start = text.rfind("\n", 0, idx) + 1
    memo = doc.user_data.setdefault(f"narrativ_phrase_headings_{max_words}", {})
    heading = memo.get(start)
    if heading is None:
        end = text.find("\n", idx)
        line = text[start : end if end >= 0 else len(text)].strip()
        words = _LETTERS.findall(line)
        heading = memo[start] = 0 < len(words) <= max_words and not line.endswith(_SENTENCE_END)
    return heading


_LETTERS = re.compile(r"[^\W\d_]+")
