"""Institution names: "Børnehuset Mælkebøtten", "Vestre Skole", "Solsikkeskolen"."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import Recognizer, RecognizerContext, doc_text
from narrativ_nlp.identifiers.recognizers.phrase_recognizer import _IGNORECASE_FOLD
from narrativ_nlp.identifiers.types import IdentifierSpan

_NAME = r"[A-ZÆØÅ][\wæøåé'-]*"


#: the endings of one-word institution names ("Solsikkeskolen")
_COMPOUND_ENDINGS = ("skolen", "skole", "børnehaven", "børnehave", "vuggestuen", "børnehuset", "børnehus", "afdelingen",
                     "forvaltningen")

#: capitalised words after an institution noun that are never its name (pronouns, sentence openers)
_NOT_NAMES = frozenset("i vi de du han hun den det der jeg man hvor når så men og da efter i dag".split())


class InstitutionRecognizer(Recognizer):
    name = "institution"
    labels = ("INSTITUTION",)

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        prefixes = "|".join(re.escape(p) for p in sorted(context.settings["institution_prefixes"], key=len, reverse=True))
        # prefix + one or two capitalised words: "Børnehuset Mælkebøtten", "Dagplejen Nord"
        # (spaces and tabs only: a name never runs over a line break — "vuggestuen\nI dag")
        self._prefixed = re.compile(rf"(?i:\b(?:{prefixes}))[ \t]+(?-i:{_NAME}(?:[ \t]+{_NAME})?)")
        # capitalised words + suffix word: "Vestre Skole", "Byens Børnehus"
        cap_suffixes = "|".join(re.escape(x[:1].upper() + x[1:]) for x in sorted(context.settings["institution_suffixes"], key=len, reverse=True))
        self._suffixed = re.compile(rf"\b(?:{_NAME}[ \t]+){{1,2}}(?:{cap_suffixes})\b")
        # one compound word ending in skolen/børnehaven/vuggestuen: "Solsikkeskolen"
        self._compound = re.compile(rf"\b[A-ZÆØÅ][\wæøå]+(?:{'|'.join(_COMPOUND_ENDINGS)})\b")
        # cheap pre-checks: each regex needs one of its literal words in the text (the prefixes in any case:
        # looked for in the lowered text, the letters IGNORECASE matches to ASCII ones folded first)
        self._prefix_words = tuple(p.lower() for p in context.settings["institution_prefixes"])
        self._suffix_words = tuple(x[:1].upper() + x[1:] for x in context.settings["institution_suffixes"])

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        text = doc_text(doc)
        found = []
        folded = text.translate(_IGNORECASE_FOLD).lower()
        for rx, score in ((self._prefixed, 0.8), (self._suffixed, 0.7), (self._compound, 0.7)):
            if rx is self._prefixed and not any(p in folded for p in self._prefix_words):
                continue
            if rx is self._suffixed and not any(x in text for x in self._suffix_words):
                continue
            if rx is self._compound and not any(e in text for e in _COMPOUND_ENDINGS):
                continue
            for m in rx.finditer(text):
                words = m.group(0).split()
                # "I Vuggestuen" at a sentence start is not a name: the name part must be capitalised
                if rx is self._prefixed and len(words) > 1 and not words[1][0].isupper():
                    continue
                # "Vuggestuen Vi …", "Børnehaven De …": a pronoun or function word is never the name part
                if rx is self._prefixed and len(words) > 1 and words[1].lower() in _NOT_NAMES:
                    continue
                if rx is self._suffixed and words[0].lower() in ("i", "på", "til", "fra", "den", "det", "en", "et", "vores", "min", "hans", "hendes"):
                    if len(words) == 2:
                        continue
                    m_start = m.start() + len(words[0]) + 1
                    found.append(self.span(m_start, m.end(), "INSTITUTION", score))
                    continue
                if rx is self._compound and self.context.lexicon.is_word(m.group(0)):
                    continue  # "Folkeskolen", "Børnehaven": ordinary nouns at a sentence start
                found.append(self.span(m.start(), m.end(), "INSTITUTION", score))
        return found
