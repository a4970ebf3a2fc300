"""Places, buildings and events: capitalised words that are no persons ("i Vridsted", "Dagplejens Dag").

Danish capitalises proper nouns, so a capitalised word that no list knows is often taken
for a rare given name. In published and shared texts many such words are villages, halls
and events. Evidence, from ``places`` and ``events`` in ``data/identifiers.yaml``:

* a village or town: a capitalised word after "i" ("dagplejer i Fly", "I Thorsager ...");
  after "fra", "til", "ved", ... only with a place-name ending ("fra Sjørup", "ved Hvalsø");
  beside a known place ("Brønshøj og Husum"). Label ``NOT_PERSON``: a name guess on the same
  words is offered unticked (a town alone identifies no one, ``corpus-format.md``);
* a building or institution named by a compound ending in "-hallen", "-gården", "-huset", ...
  ("Vestfjendshallen", "Toftegården"), or in "-hus"/"-borg" after a preposition ("til Nøjkærhus",
  "af Riddersborg"): label ``INSTITUTION`` (it identifies the place: replaced like a name),
  on every occurrence in the text;
* a street or square ("Nørager Plads"), a phrase of ordinary words inside a sentence ("ved Byens
  Kagemand") and a ruler ("Dronning Dagmar"): label ``NOT_PERSON``;
* a title in quotes after "bogen", "sangen", "filmen", ... ("bogen “Zuri Zebra”"), when it holds no known
  given name and no word the text uses elsewhere: ``NOT_PERSON``;
* an event: a genitive of an ordinary word before "Dag", "Uge", ... ("Dagplejens Dag", "Mors Dag"),
  or a compound ending in one ("Bamsedag"): label ``NOT_PERSON``; after a name's genitive only the
  event word ("Emmas Dag": "Emmas" stays a name).

Except after a ruler's title, a word that the gazetteer knows as a given name or surname is never
taken ("i Frederiks", "fra Emma", "Emmas Dag"), nor a possessive before a lower-case word ("i Nukas
taske"), nor a word after "en ven i", "fat i", ... ("en god ven i Tutu"): a missed name is worse
than a village offered for review.
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
    token_texts,
    upper_starts,
)
from narrativ_nlp.identifiers.types import IdentifierSpan


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and not word.isupper() and word.replace("-", "").isalpha()


_QUOTES = ('"', "“", "„", "»", "'", "‘")


def _ordinary(word: str, lex) -> bool:
    """An ordinary Danish word form or its genitive ("Kagemand", "Byens")."""
    return lex.is_word(word) or (word.endswith("s") and lex.is_word(word[:-1]))


def _possessive_before_word(texts: list[str], i: int) -> bool:
    """``texts[i]`` ends like a genitive and a lower-case word follows ("Nukas taske", "Oversøs have")."""
    nxt = texts[i + 1] if i + 1 < len(texts) else ""
    return texts[i].lower().endswith(("s", "'", "’", "z", "x")) and nxt[:1].islower()


class PlaceRecognizer(Recognizer):
    name = "places"
    labels = ("NOT_PERSON", "INSTITUTION")
    guards_person = True  # runs whenever names are detected: a place overrides a name guess

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        places = context.settings["places"]
        self._locative = frozenset(w.lower() for w in places["locative"])
        self._prepositions = frozenset(w.lower() for w in places["prepositions"])
        self._not_after = frozenset(w.lower() for w in places["not_after"])
        self._suffixes = tuple(sorted((w.lower() for w in places["suffixes"]), key=len, reverse=True))
        self._buildings = tuple(sorted((w.lower() for w in places["building_suffixes"]), key=len, reverse=True))
        self._buildings_after_preposition = tuple(w.lower() for w in places["building_suffixes_after_preposition"])
        self._streets = frozenset(w.lower() for w in places["street_words"])
        self._titles = frozenset(w.lower() for w in places["ruler_titles"])
        nouns = "|".join(re.escape(w) for w in sorted(context.settings["title_nouns"], key=len, reverse=True))
        self._title_rx = re.compile(
            rf"(?i:\b(?:{nouns}))\s*:?\s*[\"“„»'‘]([^\"”“«'’\n]{{2,60}}?)[\"”«'’]")
        events = context.settings["events"]
        self._event_words = frozenset(w.lower() for w in events["words"])
        self._unknown_memo: dict[str, bool] = {}  # ``_unknown`` by word (the lexicon does not change)

    def _unknown(self, word: str) -> bool:
        """Capitalised and no given name or surname (nor the genitive of one) that the gazetteer knows,
        nor a double name with one ("Ella-Marie")."""
        memo = self._unknown_memo
        known = memo.get(word)
        if known is None:
            lex = self.context.lexicon
            known = _capitalised(word) and all(lex.base_name(part) is None for part in (word, *word.split("-")) if part)
            if len(memo) >= 50_000:
                memo.clear()
            memo[word] = known
        return known

    def _compound_of(self, low: str, endings: tuple[str, ...]) -> bool:
        """``low`` ends in one of ``endings`` after at least three letters ("vestfjendshallen", "toftegården")."""
        return any(low.endswith(e) and len(low) - len(e) >= 3 for e in endings)

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        texts, idxs = token_texts(doc)
        lex = self.context.lexicon
        n = len(texts)
        out: list[IdentifierSpan] = []
        buildings: set[str] = set()
        place_ends: set[int] = set()  # token index of the last word of each place found
        upper = upper_starts(doc)  # an unknown word is capitalised: only tokens with a capital first
        for i in upper:
            word = texts[i]
            if not self._unknown(word):
                continue
            low = word.lower()
            prev = texts[i - 1].lower() if i > 0 else ""
            nxt = texts[i + 1] if i + 1 < n else ""
            if lex.is_word(word):
                pass  # "Folkeskolen", "Idrætshallen": ordinary nouns, capitalised at a sentence start
            elif self._compound_of(low, self._buildings):
                buildings.add(word)
                continue
            after_preposition = prev in self._locative or prev in self._prepositions
            if after_preposition and not lex.is_word(word) and self._compound_of(
                    low, self._buildings_after_preposition):
                buildings.add(word)
                continue
            # "i Nukas taske": a possessive before a lower-case word may be a child's name
            if _possessive_before_word(texts, i):
                continue
            # "en god ven i Ella-Marie", "en støtte i Nuka": a person after "i"
            locative = prev in self._locative and not (i > 1 and texts[i - 2].lower() in self._not_after)
            # "i Munke Bjergby": the following capitalised unknown words belong to the place
            j = i
            while j + 1 < n and self._unknown(texts[j + 1].rstrip("-")) and idxs[j] + len(texts[j]) == idxs[j + 1] - 1:
                j += 1
            last = texts[j].rstrip("-").lower()
            place = locative or (
                prev in self._prepositions and (self._compound_of(last, self._suffixes) or last in lex.towns))
            if not place and prev in ("og", ",", "eller") and i > 1:
                # "Brønshøj og Husum", "fra Ravnsrup og Egebjerg": beside a known or just found place
                place = texts[i - 2].lower() in lex.towns or i - 2 in place_ends
            if not place and nxt.lower() in ("og", "eller") and i + 2 < n:
                place = texts[i + 2].lower().rstrip("-") in lex.towns
            if place:
                if j > i and _possessive_before_word(texts, j):
                    continue  # "i Lonny Oversøs have": a full name in the genitive
                if j + 2 < n and texts[j + 1].lower() in ("og", "&") and texts[j + 2][:1].isupper() and (
                        _possessive_before_word(texts, j + 2) or lex.base_name(texts[j + 2]) is not None):
                    continue  # "i Lonny og Bents have", "i Lonny og Bent Hansens have": two owners
                out.append(self.span(idxs[i], idxs[j] + len(texts[j]), "NOT_PERSON", 0.8))
                place_ends.add(j)
        caps = [False] * n
        cap_idx = [i for i in upper if _capitalised(texts[i])]
        for i in cap_idx:
            caps[i] = True
        out.extend(self._events(texts, idxs, caps, cap_idx))
        out.extend(self._phrases(doc, texts, idxs, caps, cap_idx))
        out.extend(self._titles_quoted(doc))
        if buildings:
            text = doc_text(doc)
            for word in buildings:
                for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                    out.append(self.span(m.start(), m.end(), "INSTITUTION", 0.6))
        return out

    def _titles_quoted(self, doc: Doc) -> list[IdentifierSpan]:
        """A title in quotes after a title noun ("bogen “Zuri Zebra”", "sangen 'Mos og Trille'"): its
        capitalised words are no persons of the text. Not when it holds a known given name or a word
        that the text uses outside the title too ("sangen 'Lille Tutu'" about the child Tutu)."""
        text = doc_text(doc)
        if not any(q in text for q in _QUOTES):
            return []
        lex = self.context.lexicon
        out = []
        for m in self._title_rx.finditer(text):
            words = [w for w in re.findall(r"[^\W\d_][\w'-]*", m.group(1)) if w[:1].isupper()]
            if any(lex.is_first_name(w) for w in words):
                continue
            rest = text[: m.start(1)] + " " + text[m.end(1) :]
            if any(re.search(rf"(?<![\w-]){re.escape(w)}", rest) for w in words):
                continue
            out.append(self.span(m.start(1), m.end(1), "NOT_PERSON", 0.8))
        return out

    def _phrases(self, doc: Doc, texts: list[str], idxs: list[int], caps: list[bool],
                 cap_idx: list[int]) -> list[IdentifierSpan]:
        """Capitalised phrases that name no person: a street or square ("Nørager Plads"), ordinary words
        inside a sentence ("ved Byens Kagemand", "Det Kongelige Teater"), a ruler ("Dronning Dagmar")."""
        lex = self.context.lexicon
        out = []
        n = len(texts)
        after = 0  # the first token after the last run looked at
        for i in cap_idx:
            if i < after:
                continue
            j = i
            while j + 1 < n and caps[j + 1] and idxs[j] + len(texts[j]) == idxs[j + 1] - 1:
                j += 1
            run = texts[i : j + 1]
            if len(run) >= 2:
                if run[0].lower() in self._titles:
                    # "Dronning Dagmar", "Kong Christian": a ruler of history or story, offered for review
                    out.append(self.span(idxs[i], idxs[j] + len(texts[j]), "NOT_PERSON", 0.8))
                elif run[-1].lower() in self._streets and all(self._unknown(w) for w in run):
                    out.append(self.span(idxs[i], idxs[j] + len(texts[j]), "NOT_PERSON", 0.8))
                elif not initial_flags(doc)[i] and all(
                        self._unknown(w) and w.lower() not in STOP_WORDS and _ordinary(w, lex) for w in run):
                    out.append(self.span(idxs[i], idxs[j] + len(texts[j]), "NOT_PERSON", 0.8))
            after = j + 1
        return out

    def _events(self, texts: list[str], idxs: list[int], caps: list[bool], cap_idx: list[int]) -> list[IdentifierSpan]:
        """"Dagplejens Dag", "Mors Dag", "Bamsedag": no person."""
        lex = self.context.lexicon
        out = []
        endings = tuple(self._event_words)
        for i in cap_idx:
            word = texts[i]
            low = word.lower()
            if low in self._event_words:
                # "Dagplejens Dag": an ordinary word's genitive before an event word ("Emmas Dag" stays a name)
                before = texts[i - 1] if i > 0 else ""
                if i > 0 and caps[i - 1] and before.endswith("s") and idxs[i - 1] + len(before) == idxs[i] - 1:
                    if lex.is_word(before[:-1]) and lex.base_name(before) is None:
                        out.append(self.span(idxs[i - 1], idxs[i] + len(word), "NOT_PERSON", 0.8))
                    else:
                        out.append(self.span(idxs[i], idxs[i] + len(word), "NOT_PERSON", 0.8))  # "Emmas Dag"
            elif self._compound_of(low, endings) and lex.base_name(word) is None and lex.is_compound(word):
                # "Bamsedag", "Bedsteforældredag": a compound of ordinary words ending in an event word
                out.append(self.span(idxs[i], idxs[i] + len(word), "NOT_PERSON", 0.8))
        return out


__all__ = ["PlaceRecognizer", "RecognizerContext"]
