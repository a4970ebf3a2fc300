"""Initials in capitals: staff and parents written as "MK", "LH", "JBN" ("MK og jeg gik ...").

Two or three capital letters standing alone are, in a narrative, most often a
colleague's or a parent's initials. Abbreviations that are not people ("PPR",
"SFO", "CI", "OK") and shouted words ("HEJ", "AV") are listed in
``data/identifiers.yaml`` (``not_initials``); Danish stop words in capitals ("NEJ",
"MIG") and shouting or headings in capitals ("STOP NU", "TUR I SKOVEN") are left
out. Names in capitals ("ALI") are the gazetteer's.
The score pre-selects the span; the person reviews it.
"""

from __future__ import annotations

import re

from spacy.lang.da.stop_words import STOP_WORDS
from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import Recognizer, doc_text
from narrativ_nlp.identifiers.types import INITIALS, IdentifierSpan

_INITIALS = re.compile(rf"(?<![\w'’.-])({INITIALS})(?:'s|’s|s)?(?![\w'’-])")
_WORD = re.compile(r"[^\W\d_]+")


#: words after which two capitals that spell a function word are still initials ("skriver OP.", "med OS.")
_BEFORE_STOP_WORD_INITIALS = ("skriver", "skrev", "siger", "sagde", "fortæller", "fortalte", "med", "og", "fra", "til", "hos", "af")
_PREV_WORD = re.compile(r"([^\W\d_]+)\s+$")
#: a person next to an abbreviation that is also common initials ("note til PS:", "KB → ML", "(PS)", "PS og jeg")
_PERSON_BEFORE = re.compile(
    r"(?:(?<![\w])(?:med|til|fra|hos|og|af|for|ved|mellem|spurgte|sagde|skriver|skrev|ringede|kontakt)\s+|(?:→|->|/|\()\s*)$",
    re.IGNORECASE,
)
_PERSON_AFTER = re.compile(r"^(?:\s*(?:→|->|/|\))|\s+og\s+(?:jeg|[A-ZÆØÅ]{2,3}(?![\w])))")


def _initials_after_verb(text: str, start: int, end: int) -> bool:
    """"skriver OP.", "legede videre med OS.": a function word in capitals after such a word, closing
    the sentence, is a colleague's initials, not shouting."""
    m = _PREV_WORD.search(text[max(0, start - 20) : start])
    if not m or m.group(1) not in _BEFORE_STOP_WORD_INITIALS:
        return False
    return end >= len(text) or text[end] in ".,!?;:)\n"


def _person_context(text: str, start: int, end: int) -> bool:
    """True when a preposition or verb, a handover arrow, a slash or parentheses stand next to the capitals."""
    return bool(_PERSON_BEFORE.search(text[max(0, start - 20) : start]) or _PERSON_AFTER.match(text[end : end + 12]))


class InitialsRecognizer(Recognizer):
    name = "initials"
    labels = ("PERSON",)
    SCORE = 0.5

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        text = doc_text(doc)
        lex = self.context.lexicon
        found = []
        for m in _INITIALS.finditer(text):
            letters = m.group(1)
            if lex.is_first_name(letters):
                continue
            if letters in self.context.not_initials and not (
                letters in self.context.also_initials and _person_context(text, m.start(), m.end())
            ):
                continue
            if letters.lower() in STOP_WORDS and not _initials_after_verb(text, m.start(), m.end()):
                continue
            if self._in_capitals(text, m.start(), m.end()):
                continue
            found.append(self.span(m.start(), m.end(), "PERSON", self.SCORE))
        return found

    def _in_capitals(self, text: str, start: int, end: int) -> bool:
        """True when one of the two words either side is in capitals and is no initials ("STOP NU")."""
        before = _WORD.findall(text[max(0, start - 40) : start])[-2:]
        after = _WORD.findall(text[end : end + 40])[:2]
        for word in before + after:
            if word in self.context.also_initials:
                continue
            if len(word) > 1 and word.isupper() and (len(word) > 3 or word.lower() in STOP_WORDS or word in self.context.not_initials):
                return True
        return False
