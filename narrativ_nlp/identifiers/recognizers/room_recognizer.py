"""Rooms and groups of a day care: "Stue Myretuen", "på Myretuen", "Egernstuen", "Grøn gruppe", "Bamserne".

A room or group name is no person: it gets the label ROOM, and the engine lets it
override a name guess of the proper-noun recognizer on the same words. Whether rooms
are replaced is the user's choice (``replace_rooms`` in ``data/identifiers.yaml``;
by default they are offered unticked, i.e. kept). Evidence, any of:

* a capitalised word after a room word: "Stue Myretuen", "gruppen Solsikken";
* a capitalised ordinary word before "gruppe"/"stue": "Grøn gruppe", "Røde stue";
* a compound ending in a room suffix: "Egernstuen", "Troldestuen", "Skovgruppen";
* the definite form of an ordinary noun, capitalised after "på", "fra", "til", "med" or a comma
  ("på Myretuen", "fra Ræven", "Hilsen Bettina, Bamserne"): Danish capitalises only proper nouns,
  and a definite noun as a proper noun names a room, not a person. After "i" it names an
  institution ("gik i Paddehatten"; one is *in* a day care, *on* a room) and is labelled so.

A known given name or surname is never a room ("stuen Ida" stays a name).
"""

from __future__ import annotations

import re

from spacy.lang.da.stop_words import STOP_WORDS
from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import Recognizer, RecognizerContext, doc_text, token_texts
from narrativ_nlp.identifiers.types import IdentifierSpan

_CAP = r"[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅa-zæøå][a-zæøåéü]+)?"
_DEFINITE = ("en", "et", "ne", "n")


class RoomRecognizer(Recognizer):
    name = "room"
    labels = ("ROOM", "INSTITUTION")
    guards_person = True  # runs whenever names are detected: a room overrides a name guess

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        rooms = context.settings["rooms"]
        words = "|".join(re.escape(w) for w in sorted(rooms["words"], key=len, reverse=True))
        suffixes = "|".join(re.escape(w) for w in sorted(rooms["suffixes"], key=len, reverse=True))
        # "Stue Myretuen", "stuen Solsikken": the room word (capitalised or not) and the name
        self._after_word = re.compile(rf"\b(?i:({words}))\s+({_CAP})\b")
        # "Grøn gruppe", "Røde stue", "Gul Stue", "Grøn og Blå Stue"
        self._before_word = re.compile(rf"\b({_CAP})(?:\s+(?:og|eller)\s+({_CAP}))?\s+(?i:{words})\b")
        # "Egernstuen", "Troldestuen", "Skovgruppen"
        self._compound = re.compile(rf"\b[A-ZÆØÅ][a-zæøå]+(?:{suffixes})\b")
        self._prepositions = frozenset(rooms["prepositions"])
        # any room word in the text (lower case, also inside a compound): the three room regexes run only then
        self._any_room_word = re.compile("|".join(re.escape(w) for w in sorted(set(rooms["words"]) | set(rooms["suffixes"]),
                                                                                key=len, reverse=True)))
        # "hendes kommende børnehave, Troldehøjen": after an institution noun and a comma, an institution
        self._institution_nouns = frozenset(w.lower() for key in ("institution_prefixes", "institution_suffixes")
                                            for w in context.settings[key])

    def _is_name(self, word: str) -> bool:
        lex = self.context.lexicon
        base = lex.base_name(word)
        return base is not None and not lex.is_ordinary(word)

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        text = doc_text(doc)
        found: list[IdentifierSpan] = []
        if self._any_room_word.search(text.lower()):
            found.extend(self._room_word_rooms(text))
        found.extend(self._definite_rooms(doc))
        return found

    def _room_word_rooms(self, text: str) -> list[IdentifierSpan]:
        """"Stue Myretuen", "Grøn gruppe", "Egernstuen"."""
        lex = self.context.lexicon
        found: list[IdentifierSpan] = []
        for m in self._after_word.finditer(text):
            name = m.group(2)
            if self._is_name(name) or name.lower() in STOP_WORDS:
                continue
            start = m.start() if m.group(1)[0].isupper() else m.start(2)
            found.append(self.span(start, m.end(), "ROOM", 0.7))
        for m in self._before_word.finditer(text):
            firsts = [w for w in m.group(1, 2) if w]
            if all(lex.is_word(w) and not self._is_name(w) and w.lower() not in STOP_WORDS for w in firsts):
                found.append(self.span(m.start(), m.end(), "ROOM", 0.7))
        for m in self._compound.finditer(text):
            word = m.group(0)
            if _name_follows(text, m.end()):
                continue  # "Troldestuen Vest": a longer name, the other recognizers' (an institution)
            if not self._is_name(word) and not lex.is_word(word):
                found.append(self.span(m.start(), m.end(), "ROOM", 0.6))
        return found

    def _definite_rooms(self, doc: Doc) -> list[IdentifierSpan]:
        """"på Myretuen", "fra Ræven", "Hilsen Bettina, Bamserne"; "gik i Paddehatten" (an institution)."""
        lex = self.context.lexicon
        found: list[IdentifierSpan] = []
        texts, idxs = token_texts(doc)
        for i in range(1, len(texts)):
            word = texts[i]
            if not word[:1].isupper() or len(word) < 3 or word.isupper() or not word.endswith(_DEFINITE):
                continue
            prep = texts[i - 1].lower()
            if prep not in self._prepositions:
                continue
            if i + 1 < len(texts) and texts[i + 1][:1].isupper() and texts[i + 1].isalpha():
                continue  # "på Plejecentret Solhøj", "i Aktivitetshuset Tranen": a longer name (an institution)
            # any given name, also one that is a word form ("med Tien", "til Maren"), is a person here
            if lex.is_first_name(word) or self._is_name(word) or word.lower() in lex.not_person or word.lower() in lex.towns:
                continue
            if _definite_noun(word, lex):
                # "gik i Paddehatten": one goes *in* an institution, *on* a room ("på Myretuen"); an
                # institution is replaced like a name, a room is the user's choice
                label = "INSTITUTION" if prep == "i" or (
                    prep in (",", "–") and i > 1 and texts[i - 2].lower() in self._institution_nouns) else "ROOM"
                found.append(self.span(idxs[i], idxs[i] + len(word), label, 0.6))
        return found


def _name_follows(text: str, end: int) -> bool:
    """A capitalised word right after ``end`` (one space between)."""
    return end + 1 < len(text) and text[end] == " " and text[end + 1].isupper()


def _definite_noun(word: str, lex) -> bool:
    """The definite form of an ordinary noun ("Myretuen", "Ræven", "Bamserne", "Pindsvinet"), or a
    compound ending in one ("Rævebørnene")."""
    low = word.lower()
    lemma = lex.danish_words.get(low) if hasattr(lex.danish_words, "get") else None
    if lemma is not None:
        return lemma != low
    return lex.is_compound(word) and any(low.endswith(e) for e in ("erne", "ene", "en", "et"))
